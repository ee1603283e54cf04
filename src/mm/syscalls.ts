// mmap, munmap, mprotect, madvise, mremap with the kernel's argument checks
// and errno values (mm/mmap.c, mm/vma.c, mm/mprotect.c, mm/madvise.c,
// mm/mremap.c). Addresses are byte addresses (exact doubles for page-aligned
// values up to 2^65); internally everything is in pages.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { BaseVisitor, WALK_AGAIN, WALK_CONTINUE } from '../walk/walker.js';
import { foldLastEntries, unfoldContig } from './contpte.js';
import { hasThp, madviseCollapse, pmdLevel as pmdLevelOf, pmdPages, splitHugeLeaf } from './thp.js';
import { type HugePool, hugeSize, pool, reserveForMmap } from './hugetlb.js';
import { allocDeviceRange } from './pfnmap.js';
import { madvFree, pageout } from './swap.js';
import { lruAddDrain } from './lru.js';
import { guardInstall, guardRemove } from './guard.js';
import { fail, notSupported } from './errno.js';
import { access, handleFault } from './fault.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';
import { KEEP_ON_MODIFY, fit, vmaProt, wantsWriteNotify } from './pte.js';
import { VM, Vma, type MappedObject } from './vma.js';

export const PROT = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;
export const MAP = {
  SHARED: 0x01,
  PRIVATE: 0x02,
  FIXED: 0x10,
  ANONYMOUS: 0x20,
  LOCKED: 0x2000,
  NORESERVE: 0x4000,
  POPULATE: 0x8000,
  HUGETLB: 0x40000,
  FIXED_NOREPLACE: 0x100000,
} as const;
export const MREMAP = { MAYMOVE: 1, FIXED: 2, DONTUNMAP: 4 } as const;

export const MADVICE = [
  'normal', 'random', 'sequential', 'willneed', 'dontneed', 'free', 'remove', 'dontfork', 'dofork',
  'hugepage', 'nohugepage', 'dontdump', 'dodump', 'wipeonfork', 'keeponfork', 'cold', 'pageout',
  'populate_read', 'populate_write', 'collapse', 'guard_install', 'guard_remove',
] as const;
export type Advice = (typeof MADVICE)[number];

/** Where mmap(NULL) searches downwards from (x86-64 mmap_base, roughly). */
const MMAP_BASE = 0x7f0000000000;

function pages(k: Kernel, bytes: number): number {
  return Math.ceil(bytes / k.pageSize);
}

function aligned(k: Kernel, bytes: number): boolean {
  return bytes % k.pageSize === 0;
}

function checkUserRange(k: Kernel, start: number, npages: number, errno: 'EINVAL' | 'ENOMEM'): void {
  if (start + npages > k.fmt.userPages) fail(errno, 'range beyond the user address space');
}

// -------------------------------------------------------------------- mmap

export interface MmapArgs {
  addr?: number;
  length: number;
  prot: number;
  flags: number;
  file?: MappedObject;
  offset?: number;
  /** With MAP_HUGETLB: the huge page size in bytes (MAP_HUGE_2MB...); default: the PMD size. */
  hugeBytes?: number;
  /** Model only: a driver's VM_PFNMAP mapping of device memory (or VM_MIXEDMAP with `mixedmap`). */
  pfnmap?: boolean;
  mixedmap?: boolean;
}

/** mmap(2): returns the byte address. */
export function mmap(k: Kernel, mm: Mm, a: MmapArgs): number {
  const flags = a.flags;
  const shared = (flags & MAP.SHARED) !== 0;
  const priv = (flags & MAP.PRIVATE) !== 0;
  const anon = (flags & MAP.ANONYMOUS) !== 0;
  const offset = a.offset ?? 0;
  // MAP_SHARED|MAP_PRIVATE is MAP_SHARED_VALIDATE: a shared mapping, valid for files only.
  if (!shared && !priv) fail('EINVAL', 'one of MAP_SHARED and MAP_PRIVATE is needed');
  if (shared && priv && anon) fail('EINVAL', 'MAP_SHARED_VALIDATE is for file mappings');
  if (!Number.isSafeInteger(a.length) || a.length <= 0) fail('EINVAL', 'length must be positive');
  // do_mmap does not validate prot: unknown bits are ignored.
  if (!aligned(k, offset)) fail('EINVAL', 'offset is not page aligned');
  if (!anon && !a.file && !a.pfnmap && !a.mixedmap) fail('EBADF', 'a file mapping needs a file');
  let length = a.length;
  let huge: HugePool | null = null;
  if ((flags & MAP.HUGETLB) !== 0) {
    if (!anon) fail('EINVAL', 'MAP_HUGETLB needs MAP_ANONYMOUS here');
    // ksys_mmap_pgoff: an anonymous hugetlbfs file; the length rounds up to the huge page size.
    huge = pool(k, a.hugeBytes ?? k.fmt.leafSize(pmdLevelOf(k)));
    length = Math.ceil(length / huge.geo.bytes) * huge.geo.bytes;
  }
  const npages = pages(k, length);
  if (npages > k.fmt.userPages) fail('ENOMEM', 'length exceeds the address space');
  const fixed = (flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) !== 0;
  let start: number;
  if (fixed) {
    const addr = a.addr ?? 0;
    if (!aligned(k, addr)) fail('EINVAL', 'MAP_FIXED address is not page aligned');
    if (huge && addr % huge.geo.bytes !== 0) fail('EINVAL', 'hugetlb address is not huge-page aligned');
    start = addr / k.pageSize;
    checkUserRange(k, start, npages, 'ENOMEM');
    if ((flags & MAP.FIXED_NOREPLACE) !== 0 && mm.overlapping(start, start + npages).length > 0) {
      fail('EEXIST', 'MAP_FIXED_NOREPLACE range is already mapped');
    }
  } else {
    // thp_get_unmapped_area: a private anonymous mapping whose length is a
    // multiple of the PMD size is placed PMD-aligned (kernel-oracle.md §1).
    const pmd = pmdPages(k);
    start = findFreeArea(k, mm, npages, huge ? huge.geo.pages : anon && priv && npages % pmd === 0 ? pmd : 1);
  }

  let vmFlags = VM.MAYREAD | VM.MAYWRITE | VM.MAYEXEC;
  if (a.prot & PROT.READ) vmFlags |= VM.READ;
  if (a.prot & PROT.WRITE) vmFlags |= VM.WRITE;
  if (a.prot & PROT.EXEC) vmFlags |= VM.EXEC;
  if (shared) vmFlags |= VM.SHARED | VM.MAYSHARE;
  if (flags & MAP.NORESERVE) vmFlags |= VM.NORESERVE;
  // MAP_LOCKED: VM_LOCKED, and the range is populated like mlock() does (mm_populate).
  if (flags & MAP.LOCKED) vmFlags |= VM.LOCKED;
  // accountable_mapping (mm/mmap.c): private writable mappings are charged (hugetlb files never).
  if (!huge && (vmFlags & (VM.NORESERVE | VM.SHARED | VM.WRITE)) === VM.WRITE) vmFlags |= VM.ACCOUNT;
  // hugetlbfs_file_mmap: VM_HUGETLB | VM_DONTEXPAND.
  if (huge) vmFlags |= VM.HUGETLB | VM.DONTEXPAND;

  let object: MappedObject | null = null;
  let pgoff: number;
  const device = a.pfnmap === true || a.mixedmap === true;
  if (device) {
    // The driver's mmap: VM_IO | VM_PFNMAP (or VM_MIXEDMAP) | VM_DONTEXPAND | VM_DONTDUMP, as remap_pfn_range sets.
    vmFlags |= (a.mixedmap ? VM.MIXEDMAP : VM.PFNMAP) | VM.IO | VM.DONTEXPAND | VM.DONTDUMP;
    vmFlags &= ~VM.ACCOUNT;
    object = k.newObject('pfnmap', false);
    object.devicePfn = allocDeviceRange(k, npages);
    object.sizePages = npages;
    pgoff = 0;
  } else if (huge) {
    object = k.newObject('anon_hugepage', false);
    object.hugeBytes = huge.geo.bytes;
    object.sizePages = npages;
    pgoff = 0;
  } else if (anon) {
    if (shared) {
      // shmem_zero_setup: shared anonymous memory is a shmem object ("/dev/zero (deleted)").
      object = k.newObject('dev/zero', true);
      object.sizePages = npages;
      pgoff = 0;
    } else {
      pgoff = start;
    }
  } else {
    object = a.file as MappedObject;
    pgoff = offset / k.pageSize;
  }
  if (device && anon) fail('EINVAL', 'a pfnmap is a device mapping, not anonymous memory');

  const vma = new Vma(start, start + npages, vmFlags, pgoff, object);
  // MAP_FIXED replaces what was there: the old VMAs go first (vms_clean_up_area
  // in __mmap_prepare), which also returns their hugetlb reservations.
  if (fixed) doMunmap(k, mm, start, start + npages);
  // hugetlb_reserve_pages: ENOMEM when the pool cannot back the mapping (the
  // object created for it goes too; a MAP_FIXED range stays unmapped).
  if (huge) {
    try {
      vma.hugeResv = reserveForMmap(k, vma);
    } catch (e) {
      if (object) k.objects.delete(object.id);
      throw e;
    }
    vma.hugeResvOwner = vma.hugeResv !== null;
  }
  if (object) object.users++;
  mm.insert(vma);
  mm.mergeAround(start, start + npages);
  if (flags & (MAP.POPULATE | MAP.LOCKED)) populate(k, mm, start, start + npages, (vmFlags & VM.WRITE) !== 0 && !shared ? 'write' : 'read', true);
  return start * k.pageSize;
}

/** A top-down free area below MMAP_BASE (vm_unmapped_area), with a guard page gap. */
function findFreeArea(k: Kernel, mm: Mm, npages: number, align = 1): number {
  let top = Math.min(Math.floor(MMAP_BASE / k.pageSize), k.fmt.userPages);
  for (let i = mm.vmas.length - 1; i >= -1; i--) {
    const v = i >= 0 ? mm.vmas[i] : undefined;
    const floor = v ? v.end : 1;
    if (v && v.start >= top) continue;
    const at = top - npages - ((top - npages) % align);
    if (at >= floor) return at;
    if (v) top = Math.min(top, v.start);
  }
  fail('ENOMEM', 'no free area large enough');
}

// ------------------------------------------------------------------ munmap

export function munmap(k: Kernel, mm: Mm, addr: number, length: number): void {
  if (!aligned(k, addr)) fail('EINVAL', 'address is not page aligned');
  if (!Number.isSafeInteger(length) || length <= 0) fail('EINVAL', 'length must be positive');
  const start = addr / k.pageSize;
  const end = start + pages(k, length);
  checkUserRange(k, start, end - start, 'EINVAL');
  doMunmap(k, mm, start, end);
}

function doMunmap(k: Kernel, mm: Mm, start: number, end: number): void {
  if (mm.overlapping(start, end).length === 0) return;
  k.unmapVmas(mm, k.isolate(mm, start, end));
}

// ---------------------------------------------------------------- mprotect

/** PROT_SEM (0x8) is a valid protection bit (arch_validate_prot) that changes nothing here. */
const PROT_SEM = 0x8;

export function mprotect(k: Kernel, mm: Mm, addr: number, length: number, prot: number): void {
  if (!aligned(k, addr)) fail('EINVAL', 'address is not page aligned');
  if (!Number.isSafeInteger(length) || length < 0) fail('EINVAL', 'bad length');
  if (length === 0) return;
  if ((prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC | PROT_SEM)) !== 0) fail('EINVAL', `bad protection ${prot}`);
  const start = addr / k.pageSize;
  const end = start + pages(k, length);
  const first = mm.vmaAt(start);
  if (!first) fail('ENOMEM', 'range not mapped');
  // do_mprotect_pkey changes the VMAs in order and stops at the first one it
  // may not change (EACCES) or at the first gap (ENOMEM), leaving the earlier
  // ones changed.
  let at = start;
  let error: 'EACCES' | 'ENOMEM' | null = null;
  for (const vma of mm.overlapping(start, end)) {
    if (vma.start > at) break;
    if ((prot & PROT.WRITE) !== 0 && !vma.has(VM.MAYWRITE)) {
      error = 'EACCES';
      break;
    }
    at = vma.end;
  }
  const stopAt = Math.min(at, end);
  if (stopAt > start) {
    // mprotect_fixup returns early when the flags do not change: no split, no PMD split.
    const pieces = mm.overlapping(start, stopAt).filter((v) => mprotectFlags(v, prot) !== v.flags).map((v) => [Math.max(start, v.start), Math.min(stopAt, v.end)]);
    try {
      for (const [s, e] of pieces) for (const vma of k.isolate(mm, s, e)) mprotectFixup(k, mm, vma, prot);
    } finally {
      mm.mergeAround(start, stopAt);
    }
    // The kernel merges the VMAs first (vma_modify_flags) and then commits each present PTE of the
    // range (ptep_modify_prot_commit -> set_ptes): arm64 refolds blocks whose last entry it rewrote.
    for (const [s, e] of pieces) foldLastEntries(k, mm, s, e);
  }
  if (error) fail(error, 'mapping may not be made writable');
  if (stopAt < end) fail('ENOMEM', 'range not fully mapped');
}

/** The flags mprotect_fixup gives a VMA for `prot`. */
function mprotectFlags(vma: Vma, prot: number): number {
  const old = vma.flags;
  let nf = old & ~(VM.READ | VM.WRITE | VM.EXEC);
  if (prot & PROT.READ) nf |= VM.READ;
  if (prot & PROT.WRITE) nf |= VM.WRITE;
  if (prot & PROT.EXEC) nf |= VM.EXEC;
  // Making a private mapping writable charges it (VM_ACCOUNT) ...
  if ((nf & VM.WRITE) !== 0 && (old & (VM.ACCOUNT | VM.WRITE | VM.HUGETLB | VM.SHARED | VM.NORESERVE)) === 0) nf |= VM.ACCOUNT;
  // ... and an anonymous mapping with no pages yet that stops being writable is uncharged.
  else if ((nf & VM.WRITE) === 0 && (old & VM.ACCOUNT) !== 0 && vma.isAnonymous && vma.anonVma === 0) nf &= ~VM.ACCOUNT;
  return nf;
}

function mprotectFixup(k: Kernel, mm: Mm, vma: Vma, prot: number): void {
  vma.flags = mprotectFlags(vma, prot);
  changeProtection(k, mm, vma, vma.start, vma.end);
}

/**
 * change_protection (mm/mprotect.c): every present leaf takes the VMA's new
 * protection, keeping pfn and the _PAGE_CHG_MASK bits. Writability is
 * granted without a fault only where can_change_pte_writable() says so:
 * exclusive anonymous pages in private mappings, dirty pages in shared ones.
 */
const protectVisitors = new WeakMap<Kernel, ProtectVisitor>();

export function changeProtection(k: Kernel, mm: Mm, vma: Vma, start: number, end: number): void {
  let v = protectVisitors.get(k);
  if (!v) protectVisitors.set(k, (v = new ProtectVisitor(k)));
  v.mm = mm;
  v.vma = vma;
  v.start = start;
  v.end = end;
  v.prot = fit(k.fmt, vmaProt(vma));
  // hugetlb_change_protection applies vm_page_prot only; no write upgrade.
  v.tryWritable = !vma.has(VM.HUGETLB) && vma.has(VM.WRITE) && (vma.has(VM.SHARED) ? wantsWriteNotify(vma) : true);
  k.walker.walk(mm, start, end, v);
}

export class ProtectVisitor extends BaseVisitor {
  mm!: Mm;
  vma!: Vma;
  start = 0;
  end = 0;
  prot = 0;
  tryWritable = false;
  private readonly k: Kernel;
  constructor(k: Kernel) {
    super();
    this.k = k;
  }
  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    if (c.kind(lo, hi, level) !== Kind.LEAF) return WALK_CONTINUE; // swap entries keep their bits
    if (vpn < this.start || vpn + npages > this.end) {
      // change_huge_pmd only for a whole leaf; part of one splits it first.
      if (npages > k.fmt.pagesPerEntry[level]) unfoldContig(k, this.mm, slot, index, level, vpn);
      else splitHugeLeaf(k, this.mm, slot, index, level, vpn);
      return WALK_AGAIN;
    }
    if (level === 0 && npages > 1 && !this.vma.has(VM.HUGETLB)) {
      // change_pte_range goes PTE by PTE (ptep_modify_prot_start unfolds an arm64 contpte
      // block; the commit of its last entry folds it again if the block is still uniform).
      unfoldContig(k, this.mm, slot, index, level, vpn);
      return WALK_AGAIN;
    }
    const per = k.fmt.pagesPerEntry[level];
    for (let i = 0; i < k.walker.leafEntries(npages, level); i++) {
      const elo = k.walker.lo(slot, index + i);
      const ehi = k.walker.hi(slot, index + i);
      const pfn = c.pfnAt(elo, ehi, vpn + i * per);
      const old = c.attrs(elo, ehi);
      let a = (old & KEEP_ON_MODIFY) | this.prot;
      if (this.tryWritable && (a & Attr.WRITE) === 0 && (a & Attr.UFFD_WP) === 0 && (this.prot & Attr.VALID) !== 0) {
        if (this.vma.has(VM.SHARED)) {
          if ((old & Attr.DIRTY) !== 0) a |= Attr.WRITE;
        } else {
          const page = k.rmap.normalPage(elo, ehi, level, vpn + i * per);
          if (page >= 0 && (k.mem.pageFlags[page] & PageFlag.ANON_EXCLUSIVE) !== 0) a |= Attr.WRITE;
        }
      }
      if (a === old) continue;
      const e = c.leaf(pfn, a, level);
      k.walker.set(this.mm, k.rmap, slot, index + i, level, vpn + i * per, e.lo, e.hi);
    }
    return WALK_CONTINUE;
  }
}

// ----------------------------------------------------------------- madvise

export function madvise(k: Kernel, mm: Mm, addr: number, length: number, advice: Advice): void {
  if (!(MADVICE as readonly string[]).includes(advice)) fail('EINVAL', `unknown advice ${advice}`);
  // madvise_behavior_valid (mm/madvise.c): the THP advices exist only with CONFIG_TRANSPARENT_HUGEPAGE,
  // which a format without THP (the 8xx) does not have; checked before the range (is_valid_madvise).
  if ((advice === 'hugepage' || advice === 'nohugepage' || advice === 'collapse') && !hasThp(k.fmt)) {
    fail('EINVAL', `MADV_${advice.toUpperCase()} without transparent huge pages`);
  }
  if (!aligned(k, addr)) fail('EINVAL', 'address is not page aligned');
  if (!Number.isSafeInteger(length) || length < 0) fail('EINVAL', 'bad length');
  if (length === 0) return;
  const start = addr / k.pageSize;
  const end = start + pages(k, length);
  // is_valid_madvise has no TASK_SIZE check: an unmapped tail is ENOMEM like any hole.

  if (advice === 'remove') notSupported('madvise remove');
  const vmas = mm.overlapping(start, end);
  const unmapped = !mm.fullyMapped(start, end);
  if (advice === 'populate_read' || advice === 'populate_write') {
    populate(k, mm, start, end, advice === 'populate_read' ? 'read' : 'write', false);
    return;
  }
  if (advice === 'dontneed') {
    // madvise_dontneed_free_valid_vma: locked and pfnmap VMAs are refused; on
    // hugetlb the start must be huge-aligned and the end rounds down.
    for (const v of vmas) if (v.has(VM.LOCKED | VM.PFNMAP)) fail('EINVAL', 'MADV_DONTNEED on a locked or pfnmap VMA');
    for (const v of vmas) {
      const s = Math.max(start, v.start);
      let e = Math.min(end, v.end);
      if (v.has(VM.HUGETLB)) {
        const per = hugeSize(v) / k.pageSize;
        if (v.pgoffAt(s) % per !== 0) fail('EINVAL', 'MADV_DONTNEED on hugetlb at a non-huge-aligned start');
        e = s + Math.floor((e - s) / per) * per;
        if (e <= s) continue;
      }
      k.zap(mm, s, e, false);
      // zap with reclaim_pt (CONFIG_PT_RECLAIM): whole empty PTE tables go;
      // not for hugetlb, which __unmap_hugepage_range zaps (mm/memory.c unmap_single_vma).
      if (!v.has(VM.HUGETLB)) k.walker.reclaimEmptyLeafTables(mm, k.rmap, s, e);
    }
  } else if (advice === 'collapse') {
    for (const v of vmas) madviseCollapse(k, mm, v, Math.max(start, v.start), Math.min(end, v.end));
  } else if (advice === 'pageout') {
    for (const v of vmas) pageout(k, mm, v, Math.max(start, v.start), Math.min(end, v.end));
  } else if (advice === 'free') {
    // madvise_walk_vmas: VMA by VMA; the first one MADV_FREE cannot apply to stops the walk with EINVAL.
    for (const v of vmas) {
      if (!v.isAnonymous || v.isShared || v.has(VM.LOCKED | VM.PFNMAP)) fail('EINVAL', 'MADV_FREE needs private anonymous memory');
      madvFree(k, mm, v, Math.max(start, v.start), Math.min(end, v.end));
    }
  } else if (advice === 'guard_install') {
    guardInstall(k, mm, vmas, start, end);
  } else if (advice === 'guard_remove') {
    guardRemove(k, mm, vmas, start, end);
  } else if (advice === 'dontfork' || advice === 'dofork' || advice === 'wipeonfork' || advice === 'keeponfork' || advice === 'dontdump' || advice === 'dodump' || advice === 'hugepage' || advice === 'nohugepage') {
    // madvise_walk_vmas + madvise_update_vma / hugepage_madvise: VMA by VMA in
    // order (flag changes split and merge them); the first refused VMA stops
    // the walk with EINVAL, the earlier ones stay changed.
    const set = { dontfork: VM.DONTCOPY, dofork: 0, wipeonfork: VM.WIPEONFORK, keeponfork: 0, dontdump: VM.DONTDUMP, dodump: 0, hugepage: VM.HUGEPAGE, nohugepage: VM.NOHUGEPAGE }[advice];
    const clear = { dontfork: 0, dofork: VM.DONTCOPY, wipeonfork: 0, keeponfork: VM.WIPEONFORK, dontdump: 0, dodump: VM.DONTDUMP, hugepage: VM.NOHUGEPAGE, nohugepage: VM.HUGEPAGE }[advice];
    let refused: string | null = null;
    let stop = end;
    for (const v of vmas) {
      if (advice === 'dofork' && v.has(VM.IO)) refused = 'MADV_DOFORK on a VM_IO mapping';
      if (advice === 'wipeonfork' && (v.object !== null || v.has(VM.SHARED))) refused = 'MADV_WIPEONFORK needs a private anonymous mapping';
      if (refused) {
        stop = Math.max(start, v.start);
        break;
      }
    }
    if (stop > start) {
      // madvise_update_vma returns early when the flags do not change: no split.
      const pieces = mm.overlapping(start, stop).filter((v) => ((v.flags & ~clear) | set) !== v.flags).map((v) => [Math.max(start, v.start), Math.min(stop, v.end)]);
      try {
        for (const [s, e] of pieces) for (const v of k.isolate(mm, s, e)) v.flags = (v.flags & ~clear) | set;
      } finally {
        mm.mergeAround(start, stop);
      }
    }
    if (refused) fail('EINVAL', refused);
  } else if (advice === 'cold' || advice === 'willneed') {
    // madvise_cold drains this CPU's LRU batches before its walk (VMAs can_madv_lru_vma allows);
    // madvise_willneed after the swap-in walk of anonymous or shmem memory (src/mm/lru.ts).
    const drains = (v: Vma): boolean => (advice === 'cold' ? !v.has(VM.LOCKED | VM.PFNMAP | VM.HUGETLB) : v.isAnonymous || v.object?.shmem === true);
    if (vmas.some(drains)) lruAddDrain(k);
  }
  // normal/random/sequential/willneed/cold change nothing a page table shows here
  // (MADV_COLD only moves folios to the inactive LRU, which is masked).
  if (unmapped) fail('ENOMEM', 'range not fully mapped');
}

/**
 * MADV_POPULATE_(READ|WRITE) and MAP_POPULATE: fault in every page as GUP
 * does (mm/gup.c faultin_page_range): a write populate breaks COW even where
 * a read-only page is already mapped.
 */
export function populate(k: Kernel, mm: Mm, start: number, end: number, mode: 'read' | 'write', fromMmap: boolean): void {
  // Populating drains this CPU's LRU batches (measured on 6.18 for MADV_POPULATE_*, MAP_POPULATE, MAP_LOCKED; src/mm/lru.ts).
  lruAddDrain(k);
  for (let vpn = start; vpn < end; ) {
    const vma = mm.vmaAt(vpn);
    if (!vma) {
      if (fromMmap) return;
      fail('ENOMEM', 'range not mapped');
    }
    // check_vma_flags with FOLL_MADV_POPULATE: incompatible mappings are EINVAL.
    if (vma.has(VM.IO | VM.PFNMAP)) fail('EINVAL', 'populate on a VM_IO/VM_PFNMAP mapping');
    if (mode === 'write' ? !vma.has(VM.WRITE) : !vma.has(VM.READ)) {
      if (fromMmap) return;
      fail('EINVAL', `populate_${mode} on a mapping without ${mode} permission`);
    }
    const stop = Math.min(end, vma.end);
    for (; vpn < stop; vpn++) {
      const kind = k.walker.seek(mm, vpn, k.st);
      const c = k.fmt.codec;
      const present = kind === Kind.LEAF;
      const writable = present && c.has(k.st.lo, k.st.hi, Attr.WRITE);
      if (mode === 'read' ? present : writable) {
        // follow_page_pte with FOLL_TOUCH|FOLL_WRITE marks the folio dirty.
        const pfn = c.pfn(k.st.lo, k.st.hi);
        if (mode === 'write' && k.mem.isFolioPage(pfn)) k.mem.folioFlags[k.mem.headOf(pfn)] |= FolioFlag.DIRTY;
        continue;
      }
      try {
        // faultin_page_range retries like GUP until the page can be accessed (a write may need a
        // uffd-wp resolution after the fault that populated it).
        for (let tries = 0; tries < 4; tries++) {
          handleFault(k, mm, vpn, mode === 'write');
          const again = k.walker.seek(mm, vpn, k.st);
          const ok = again === Kind.LEAF && (mode === 'read' || c.has(k.st.lo, k.st.hi, Attr.WRITE));
          if (ok) break;
        }
        // FOLL_TOUCH|FOLL_WRITE dirties what it touched.
        if (mode === 'write' && k.walker.seek(mm, vpn, k.st) === Kind.LEAF) {
          const pfn = c.pfn(k.st.lo, k.st.hi);
          if (k.mem.isFolioPage(pfn)) k.mem.folioFlags[k.mem.headOf(pfn)] |= FolioFlag.DIRTY;
        }
      } catch (e) {
        if (e instanceof Error && 'code' in e && (e.code === 'SIGSEGV' || e.code === 'SIGBUS')) {
          if (fromMmap) return;
          fail('EFAULT', `populate failed: ${e.message}`);
        }
        throw e;
      }
    }
  }
}

// ------------------------------------------------------------------ mremap

export function mremap(k: Kernel, mm: Mm, addr: number, oldLength: number, newLength: number, flags: number, newAddr?: number): number {
  if ((flags & ~(MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP)) !== 0) fail('EINVAL', 'unknown mremap flags');
  if ((flags & MREMAP.FIXED) !== 0 && (flags & MREMAP.MAYMOVE) === 0) fail('EINVAL', 'MREMAP_FIXED needs MREMAP_MAYMOVE');
  if ((flags & MREMAP.DONTUNMAP) !== 0 && ((flags & MREMAP.MAYMOVE) === 0 || oldLength !== newLength)) {
    fail('EINVAL', 'MREMAP_DONTUNMAP needs MREMAP_MAYMOVE and equal lengths');
  }
  if (!aligned(k, addr)) fail('EINVAL', 'address is not page aligned');
  if (!Number.isSafeInteger(newLength) || newLength <= 0) fail('EINVAL', 'new length must be positive');
  if (!Number.isSafeInteger(oldLength) || oldLength < 0) fail('EINVAL', 'bad old length');
  const old = addr / k.pageSize;
  let oldPages = pages(k, oldLength);
  let newPages = pages(k, newLength);
  let dest = -1;
  if ((flags & MREMAP.FIXED) !== 0) {
    if (newAddr === undefined || !aligned(k, newAddr)) fail('EINVAL', 'new address is not page aligned');
    dest = newAddr / k.pageSize;
    checkUserRange(k, dest, newPages, 'EINVAL');
    if (dest < old + oldPages && old < dest + newPages) fail('EINVAL', 'old and new ranges overlap');
  }
  const vma = mm.vmaAt(old);
  if (!vma) fail('EFAULT', 'old address not mapped');
  // old_len 0 duplicates a shared mapping (deprecated); a private one is EINVAL.
  if (oldPages === 0) {
    if (!vma.isShared) fail('EINVAL', 'mremap with old_len 0 of a private mapping');
    notSupported('mremap with old_len 0 of a shared mapping');
  }
  if (vma.has(VM.HUGETLB)) {
    // mm/mremap.c: huge-aligned addresses, no expansion, lengths round up to huge pages.
    const per = hugeSize(vma) / k.pageSize;
    if (vma.pgoffAt(old) % per !== 0) fail('EINVAL', 'hugetlb mremap at a non-huge-aligned address');
    if (dest >= 0 && dest % per !== 0) fail('EINVAL', 'hugetlb mremap to a non-huge-aligned address');
    oldPages = Math.ceil(oldPages / per) * per;
    newPages = Math.ceil(newPages / per) * per;
    if (newPages > oldPages) fail('EINVAL', 'hugetlb mappings cannot grow');
  }
  // The old range must sit in one VMA when it moves or grows; a shrink in place only unmaps the tail.
  const inPlaceShrink = dest < 0 && newPages <= oldPages && (flags & MREMAP.DONTUNMAP) === 0;
  if (dest >= 0 && oldPages === newPages && (flags & MREMAP.DONTUNMAP) === 0 && old + oldPages > vma.end) {
    // Since 6.17 a same-size MREMAP_FIXED move may take several VMAs along (gaps stay gaps).
    const pieces = mm.overlapping(old, old + oldPages).map((v) => [Math.max(old, v.start), Math.min(old + oldPages, v.end)]);
    for (const v of mm.overlapping(old, old + oldPages)) if (v.has(VM.HUGETLB | VM.DONTEXPAND)) fail('EFAULT', 'this mapping cannot move with others');
    doMunmap(k, mm, dest, dest + newPages);
    for (const [s, e] of pieces) moveMapping(k, mm, s, e - s, dest + (s - old), flags);
    return dest * k.pageSize;
  }
  if (!inPlaceShrink && old + oldPages > vma.end) fail('EFAULT', 'old range spans more than one mapping');
  if ((flags & MREMAP.DONTUNMAP) !== 0 && vma.has(VM.DONTEXPAND | VM.PFNMAP | VM.MIXEDMAP)) fail('EINVAL', 'MREMAP_DONTUNMAP on a special mapping');

  if (dest >= 0) {
    doMunmap(k, mm, dest, dest + newPages);
    if (newPages < oldPages) {
      doMunmap(k, mm, old + newPages, old + oldPages);
      return moveMapping(k, mm, old, newPages, dest, flags) * k.pageSize;
    }
    return moveMapping(k, mm, old, oldPages, dest, flags, newPages) * k.pageSize;
  }
  if ((flags & MREMAP.DONTUNMAP) !== 0) {
    // vrm_implies_new_addr: MREMAP_DONTUNMAP always moves.
    return moveMapping(k, mm, old, oldPages, findFreeArea(k, mm, newPages), flags, newPages) * k.pageSize;
  }
  if (newPages <= oldPages) {
    // Shrinking in place unmaps the tail.
    if (newPages < oldPages) doMunmap(k, mm, old + newPages, old + oldPages);
    return addr;
  }
  // Growing: in place if the VMA ends at old+oldPages and the space after it is free.
  if (vma.end === old + oldPages && mm.overlapping(vma.end, vma.end + (newPages - oldPages)).length === 0 && old + newPages <= k.fmt.userPages) {
    if (vma.has(VM.DONTEXPAND)) fail('EFAULT', 'mapping may not be expanded');
    // The shmem file of shared anonymous memory keeps its size: the grown part is SIGBUS.
    vma.end = old + newPages;
    mm.mergeAround(vma.start, vma.end);
    return addr;
  }
  if ((flags & MREMAP.MAYMOVE) === 0) fail('ENOMEM', 'cannot grow in place and MREMAP_MAYMOVE not given');
  return moveMapping(k, mm, old, oldPages, findFreeArea(k, mm, newPages), flags, newPages) * k.pageSize;
}

/**
 * move_vma (mm/mremap.c): a copy of the VMA at `dest`, the page-table
 * entries moved (not copied: no rmap change), then the old range unmapped
 * unless MREMAP_DONTUNMAP. Returns dest.
 */
function moveMapping(k: Kernel, mm: Mm, old: number, npages: number, dest: number, flags: number, newPages = npages): number {
  const [src] = k.isolate(mm, old, old + npages);
  const moved = new Vma(dest, dest + newPages, src.flags, src.pgoff, src.object, src.anonVma);
  // The reservations move with the mapping (the resv_map travels with the VMA).
  moved.hugeResv = src.hugeResv;
  // mremap_userfaultfd_prep: the registration moves with the mapping.
  moved.uffd = src.uffd;
  moved.hugeResvOwner = src.hugeResvOwner;
  moved.hugeResvUnmapped = src.hugeResvUnmapped;
  src.hugeResvOwner = false;
  if (moved.object) moved.object.users++;
  if (src.isAnonymous && !src.isShared) {
    // Anonymous pgoff follows the pages (vma->vm_pgoff of the copy is unchanged).
    moved.pgoff = src.pgoff;
  }
  mm.insert(moved);
  movePageTables(k, mm, old, dest, npages);
  if ((flags & MREMAP.DONTUNMAP) !== 0) {
    // dontunmap_complete: the old VMA stays, empty; it keeps VM_ACCOUNT since the stable fix
    // "mm/mremap: correctly account old mapping after MREMAP_DONTUNMAP remap" (only VM_LOCKED goes).
    src.flags &= ~VM.LOCKED;
  } else {
    k.unmapVmas(mm, [src]);
  }
  mm.mergeAround(dest, dest + newPages);
  return dest;
}

/**
 * move_page_tables: where source and destination are both aligned to a
 * level's entry span and a whole entry moves, the entry itself moves (a PTE
 * table, or a huge leaf) as move_normal_pmd/move_normal_pud/move_huge_pmd do;
 * otherwise leaves move one by one into tables allocated at the destination.
 */
function movePageTables(k: Kernel, mm: Mm, old: number, dest: number, npages: number): void {
  const w = k.walker;
  const st = k.st;
  const fmt = k.fmt;
  // Entries move from the PUD level down (move_normal_pud, the level below the
  // top): top-level entries of 3+ level formats never move. On a 2-level
  // format (ppc-8xx) the top level is the PMD level, whose entries
  // move_normal_pmd moves (the PTE table they point to goes along; the top
  // table itself never moves), so start at the PMD level there.
  const top = Math.max(fmt.nlevels - 2, pmdLevelOf(k));
  outer: for (let off = 0; off < npages; ) {
    const src = old + off;
    const dst = dest + off;
    for (let l = top; l >= 0; l--) {
      const span = fmt.pagesPerEntry[l];
      if (l > 0 && (src % span !== 0 || dst % span !== 0 || npages - off < span)) continue;
      w.seek(mm, src, st, l);
      if (st.kind === Kind.NONE) {
        // Nothing mapped under this entry: skip it.
        const per = fmt.pagesPerEntry[st.level];
        off += Math.min(npages - off, per - (src % per));
        continue outer;
      }
      if (st.level > l) {
        // A huge leaf that cannot move whole (unaligned destination or part of
        // it): split its mapping and move the pieces (move_page_tables does
        // split_huge_pmd when the extent is smaller than a PMD).
        if (st.kind === Kind.LEAF) {
          if (st.npages > fmt.pagesPerEntry[st.level]) unfoldContig(k, mm, st.slot, st.index, st.level, st.vpn);
          else splitHugeLeaf(k, mm, st.slot, st.index, st.level, st.vpn);
          continue outer;
        }
        notSupported('moving part of a non-present huge entry');
      }
      if (st.kind === Kind.LEAF && st.npages > span) {
        // A contiguous group: it moves whole when it is all in range and the
        // destination is aligned to it (a hugetlb page always is); otherwise
        // it is unfolded into plain entries first.
        if (st.vpn !== src || dst % st.npages !== 0 || npages - off < st.npages) {
          unfoldContig(k, mm, st.slot, st.index, st.level, st.vpn);
          continue outer;
        }
        const n = st.npages / span;
        const sslot = st.slot;
        const sindex = st.index;
        const dkind = w.seek(mm, dst, st, l, k.rmap);
        if (st.level !== l || dkind !== Kind.NONE) notSupported('mremap onto a mapped destination');
        const dslot = st.slot;
        const dindex = st.indices[l] - (st.indices[l] % n);
        // New entries first, then the old ones cleared: the folio never looks unmapped.
        for (let i = 0; i < n; i++) w.set(mm, k.rmap, dslot, dindex + i, l, dst + i * span, w.lo(sslot, sindex + i), w.hi(sslot, sindex + i));
        for (let i = 0; i < n; i++) w.set(mm, k.rmap, sslot, sindex + i, l, src + i * span, 0, 0);
        off += n * span;
        continue outer;
      }
      const lo = st.lo;
      const hi = st.hi;
      const sslot = st.slot;
      const sindex = st.index;
      w.seek(mm, dst, st, l, k.rmap);
      if (st.level !== l || st.kind !== Kind.NONE) {
        if (l === 0) notSupported('mremap onto a huge leaf');
        continue; // the destination already has a table here: move at a lower level
      }
      // New entry first, then clear the old one: the folio never looks unmapped.
      w.set(mm, k.rmap, st.slot, st.index, l, dst, lo, hi);
      w.set(mm, k.rmap, sslot, sindex, l, src, 0, 0);
      // move_huge_pmd carries the deposited table along.
      const dep = w.withdraw(mm, src);
      if (dep >= 0) mm.deposits.set(dst, dep);
      off += span;
      continue outer;
    }
    throw new Error('movePageTables made no progress');
  }
}

// -------------------------------------------------------------- accesses

/** Loads of every page in [addr, addr+length): returns the values read. */
export function readRange(k: Kernel, mm: Mm, addr: number, length: number): number[] {
  const out: number[] = [];
  const start = Math.floor(addr / k.pageSize);
  for (let v = start; v < start + pages(k, length); v++) out.push(access(k, mm, v, false));
  return out;
}

/** Stores to every page of [addr, addr+length); `value(i)` gives the tag for the i-th page. */
export function writeRange(k: Kernel, mm: Mm, addr: number, length: number, value: (i: number) => number): void {
  const start = Math.floor(addr / k.pageSize);
  const n = pages(k, length);
  for (let i = 0; i < n; i++) access(k, mm, start + i, true, value(i));
}
