// get_user_pages / pin_user_pages, slow and fast (mm/gup.c).
// - The slow path (__get_user_pages + follow_page_mask) finds the leaf at any
//   level with one walker seek — hugetlb included, as upstream since "mm/gup:
//   Unify hugetlb, part 2" — and faults in what is missing (faultin_page),
//   with -EMLINK meaning "unshare first" for R/O pins of shared anon pages.
// - The fast path (gup_fast) is a range walk of the same walker with a
//   visitor that bails out where the kernel's lockless walk does (special,
//   non-present, protnone, no access, must-unshare), leaving the rest to the
//   slow path.
// - Grabbing follows try_grab_folio: FOLL_GET +1; FOLL_PIN +1024 on a small
//   folio, +1 and _pincount +1 on a large one, nothing on the zero pages.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { KernelError, fail, type ErrnoName } from '../mm/errno.js';
import { handleFault } from '../mm/fault.js';
import type { Kernel, PinRecord } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { splitHugeLeaf } from '../mm/thp.js';
import { VM, type Vma } from '../mm/vma.js';
import { vmNormalPage } from '../views/normal_page.js';
import { FOLL_PIN, grab } from '../mm/pins.js';
export { releaseRecord, releaseRecordsOf } from '../mm/pins.js';
import { BaseVisitor, WALK_CONTINUE, WALK_STOP } from '../walk/walker.js';

/** include/linux/mm_types.h (external) and mm/internal.h (internal) FOLL_* flags. */
export const FOLL = {
  WRITE: 1 << 0,
  GET: 1 << 1,
  DUMP: 1 << 2,
  FORCE: 1 << 3,
  NOWAIT: 1 << 4,
  NOFAULT: 1 << 5,
  HWPOISON: 1 << 6,
  ANON: 1 << 7,
  LONGTERM: 1 << 8,
  SPLIT_PMD: 1 << 9,
  PCI_P2PDMA: 1 << 10,
  INTERRUPTIBLE: 1 << 11,
  HONOR_NUMA_FAULT: 1 << 12,
  TOUCH: 1 << 16,
  TRIED: 1 << 17,
  REMOTE: 1 << 18,
  PIN: FOLL_PIN,
  FAST_ONLY: 1 << 20,
  UNLOCKABLE: 1 << 21,
  MADV_POPULATE: 1 << 22,
} as const;
const INTERNAL = FOLL.TOUCH | FOLL.TRIED | FOLL.REMOTE | FOLL.PIN | FOLL.FAST_ONLY | FOLL.UNLOCKABLE | FOLL.MADV_POPULATE;

export interface GupResult {
  /** Pages grabbed (pfns), in order; fewer than asked when `error` is set. */
  pfns: number[];
  /** The errno when no page could be grabbed, or why the walk stopped early. */
  error: ErrnoName | null;
  /** The record to release with unpinUserPages / putUserPages (-1 when nothing was grabbed). */
  record: number;
}

let nextRecord = 1;

/** is_valid_gup_args: the API-level checks. */
function validArgs(flags: number, external: number): void {
  if ((external & INTERNAL) !== 0) fail('EINVAL', 'internal FOLL_ flags are not for callers');
  if ((flags & FOLL.GET) !== 0 && (flags & FOLL.PIN) !== 0) fail('EINVAL', 'FOLL_GET and FOLL_PIN together');
  if ((flags & FOLL.LONGTERM) !== 0 && (flags & FOLL.PIN) === 0) fail('EINVAL', 'FOLL_LONGTERM needs FOLL_PIN');
  if ((flags & FOLL.LONGTERM) !== 0 && (flags & FOLL.PCI_P2PDMA) !== 0) fail('EINVAL', 'FOLL_LONGTERM with FOLL_PCI_P2PDMA');
}

/** check_vma_flags: errno, or null when GUP may walk this VMA. */
export function checkVmaFlags(vma: Vma, flags: number): ErrnoName | null {
  const write = (flags & FOLL.WRITE) !== 0;
  if (vma.has(VM.IO | VM.PFNMAP)) return 'EFAULT';
  if ((flags & FOLL.ANON) !== 0 && !vma.isAnonymous) return 'EFAULT';
  if ((flags & FOLL.SPLIT_PMD) !== 0 && vma.has(VM.HUGETLB)) return 'EOPNOTSUPP';
  if (write) {
    // writable_file_mapping_allowed: long-term write pins of file pages that need dirty tracking (ext4) are refused.
    if (!vma.isAnonymous && (flags & (FOLL.PIN | FOLL.LONGTERM)) === (FOLL.PIN | FOLL.LONGTERM) && vma.has(VM.SHARED) && vma.object !== null && !vma.object.shmem && vma.object.hugeBytes === 0) return 'EFAULT';
    if (!vma.has(VM.WRITE)) {
      if ((flags & FOLL.FORCE) === 0) return 'EFAULT';
      // hugetlb does not support FOLL_FORCE|FOLL_WRITE.
      if (vma.has(VM.HUGETLB)) return 'EFAULT';
      if (!vma.isCow) return 'EFAULT';
    }
  } else if (!vma.has(VM.READ)) {
    if ((flags & FOLL.FORCE) === 0) return 'EFAULT';
    if (!vma.has(VM.MAYREAD)) return 'EFAULT';
  }
  return null;
}

/** gup_must_unshare (mm/internal.h): an R/O pin of a page that is not exclusively ours must unshare first. */
function mustUnshare(k: Kernel, vma: Vma | null, flags: number, page: number): boolean {
  if ((flags & (FOLL.PIN | FOLL.WRITE)) !== FOLL.PIN) return false;
  const anon = k.mem.isFolioPage(page) && (k.mem.folioFlags[k.mem.headOf(page)] & FolioFlag.ANON) !== 0;
  if (!anon) {
    if ((flags & FOLL.LONGTERM) === 0) return false;
    if (!vma) return true;
    return vma.isCow;
  }
  return (k.mem.pageFlags[page] & PageFlag.ANON_EXCLUSIVE) === 0;
}

/** can_follow_write_pte/pmd/pud: FOLL_FORCE may write through a R/O entry only to our own COW'd anon page. */
function canFollowWrite(k: Kernel, vma: Vma, attrs: number, page: number, flags: number): boolean {
  if ((attrs & Attr.WRITE) !== 0) return true;
  if ((flags & FOLL.FORCE) === 0) return false;
  if (vma.has(VM.SHARED | VM.MAYSHARE) || !vma.has(VM.MAYWRITE) || vma.has(VM.WRITE)) return false;
  if (page < 0 || !k.mem.isFolioPage(page)) return false;
  if ((k.mem.folioFlags[k.mem.headOf(page)] & FolioFlag.ANON) === 0) return false;
  if ((k.mem.pageFlags[page] & PageFlag.ANON_EXCLUSIVE) === 0) return false;
  // Not through uffd-wp (soft-dirty write protection does not exist without CONFIG_MEM_SOFT_DIRTY).
  return (attrs & Attr.UFFD_WP) === 0;
}

/** hugetlbfs_pagecache_present: the huge page at vpn exists in a shared hugetlb file. */
function hugetlbPagecachePresent(k: Kernel, vma: Vma, vpn: number): boolean {
  const obj = vma.object;
  if (!obj || !vma.has(VM.MAYSHARE) || obj.hugeBytes === 0) return false;
  const per = obj.hugeBytes / k.pageSize;
  const idx = vma.pgoffAt(vpn);
  return obj.cache.has(idx - (idx % per));
}

type Follow = { pfn: number; pages: number } | 'fault' | 'unshare' | ErrnoName;

/** follow_page_mask: the page at vpn and the pages left in its leaf, or what to do instead. */
function followPageMask(k: Kernel, mm: Mm, vma: Vma, vpn: number, flags: number): Follow {
  const c = k.fmt.codec;
  const st = k.st;
  for (;;) {
    const kind = k.walker.seek(mm, vpn, st);
    if (kind === Kind.NONE) {
      // no_page_table: FOLL_DUMP does not fault in pages that would only read zeros.
      if ((flags & FOLL.DUMP) !== 0 && (vma.isAnonymous || (vma.has(VM.HUGETLB) && !hugetlbPagecachePresent(k, vma, vpn)))) return 'EFAULT';
      return 'fault';
    }
    if (kind !== Kind.LEAF) return 'fault'; // swap, migration, markers: the fault handles them
    const level = st.level;
    const attrs = c.attrs(st.lo, st.hi);
    // gup_can_follow_protnone: NUMA hinting is honoured only with FOLL_HONOR_NUMA_FAULT in accessible VMAs.
    if ((attrs & Attr.VALID) === 0 && (flags & FOLL.HONOR_NUMA_FAULT) !== 0 && vma.has(VM.READ | VM.WRITE | VM.EXEC)) return 'fault';
    if (level > 0 && (flags & FOLL.SPLIT_PMD) !== 0 && !vma.has(VM.HUGETLB)) {
      splitHugeLeaf(k, mm, st.slot, st.index, level, st.vpn);
      continue;
    }
    const page = vmNormalPage(k, vma, vpn, st.lo, st.hi, level);
    const exact = page >= 0 ? page + (vpn - st.vpn) : -1;
    if ((flags & FOLL.WRITE) !== 0 && !canFollowWrite(k, vma, attrs, exact, flags)) return 'fault';
    let pfn = exact;
    if (page < 0) {
      const raw = c.pfn(st.lo, st.hi);
      const zero = (level === 0 && raw === k.mem.zeroPfn) || raw === k.hugeZeroPfn;
      if (!zero) return 'EEXIST'; // follow_pfn_pte: a pfn with no page
      if ((flags & FOLL.DUMP) !== 0) return 'EFAULT';
      pfn = level === 0 ? raw : raw + (vpn - st.vpn);
    }
    if ((attrs & Attr.WRITE) === 0 && mustUnshare(k, vma, flags, pfn)) return 'unshare';
    if ((flags & FOLL.TOUCH) !== 0) {
      // touch_pmd/touch_pud make a huge leaf young (and dirty on a write); for a PTE,
      // follow_page_pte only marks the folio accessed (and dirty on a write).
      const want = attrs | Attr.YOUNG | ((flags & FOLL.WRITE) !== 0 && (attrs & Attr.VALID) !== 0 ? Attr.DIRTY : 0);
      if (level > 0 && want !== attrs && (attrs & Attr.VALID) !== 0) {
        const e = c.leaf(c.pfn(st.lo, st.hi), want, level);
        k.walker.set(mm, k.rmap, st.slot, st.index, level, st.vpn, e.lo, e.hi);
      }
      if ((flags & FOLL.WRITE) !== 0 && page >= 0) k.mem.folioFlags[k.mem.headOf(pfn)] |= FolioFlag.DIRTY;
    }
    return { pfn, pages: st.vpn + st.npages - vpn };
  }
}

/**
 * __get_user_pages: grab nr pages from `start` (vpn). Stops at the first
 * failure; the error is returned only when nothing was grabbed.
 */
function getUserPagesSlow(k: Kernel, mm: Mm, start: number, nr: number, flags: number, out: number[]): ErrnoName | null {
  let vma: Vma | undefined;
  for (let i = 0; i < nr; ) {
    const vpn = start + i;
    if (!vma || vpn < vma.start || vpn >= vma.end) {
      vma = mm.vmaAt(vpn);
      if (!vma) return 'EFAULT';
      const bad = checkVmaFlags(vma, flags);
      if (bad) return bad;
    }
    let r: Follow = 'fault';
    for (let tries = 0; tries < 4; tries++) {
      r = followPageMask(k, mm, vma, vpn, flags);
      if (r !== 'fault' && r !== 'unshare') break;
      if ((flags & FOLL.NOFAULT) !== 0) return 'EFAULT';
      try {
        handleFault(k, mm, vpn, (flags & FOLL.WRITE) !== 0, r === 'unshare', true);
      } catch (e) {
        // vm_fault_to_errno: SIGBUS and SIGSEGV are EFAULT, OOM is ENOMEM.
        if (e instanceof KernelError) return e.code === 'ENOMEM' ? 'ENOMEM' : 'EFAULT';
        throw e;
      }
    }
    if (typeof r === 'string') return r === 'fault' || r === 'unshare' ? 'EFAULT' : r;
    // Batch the rest of a huge leaf (page_increm).
    const n = Math.min(r.pages, nr - i);
    const pfn0 = r.pfn;
    const samePfn = pfn0 === k.mem.zeroPfn;
    for (let j = 0; j < n; j++) {
      const pfn = samePfn ? pfn0 : pfn0 + j;
      if (!grab(k, pfn, flags)) return 'EFAULT';
      out.push(pfn);
    }
    i += n;
  }
  return null;
}

/** The fast path's visitor: grabs page after page until the first entry it cannot handle locklessly. */
class GupFastVisitor extends BaseVisitor {
  flags = 0;
  start = 0;
  end = 0;
  readonly out: number[] = [];
  constructor(private readonly k: Kernel) {
    super();
  }
  override hole(): number {
    return WALK_STOP;
  }
  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    const write = (this.flags & FOLL.WRITE) !== 0;
    if (c.kind(lo, hi, level) !== Kind.LEAF) return WALK_STOP; // non-present
    const a = c.attrs(lo, hi);
    // pte_access_permitted: PRESENT|USER, plus RW when writing (uffd-wp entries have RW clear).
    if ((a & Attr.VALID) === 0 || (a & Attr.USER) === 0 || (write && (a & Attr.WRITE) === 0)) return WALK_STOP;
    if ((a & Attr.SPECIAL) !== 0) return WALK_STOP; // pte/pmd/pud_special: pfnmaps and zero folios go slow
    const pfn0 = c.pfn(lo, hi);
    if (!k.mem.isFolioPage(pfn0)) return WALK_STOP;
    const h = k.mem.headOf(pfn0);
    // gup_fast_folio_allowed: long-term writable pins of file folios other than shmem go slow.
    const f = k.mem.folioFlags[h];
    if ((this.flags & (FOLL.PIN | FOLL.LONGTERM | FOLL.WRITE)) === (FOLL.PIN | FOLL.LONGTERM | FOLL.WRITE) &&
      (f & (FolioFlag.ANON | FolioFlag.HUGETLB | FolioFlag.SWAPBACKED)) === 0) return WALK_STOP;
    const from = Math.max(vpn, this.start);
    const to = Math.min(vpn + npages, this.end);
    for (let v = from; v < to; v++) {
      const pfn = pfn0 + (v - vpn);
      if ((a & Attr.WRITE) === 0 && mustUnshare(k, null, this.flags, pfn)) return WALK_STOP;
      if (!grab(k, pfn, this.flags)) return WALK_STOP;
      this.out.push(pfn);
    }
    return WALK_CONTINUE;
  }
}

/**
 * get_user_pages / pin_user_pages (slow path; `flags` are the caller's FOLL_
 * flags; PIN/GET/TOUCH are added by the wrappers below). Returns the pages
 * grabbed and records them for unpinUserPages/putUserPages.
 */
function gup(k: Kernel, mm: Mm, startByte: number, nr: number, flags: number, fast: boolean): GupResult {
  if (startByte % k.pageSize !== 0) fail('EINVAL', 'GUP start is not page aligned');
  const start = startByte / k.pageSize;
  if (start + nr > k.fmt.userPages) fail('EFAULT', 'GUP range beyond the user address space');
  // mm_set_has_pinned_flag: fork will then copy maybe-pinned anonymous pages.
  if ((flags & FOLL.PIN) !== 0) mm.hasPinned = true;
  const out: number[] = [];
  let error: ErrnoName | null = null;
  if (fast) {
    // gup_fast_fallback: the lockless walk, then the slow path for the rest.
    const v = new GupFastVisitor(k);
    v.flags = flags;
    v.start = start;
    v.end = start + nr;
    k.walker.walk(mm, start, start + nr, v);
    out.push(...v.out);
    if (out.length < nr && (flags & FOLL.FAST_ONLY) === 0) {
      error = getUserPagesSlow(k, mm, start + out.length, nr - out.length, flags | FOLL.TOUCH | FOLL.UNLOCKABLE, out);
    }
  } else {
    error = getUserPagesSlow(k, mm, start, nr, flags, out);
  }
  let record = -1;
  if (out.length > 0) {
    record = nextRecord++;
    const rec: PinRecord = { id: record, pid: mm.pid, pin: (flags & FOLL.PIN) !== 0, longterm: (flags & FOLL.LONGTERM) !== 0, pfns: out };
    k.pins.set(record, rec);
  }
  return { pfns: out, error: out.length === nr ? null : error ?? 'EFAULT', record };
}

/** pin_user_pages (slow path): FOLL_PIN plus the caller's flags (WRITE, LONGTERM, FORCE...). */
export function pinUserPages(k: Kernel, mm: Mm, start: number, nr: number, flags: number): GupResult {
  validArgs(flags | FOLL.PIN, flags);
  return gup(k, mm, start, nr, flags | FOLL.PIN | FOLL.TOUCH, false);
}

/** gup_fast_fallback accepts only these caller flags (anything else is EINVAL). */
const FAST_FLAGS = FOLL.WRITE | FOLL.LONGTERM | FOLL.FORCE | FOLL.PIN | FOLL.GET | FOLL.FAST_ONLY | FOLL.NOFAULT | FOLL.PCI_P2PDMA | FOLL.HONOR_NUMA_FAULT;

function validFast(flags: number): void {
  if ((flags & ~FAST_FLAGS) !== 0) fail('EINVAL', 'flag not allowed for gup_fast');
}

/** pin_user_pages_fast. */
export function pinUserPagesFast(k: Kernel, mm: Mm, start: number, nr: number, flags: number): GupResult {
  validArgs(flags | FOLL.PIN, flags);
  validFast(flags);
  return gup(k, mm, start, nr, flags | FOLL.PIN, true);
}

/** get_user_pages (slow path, FOLL_GET|FOLL_TOUCH). */
export function getUserPages(k: Kernel, mm: Mm, start: number, nr: number, flags: number): GupResult {
  validArgs(flags | FOLL.GET, flags);
  return gup(k, mm, start, nr, flags | FOLL.GET | FOLL.TOUCH, false);
}

/** get_user_pages_fast. */
export function getUserPagesFast(k: Kernel, mm: Mm, start: number, nr: number, flags: number): GupResult {
  validArgs(flags | FOLL.GET, flags);
  validFast(flags);
  return gup(k, mm, start, nr, flags | FOLL.GET, true);
}

/** get_user_pages_fast_only: the lockless walk alone (FOLL_FAST_ONLY), short when it bails out. */
export function getUserPagesFastOnly(k: Kernel, mm: Mm, start: number, nr: number, flags: number): GupResult {
  validArgs(flags | FOLL.GET, flags);
  validFast(flags);
  return gup(k, mm, start, nr, flags | FOLL.GET | FOLL.FAST_ONLY, true);
}

