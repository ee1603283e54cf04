// Failures are the kernel's: an errno from a syscall, or a signal from an access.
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
} as const;
export type ErrnoName = keyof typeof ERRNO;

export const SIGNALS = { SIGBUS: 7, SIGSEGV: 11 } as const;
export type SignalName = keyof typeof SIGNALS;
export type FailureName = ErrnoName | SignalName;

/** A syscall that failed with an errno, or an access that raised a signal. */
export class KernelError extends Error {
  readonly code: FailureName;
  constructor(code: FailureName, why: string) {
    super(`${code}: ${why}`);
    this.code = code;
    this.why = why;
  }
  readonly why: string;
}

export function fail(code: FailureName, why: string): never {
  throw new KernelError(code, why);
}

/** A scenario asked for something this version of the model does not implement. */
export class NotSupportedError extends Error {}
export function notSupported(what: string): never {
  throw new NotSupportedError(`${what} is not supported yet`);
}
