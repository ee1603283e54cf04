import { HugetlbVmaLock, type ResvMap } from './hugetlb.js';
import type { UffdCtx } from './uffd.js';

// Virtual memory areas and their flags (include/linux/mm.h). Flags are kept in
// our own compact bit order (all below 2^31, so plain bit operations work);
// VM_FLAG_INFO carries the kernel's bit number and smaps mnemonic, and smaps
// prints them in the kernel's bit order (fs/proc/task_mmu.c show_smap_vma_flags).

export const VM = {
  READ: 1 << 0,
  WRITE: 1 << 1,
  EXEC: 1 << 2,
  SHARED: 1 << 3,
  MAYREAD: 1 << 4,
  MAYWRITE: 1 << 5,
  MAYEXEC: 1 << 6,
  MAYSHARE: 1 << 7,
  UFFD_MISSING: 1 << 8,
  PFNMAP: 1 << 9,
  MAYBE_GUARD: 1 << 10,
  UFFD_WP: 1 << 11,
  LOCKED: 1 << 12,
  IO: 1 << 13,
  DONTCOPY: 1 << 14,
  DONTEXPAND: 1 << 15,
  ACCOUNT: 1 << 16,
  NORESERVE: 1 << 17,
  HUGETLB: 1 << 18,
  WIPEONFORK: 1 << 19,
  DONTDUMP: 1 << 20,
  SOFTDIRTY: 1 << 21,
  MIXEDMAP: 1 << 22,
  HUGEPAGE: 1 << 23,
  NOHUGEPAGE: 1 << 24,
  UFFD_MINOR: 1 << 25,
} as const;
export type VmFlagName = keyof typeof VM;

/** Kernel bit number and smaps mnemonic of each flag. */
export const VM_FLAG_INFO: readonly { flag: number; kernelBit: number; mnemonic: string }[] = [
  { flag: VM.READ, kernelBit: 0, mnemonic: 'rd' },
  { flag: VM.WRITE, kernelBit: 1, mnemonic: 'wr' },
  { flag: VM.EXEC, kernelBit: 2, mnemonic: 'ex' },
  { flag: VM.SHARED, kernelBit: 3, mnemonic: 'sh' },
  { flag: VM.MAYREAD, kernelBit: 4, mnemonic: 'mr' },
  { flag: VM.MAYWRITE, kernelBit: 5, mnemonic: 'mw' },
  { flag: VM.MAYEXEC, kernelBit: 6, mnemonic: 'me' },
  { flag: VM.MAYSHARE, kernelBit: 7, mnemonic: 'ms' },
  { flag: VM.UFFD_MISSING, kernelBit: 9, mnemonic: 'um' },
  { flag: VM.PFNMAP, kernelBit: 10, mnemonic: 'pf' },
  { flag: VM.MAYBE_GUARD, kernelBit: 11, mnemonic: 'gu' },
  { flag: VM.UFFD_WP, kernelBit: 12, mnemonic: 'uw' },
  { flag: VM.LOCKED, kernelBit: 13, mnemonic: 'lo' },
  { flag: VM.IO, kernelBit: 14, mnemonic: 'io' },
  { flag: VM.DONTCOPY, kernelBit: 17, mnemonic: 'dc' },
  { flag: VM.DONTEXPAND, kernelBit: 18, mnemonic: 'de' },
  { flag: VM.ACCOUNT, kernelBit: 20, mnemonic: 'ac' },
  { flag: VM.NORESERVE, kernelBit: 21, mnemonic: 'nr' },
  { flag: VM.HUGETLB, kernelBit: 22, mnemonic: 'ht' },
  { flag: VM.WIPEONFORK, kernelBit: 25, mnemonic: 'wf' },
  { flag: VM.DONTDUMP, kernelBit: 26, mnemonic: 'dd' },
  // VM_SOFTDIRTY (27, "sd") exists only with CONFIG_MEM_SOFT_DIRTY, which the
  // reference kernel lacks (kernel-oracle.md §0.2); the model never sets it.
  { flag: VM.SOFTDIRTY, kernelBit: 27, mnemonic: 'sd' },
  { flag: VM.MIXEDMAP, kernelBit: 28, mnemonic: 'mm' },
  { flag: VM.HUGEPAGE, kernelBit: 29, mnemonic: 'hg' },
  { flag: VM.NOHUGEPAGE, kernelBit: 30, mnemonic: 'nh' },
  { flag: VM.UFFD_MINOR, kernelBit: 41, mnemonic: 'ui' },
];

/** VM_SPECIAL: never merged, never expanded (include/linux/mm.h). */
export const VM_SPECIAL = VM.IO | VM.DONTEXPAND | VM.PFNMAP | VM.MIXEDMAP;

/** Flags that must match for two VMAs to merge (VM_SOFTDIRTY is ignored: mm/vma.c is_mergeable_vma). */
const MERGE_IGNORED = VM.SOFTDIRTY;

/** A file or shmem object whose pages live in a page cache. */
export interface MappedObject {
  readonly id: number;
  /** Scenario name (`file f1`) or a synthetic name for shared anonymous memory. */
  readonly name: string;
  readonly shmem: boolean;
  /** Size in pages (files) — shared anonymous objects are sized by their mapping. */
  sizePages: number;
  /** Page index -> head pfn of the cached folio. */
  readonly cache: Map<number, number>;
  /** Mappings that reference the object (vma count), for teardown. */
  users: number;
  /** hugetlbfs: the huge page size in bytes (0 for other objects). */
  hugeBytes: number;
  /** A device behind a pfnmap: its first pfn (-1 for other objects). */
  devicePfn: number;
  /** shmem: page index -> swap offset of pages that were swapped out. */
  readonly swapped: Map<number, number>;
  /** hugetlbfs shared mappings: huge-page indices reserved in the file (the inode's resv map). */
  readonly hugeResv: Set<number>;
}

export class Vma {
  start: number;
  end: number;
  flags: number;
  /** Offset in pages: into the file, or (anonymous) the vpn it was created at. */
  pgoff: number;
  readonly object: MappedObject | null;
  /** anon_vma identity (0: none yet). Private anonymous pages hang off it. */
  anonVma: number;
  /** The anon_vma chain also links the parent's anon_vma (a fork child): such a VMA never absorbs one without anon_vma. */
  forkChild = false;
  /** Private hugetlb: the resv_map shared by the pieces of the original mapping. */
  hugeResv: ResvMap | null = null;
  /** HPAGE_RESV_OWNER: this mapping made the reservations (a forked child's copy did not). */
  hugeResvOwner = false;
  /**
   * HPAGE_RESV_UNMAPPED (mm/hugetlb.c): the reservation owner took a page of
   * this (non-owner) private mapping away in a COW it could not satisfy
   * (unmap_ref_private); every later fault on a none entry here is SIGBUS.
   */
  hugeResvUnmapped = false;
  /** The userfaultfd context the VMA is registered with (vm_userfaultfd_ctx). */
  uffd: UffdCtx | null = null;
  /** The hugetlb VMA lock (each VMA its own, as hugetlb_vm_op_open allocates one for a split piece). */
  readonly hugeLock = new HugetlbVmaLock();

  constructor(start: number, end: number, flags: number, pgoff: number, object: MappedObject | null, anonVma = 0) {
    this.start = start;
    this.end = end;
    this.flags = flags;
    this.pgoff = pgoff;
    this.object = object;
    this.anonVma = anonVma;
  }

  get pages(): number {
    return this.end - this.start;
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** vma_is_anonymous: no object behind it (shared anonymous memory has a shmem object). */
  get isAnonymous(): boolean {
    return this.object === null;
  }

  get isShared(): boolean {
    return (this.flags & VM.MAYSHARE) !== 0;
  }

  /** is_cow_mapping: private and may be written. */
  get isCow(): boolean {
    return (this.flags & (VM.SHARED | VM.MAYWRITE)) === VM.MAYWRITE;
  }

  /** The file page index mapped at `vpn`. */
  pgoffAt(vpn: number): number {
    return this.pgoff + (vpn - this.start);
  }

  clone(): Vma {
    return new Vma(this.start, this.end, this.flags, this.pgoff, this.object, this.anonVma);
  }

  /** Split at `vpn`: this keeps [start, vpn), the returned VMA is [vpn, end). */
  splitAt(vpn: number): Vma {
    const tail = new Vma(vpn, this.end, this.flags, this.pgoffAt(vpn), this.object, this.anonVma);
    tail.hugeResv = this.hugeResv;
    tail.uffd = this.uffd;
    tail.forkChild = this.forkChild;
    tail.hugeResvOwner = this.hugeResvOwner;
    tail.hugeResvUnmapped = this.hugeResvUnmapped;
    this.end = vpn;
    if (tail.object) tail.object.users++;
    return tail;
  }

  /** Can `next`, which starts where this ends, be merged into it? (mm/vma.c is_mergeable_vma + anon_vma rules) */
  canMergeWith(next: Vma): boolean {
    if (this.end !== next.start) return false;
    if (((this.flags ^ next.flags) & ~MERGE_IGNORED) !== 0) return false;
    if ((this.flags & VM_SPECIAL) !== 0) return false;
    if (this.object !== next.object || this.uffd !== next.uffd) return false;
    if (this.pgoff + this.pages !== next.pgoff) return false;
    // is_mergeable_anon_vma: equal anon_vmas, or one side without and the other's chain singular.
    if (this.anonVma === next.anonVma) return true;
    if (this.anonVma === 0) return !next.forkChild;
    if (next.anonVma === 0) return !this.forkChild;
    return false;
  }
}
