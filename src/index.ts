// The typed API for library users: a System (one simulated machine) and its
// Processes, whose methods mirror the syscalls. Failures throw KernelError
// with the kernel's errno or signal name in `.code`.
import { Kernel, type KernelOptions } from './mm/kernel.js';
import type { Mm } from './mm/mm.js';
import { fork } from './mm/fork.js';
import { access } from './mm/fault.js';
import { checkInvariants } from './mm/invariants.js';
import { madvise, mmap, mprotect, mremap, munmap, type Advice, type MmapArgs } from './mm/syscalls.js';
import type { MappedObject, Vma } from './mm/vma.js';
import { pageInfo, kpageflags, kpagecount, type PageInfo } from './views/pagemap.js';
import { ptdump, formatPtdumpLine } from './views/ptdump.js';
import { smaps, status, smapsRollup, type SmapsRecord, type Status } from './views/smaps.js';

export class System {
  readonly kernel: Kernel;
  constructor(opts: KernelOptions = {}) {
    this.kernel = new Kernel(opts);
  }
  get pageSize(): number {
    return this.kernel.pageSize;
  }
  spawn(name = 'main'): Process {
    return new Process(this, this.kernel.spawn(name));
  }
  /** A regular file in the page cache; each page holds its index as value tag. */
  createFile(name: string, bytes: number): MappedObject {
    return this.kernel.createFile(name, bytes);
  }
  /** Every violated invariant (empty when consistent). */
  checkInvariants(): string[] {
    return checkInvariants(this.kernel);
  }
  kpageflags(pfn: number): number {
    return kpageflags(this.kernel, pfn);
  }
  kpagecount(pfn: number): number {
    return kpagecount(this.kernel, pfn);
  }
}

export class Process {
  constructor(readonly system: System, readonly mm: Mm) {}
  private get k(): Kernel {
    return this.system.kernel;
  }
  get pid(): number {
    return this.mm.pid;
  }
  mmap(args: MmapArgs): number {
    return mmap(this.k, this.mm, args);
  }
  munmap(addr: number, length: number): void {
    munmap(this.k, this.mm, addr, length);
  }
  mprotect(addr: number, length: number, prot: number): void {
    mprotect(this.k, this.mm, addr, length, prot);
  }
  madvise(addr: number, length: number, advice: Advice): void {
    madvise(this.k, this.mm, addr, length, advice);
  }
  mremap(addr: number, oldLength: number, newLength: number, flags: number, newAddr?: number): number {
    return mremap(this.k, this.mm, addr, oldLength, newLength, flags, newAddr);
  }
  /** A 32-bit load of the value tag of the page holding `addr`. */
  read(addr: number): number {
    return access(this.k, this.mm, Math.floor(addr / this.k.pageSize), false);
  }
  write(addr: number, value: number): void {
    access(this.k, this.mm, Math.floor(addr / this.k.pageSize), true, value);
  }
  fork(name: string): Process {
    return new Process(this.system, fork(this.k, this.mm, name));
  }
  exit(): void {
    this.k.exitMm(this.mm);
  }
  vmas(): readonly Vma[] {
    return this.mm.vmas;
  }
  smaps(): SmapsRecord[] {
    return this.mm.vmas.map((v) => smaps(this.k, this.mm, v));
  }
  smapsRollup(): ReturnType<typeof smapsRollup> {
    return smapsRollup(this.k, this.mm);
  }
  status(): Status {
    return status(this.k, this.mm);
  }
  /** pagemap bits, frames and PAGEMAP_SCAN categories of [addr, addr+length). */
  pagemap(addr: number, length: number): PageInfo {
    return pageInfo(this.k, this.mm, Math.floor(addr / this.k.pageSize), Math.ceil(length / this.k.pageSize));
  }
  ptdump(): string[] {
    return ptdump(this.k, this.mm).map((l) => formatPtdumpLine(this.k, l));
  }
}

export { Kernel, type KernelOptions } from './mm/kernel.js';
export { KernelError, NotSupportedError, ERRNO } from './mm/errno.js';
export { PROT, MAP, MREMAP, MADVICE, type Advice, type MmapArgs } from './mm/syscalls.js';
export { VM } from './mm/vma.js';
export { PM, SCAN, KPF } from './views/pagemap.js';
export { getFormat, formatNames, Format, Attr, Kind } from './arch/index.js';
export { Walker, WalkState, BaseVisitor, WALK_CONTINUE, WALK_AGAIN, WALK_STOP, type Visitor } from './walk/walker.js';
export { parseScenario, ScenarioError } from './scenario/parse.js';
export { runScenario } from './scenario/run.js';
