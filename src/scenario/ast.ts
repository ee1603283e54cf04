// The typed AST of a `.mms` scenario (docs: /work/shared/docs/scenario-format.md).
//
// Every statement is a discriminated union member keyed by `kind`; `assert` and
// `show` carry a second discriminant `what`, `uffd` carries `op`. Optional keys are
// omitted (never present with the value `undefined`) so nodes compare structurally.
// Sub-nodes the runner may reject at run time (addresses, sizes, comparisons, flags)
// carry their own `loc`, so a runtime error can still point at FILE:LINE:COL.

/** 1-based source position; `col` counts characters (a tab is one column). */
export interface Loc {
  line: number;
  col: number;
}

/** A byte count written as `4K`, `2M`, `0x1000`, `4096`... Always a safe integer. */
export interface Size {
  bytes: number;
  loc: Loc;
}

/** `REGION`, `REGION+OFF` or `PROC:REGION+OFF`; `offset` is 0 when not written. */
export interface Address {
  /** Present only when written: the address is then read in that process. */
  proc?: string;
  region: string;
  offset: number;
  loc: Loc;
}

/** `REGION` or `PROC:REGION` (no offset), for views about a whole region. */
export interface RegionRef {
  proc?: string;
  region: string;
  loc: Loc;
}

// ---------------------------------------------------------------- vocabularies
// Each vocabulary is a const tuple so the parser, its messages and the types agree.

export const ARCH_NAMES = [
  'x86_64',
  'x86_64-la57',
  'arm64-4k',
  'arm64-16k',
  'arm64-64k',
  'riscv64-sv39',
  'riscv64-sv48',
  'riscv64-sv57',
  'ppc-8xx',
  'ppc64-radix-4k',
  'ppc64-radix-64k',
  'ppc64-hash-64k',
] as const;
export type ArchName = (typeof ARCH_NAMES)[number];
export const DEFAULT_ARCH: ArchName = 'x86_64';

/** `none`, or r/w/x in that order (`r`, `rw`, `rx`, `rwx`, and also `w`, `x`, `wx`). */
export const PROTS = ['none', 'r', 'w', 'x', 'rw', 'rx', 'wx', 'rwx'] as const;
export type Prot = (typeof PROTS)[number];

/** In the order the spec lists them (the order error messages use). */
export const ADVICES = [
  'hugepage',
  'nohugepage',
  'dontneed',
  'free',
  'pageout',
  'cold',
  'willneed',
  'collapse',
  'populate_read',
  'populate_write',
  'remove',
  'guard_install',
  'guard_remove',
  'dontfork',
  'dofork',
  'wipeonfork',
] as const;
export type Advice = (typeof ADVICES)[number];

/** mmap flag words beyond the ones with their own field (MAP_NORESERVE, MAP_LOCKED...). */
export const MMAP_EXTRA_FLAGS = ['noreserve', 'locked', 'growsdown', 'stack', 'nonblock', 'sync', 'droppable'] as const;
export type MmapExtraFlag = (typeof MMAP_EXTRA_FLAGS)[number];

export const UFFD_MODES = ['wp', 'missing', 'minor'] as const;
export type UffdMode = (typeof UFFD_MODES)[number];
/** `event_fork` is UFFD_FEATURE_EVENT_FORK (the child inherits the registration). */
export const UFFD_FLAGS = ['wp_unpopulated', 'async', 'event_fork'] as const;
export type UffdFlag = (typeof UFFD_FLAGS)[number];

export const PIN_FLAGS = ['write', 'longterm', 'fast'] as const;
export type PinFlag = (typeof PIN_FLAGS)[number];

export const ERRNO_NAMES = [
  'EINVAL',
  'ENOMEM',
  'EFAULT',
  'EPERM',
  'EACCES',
  'EEXIST',
  'EAGAIN',
  'EBUSY',
  'ENOENT',
  'ENOSPC',
  'EOVERFLOW',
  'ENODEV',
  'ESRCH',
  'EBADF',
] as const;
export type ErrnoName = (typeof ERRNO_NAMES)[number];
export const SIGNAL_NAMES = ['SIGBUS', 'SIGSEGV'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];
export type ExpectedFailure = ErrnoName | SignalName;

export const PAGEMAP_FLAGS = ['present', 'swapped', 'file', 'exclusive', 'uffd_wp', 'guard', 'soft_dirty'] as const;
export const KPAGE_FLAGS = [
  'kpf_thp',
  'kpf_huge',
  'kpf_head',
  'kpf_tail',
  'kpf_zero',
  'kpf_anon',
  'kpf_swapbacked',
  'kpf_swapcache',
  'kpf_mmap',
  'kpf_anon_exclusive',
] as const;
export const SCAN_FLAGS = [
  'is_present',
  'is_written',
  'is_huge',
  'is_pfnzero',
  'is_swapped',
  'is_file',
  'is_wpallowed',
  'is_guard',
] as const;
export type PagemapFlag = (typeof PAGEMAP_FLAGS)[number];
export type KpageFlag = (typeof KPAGE_FLAGS)[number];
export type ScanFlag = (typeof SCAN_FLAGS)[number];
export type PageFlag = PagemapFlag | KpageFlag | ScanFlag;
/** Which interface a flag is read from. */
export type PageFlagSource = 'pagemap' | 'kpageflags' | 'scan';

export const CMP_OPS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type CmpOp = (typeof CMP_OPS)[number];

/** /proc/PID/status memory fields (kB). The runner decides which it can produce. */
export const STATUS_FIELDS = [
  'VmPeak',
  'VmSize',
  'VmLck',
  'VmPin',
  'VmHWM',
  'VmRSS',
  'RssAnon',
  'RssFile',
  'RssShmem',
  'VmData',
  'VmStk',
  'VmExe',
  'VmLib',
  'VmPTE',
  'VmSwap',
  'HugetlbPages',
] as const;
export type StatusField = (typeof STATUS_FIELDS)[number];

/** Numeric smaps fields in kernel print order; `Referenced` is volatile so it is left out. */
export const SMAPS_FIELDS = [
  'Size',
  'KernelPageSize',
  'MMUPageSize',
  'Rss',
  'Pss',
  'Pss_Dirty',
  'Shared_Clean',
  'Shared_Dirty',
  'Private_Clean',
  'Private_Dirty',
  'Anonymous',
  'KSM',
  'LazyFree',
  'AnonHugePages',
  'ShmemPmdMapped',
  'FilePmdMapped',
  'Shared_Hugetlb',
  'Private_Hugetlb',
  'Swap',
  'SwapPss',
  'Locked',
  'THPeligible',
  'ProtectionKey',
] as const;
export type SmapsField = (typeof SMAPS_FIELDS)[number];

export const THP_MODES = ['always', 'madvise', 'never'] as const;
export type ThpMode = (typeof THP_MODES)[number];
export const MTHP_MODES = ['never', 'always', 'madvise', 'inherit'] as const;
export type MthpMode = (typeof MTHP_MODES)[number];

export const SHOW_VIEWS = ['maps', 'smaps', 'pagemap', 'status', 'content', 'ptdump', 'pins', 'rollup'] as const;
export type ShowView = (typeof SHOW_VIEWS)[number];

// ---------------------------------------------------------------- header

export interface ArchStatement {
  kind: 'arch';
  arch: ArchName;
  loc: Loc;
}

/** The typed meaning of a `set` line; sizes keep their loc (the arch may not have them). */
export type Setting =
  | { key: 'thp'; mode: ThpMode }
  | { key: 'thp.zero_page'; on: boolean }
  | { key: 'mthp'; size: Size; mode: MthpMode }
  | { key: 'hugetlb'; size: Size; pages: number }
  | { key: 'swap'; on: boolean }
  | { key: 'option'; name: string; on: boolean };

export interface SetStatement {
  kind: 'set';
  /** As written, e.g. `mthp.64K`. */
  key: string;
  /** As written, e.g. `never`. */
  value: string;
  setting: Setting;
  loc: Loc;
}

export interface RequiresStatement {
  kind: 'requires';
  features: string[];
  loc: Loc;
}

export type HeaderStatement = ArchStatement | SetStatement | RequiresStatement;

// ---------------------------------------------------------------- operations

/**
 * What backs a mapping. `pfnmap` (a driver's VM_PFNMAP region, model only) excludes
 * anon and file, so it is a backing rather than a flag. A file's `off` is 0 when not
 * written; its loc then points at `file`.
 */
export type Backing = { kind: 'anon' } | { kind: 'file'; file: string; off: Size } | { kind: 'pfnmap' };

export interface MmapStatement {
  kind: 'mmap';
  /** Always present outside `expect`; inside `expect` it is optional and binds nothing. */
  name?: string;
  len: Size;
  prot: Prot;
  shared: boolean;
  backing: Backing;
  /** `hugetlb=SIZE`: MAP_HUGETLB with that page size. */
  hugetlb?: Size;
  populate: boolean;
  fixed?: Address;
  /** Other MAP_* words, in the order written. */
  flags: MmapExtraFlag[];
  loc: Loc;
}

export interface FileStatement {
  kind: 'file';
  name: string;
  size: Size;
  loc: Loc;
}

export interface MunmapStatement {
  kind: 'munmap';
  addr: Address;
  len: Size;
  loc: Loc;
}

export interface MprotectStatement {
  kind: 'mprotect';
  addr: Address;
  len: Size;
  prot: Prot;
  loc: Loc;
}

export interface MadviseStatement {
  kind: 'madvise';
  addr: Address;
  len: Size;
  advice: Advice;
  loc: Loc;
}

export interface MremapStatement {
  kind: 'mremap';
  /** Optional: an in-place resize needs no new name. Binds nothing inside `expect`. */
  name?: string;
  addr: Address;
  oldLen: Size;
  newLen: Size;
  maymove: boolean;
  fixed?: Address;
  dontunmap: boolean;
  loc: Loc;
}

export interface ReadStatement {
  kind: 'read';
  addr: Address;
  len: Size;
  loc: Loc;
}

export interface WriteStatement {
  kind: 'write';
  addr: Address;
  len: Size;
  /** `value=N` (a 32-bit tag); absent means "a fresh value per page". */
  value?: number;
  loc: Loc;
}

export interface ForkStatement {
  kind: 'fork';
  /** The new process's name. */
  child: string;
  loc: Loc;
}

export interface AsStatement {
  kind: 'as';
  proc: string;
  loc: Loc;
}

export interface ExitStatement {
  kind: 'exit';
  proc: string;
  loc: Loc;
}

export interface UffdRegisterStatement {
  kind: 'uffd';
  op: 'register';
  addr: Address;
  len: Size;
  /** In the order written; may be empty (the kernel then says EINVAL). */
  modes: UffdMode[];
  flags: UffdFlag[];
  loc: Loc;
}

export interface UffdProtectStatement {
  kind: 'uffd';
  /** UFFDIO_WRITEPROTECT on (`wp`) or off (`unwp`). */
  op: 'wp' | 'unwp';
  addr: Address;
  len: Size;
  loc: Loc;
}

export type UffdStatement = UffdRegisterStatement | UffdProtectStatement;

export interface PinStatement {
  kind: 'pin';
  addr: Address;
  len: Size;
  flags: { write: boolean; longterm: boolean; fast: boolean };
  /** `as NAME`; an unnamed pin cannot be unpinned by the script. */
  name?: string;
  loc: Loc;
}

export interface UnpinStatement {
  kind: 'unpin';
  name: string;
  loc: Loc;
}

/** Model only: migrate the pages of the range. */
export interface MigrateStatement {
  kind: 'migrate';
  addr: Address;
  len: Size;
  loc: Loc;
}

/** The statements `expect` may wrap: the ones that can fail with an errno or a signal. */
export type ExpectableStatement =
  | MmapStatement
  | FileStatement
  | MunmapStatement
  | MprotectStatement
  | MadviseStatement
  | MremapStatement
  | ReadStatement
  | WriteStatement
  | ForkStatement
  | UffdStatement
  | PinStatement
  | UnpinStatement
  | MigrateStatement;

export interface ExpectStatement {
  kind: 'expect';
  error: ExpectedFailure;
  /** The wrapped statement (with its own loc). */
  inner: ExpectableStatement;
  loc: Loc;
}

// ---------------------------------------------------------------- assertions

export interface Comparison {
  op: CmpOp;
  value: number;
  /** Where the operator is. */
  loc: Loc;
}

export interface FlagTest {
  flag: PageFlag;
  source: PageFlagSource;
  /** `!flag`: the flag must be absent. */
  negated: boolean;
  loc: Loc;
}

export interface AssertPagemap {
  kind: 'assert';
  what: 'pagemap';
  addr: Address;
  len: Size;
  flags: FlagTest[];
  loc: Loc;
}

export interface AssertContent {
  kind: 'assert';
  what: 'content';
  addr: Address;
  len: Size;
  cmp: Comparison;
  loc: Loc;
}

export interface AssertFrame {
  kind: 'assert';
  what: 'frame';
  left: Address;
  op: '==' | '!=';
  right: Address;
  /** `next`: compare with the frame right after `right`'s. */
  next: boolean;
  loc: Loc;
}

export interface AssertStatus {
  kind: 'assert';
  what: 'status';
  field: StatusField;
  cmp: Comparison;
  loc: Loc;
}

export interface AssertSmaps {
  kind: 'assert';
  what: 'smaps';
  addr: Address;
  field: SmapsField;
  cmp: Comparison;
  loc: Loc;
}

export interface AssertMaps {
  kind: 'assert';
  what: 'maps';
  region: RegionRef;
  /** `count OP N`: the number of VMAs overlapping the region. */
  cmp: Comparison;
  loc: Loc;
}

export type AssertStatement = AssertPagemap | AssertContent | AssertFrame | AssertStatus | AssertSmaps | AssertMaps;

// ---------------------------------------------------------------- observations

export type ShowStatement =
  | { kind: 'show'; what: 'maps'; loc: Loc }
  | { kind: 'show'; what: 'smaps'; region: RegionRef; loc: Loc }
  | { kind: 'show'; what: 'pagemap'; addr: Address; len: Size; loc: Loc }
  | { kind: 'show'; what: 'status'; loc: Loc }
  | { kind: 'show'; what: 'content'; addr: Address; len: Size; loc: Loc }
  | { kind: 'show'; what: 'ptdump'; loc: Loc }
  | { kind: 'show'; what: 'pins'; addr: Address; len: Size; loc: Loc }
  /** smaps_rollup (`show rollup` or `show smaps_rollup`). */
  | { kind: 'show'; what: 'rollup'; loc: Loc };

// ---------------------------------------------------------------- scenario

export type Statement =
  | HeaderStatement
  | ExpectableStatement
  | AsStatement
  | ExitStatement
  | ExpectStatement
  | AssertStatement
  | ShowStatement;

export type StatementKind = Statement['kind'];

/** The header digested: header statements also stay in `statements`, in file order. */
export interface ScenarioHeader {
  /** `DEFAULT_ARCH` when the file has no `arch` line. */
  arch: ArchName;
  archLoc?: Loc;
  /** In file order; at most one per (normalised) key. Defaults are the runner's. */
  settings: SetStatement[];
  /** Union of all `requires` words, first occurrence order, no duplicates. */
  requires: string[];
}

export interface Scenario {
  file: string;
  header: ScenarioHeader;
  statements: Statement[];
}
