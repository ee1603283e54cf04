// /proc/PID/pagemap, PAGEMAP_SCAN categories, /proc/kpageflags and
// /proc/kpagecount, computed from the page tables through the one walker
// (fs/proc/task_mmu.c pagemap_pmd_range / pte_to_pagemap_entry /
// pagemap_page_category; fs/proc/page.c stable_page_flags).
import { Attr, Kind, SwpFlag } from '../arch/index.js';
import { FolioFlag, FrameKind, PageFlag } from '../mem/phys.js';
import type { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { VM, type Vma } from '../mm/vma.js';
import { hugeGeometry, hugeSize } from '../mm/hugetlb.js';
import { Leaf, MARKER, decodeSoftleaf, isMarker, newSoftleaf, softleafUffdWp } from '../mm/softleaf.js';
import { wpAsyncAllowed } from '../mm/uffd.js';
import { BaseVisitor, WALK_CONTINUE } from '../walk/walker.js';

/** pagemap flag bits, numbered from bit 55 (so they fit a small int). */
export const PM = {
  SOFT_DIRTY: 1 << 0, // 55
  EXCLUSIVE: 1 << 1, // 56
  UFFD_WP: 1 << 2, // 57
  GUARD: 1 << 3, // 58
  FILE: 1 << 6, // 61
  SWAP: 1 << 7, // 62
  PRESENT: 1 << 8, // 63
} as const;

/** PAGEMAP_SCAN categories (include/uapi/linux/fs.h PAGE_IS_*). */
export const SCAN = {
  WPALLOWED: 1 << 0,
  WRITTEN: 1 << 1,
  FILE: 1 << 2,
  PRESENT: 1 << 3,
  SWAPPED: 1 << 4,
  PFNZERO: 1 << 5,
  HUGE: 1 << 6,
  SOFT_DIRTY: 1 << 7,
  GUARD: 1 << 8,
} as const;
/** Pages outside every VMA (and in skipped pfnmap VMAs) are not reported by PAGEMAP_SCAN. */
export const SCAN_NOT_REPORTED = -1;

/** The kpageflags subset that is stable enough to compare (kernel-oracle.md). */
export const KPF = {
  MMAP: 1 << 0, // 11
  ANON: 1 << 1, // 12
  SWAPCACHE: 1 << 2, // 13
  SWAPBACKED: 1 << 3, // 14
  HEAD: 1 << 4, // 15 COMPOUND_HEAD
  TAIL: 1 << 5, // 16 COMPOUND_TAIL
  HUGE: 1 << 6, // 17
  THP: 1 << 7, // 22
  ZERO: 1 << 8, // 24 ZERO_PAGE
  MAPPEDTODISK: 1 << 9, // 34 OWNER_2 / PG_anon_exclusive on anon pages
} as const;

/** Per-page results for a range of base pages. */
export interface PageInfo {
  /** PM bits. */
  pm: Uint16Array;
  /** The frame: a pfn when present, swap type | offset << 5 when swapped, else 0 (-1: none). */
  frame: Float64Array;
  /** PAGEMAP_SCAN categories, or SCAN_NOT_REPORTED. */
  scan: Int32Array;
}

/** Compute pagemap and PAGEMAP_SCAN categories for [start, start+n) of `mm`. */
export function pageInfo(k: Kernel, mm: Mm, start: number, n: number): PageInfo {
  const info: PageInfo = { pm: new Uint16Array(n), frame: new Float64Array(n).fill(-1), scan: new Int32Array(n).fill(SCAN_NOT_REPORTED) };
  const v = new PagemapVisitor(k, info, start, n);
  for (const vma of mm.overlapping(start, start + n)) {
    const s = Math.max(start, vma.start);
    const e = Math.min(start + n, vma.end);
    // mm/pagewalk.c: VM_PFNMAP VMAs are not walked (pagemap reads them as holes; PAGEMAP_SCAN skips them).
    if (vma.has(VM.PFNMAP)) continue;
    for (let p = s; p < e; p++) info.scan[p - start] = vmaCategories(vma);
    v.vma = vma;
    v.hugeLevel = vma.has(VM.HUGETLB) ? (hugeGeometry(k, hugeSize(vma))?.level ?? -1) : -1;
    k.walker.walk(mm, s, e, v);
  }
  return info;
}

/** The categories every page of a VMA gets (pagemap_scan_test_walk): WPALLOWED, SOFT_DIRTY. */
function vmaCategories(vma: Vma): number {
  return (vma.has(VM.SOFTDIRTY) ? SCAN.SOFT_DIRTY : 0) | (wpAsyncAllowed(vma) ? SCAN.WPALLOWED : 0);
}

class PagemapVisitor extends BaseVisitor {
  vma!: Vma;
  private readonly sl = newSoftleaf();
  /** The level of the huge entries of a hugetlb VMA (-1 otherwise). */
  hugeLevel = -1;
  private readonly k: Kernel;
  private readonly info: PageInfo;
  private readonly start: number;
  private readonly n: number;
  constructor(k: Kernel, info: PageInfo, start: number, n: number) {
    super();
    this.k = k;
    this.info = info;
    this.start = start;
    this.n = n;
  }

  override hole(vpn: number, npages: number, level: number): number {
    // pte_none inside an existing PTE table: this kernel's PAGEMAP_SCAN reports
    // WRITTEN there (kernel-oracle.md §7.1); pagemap reports 0.
    const base = vmaCategories(this.vma);
    if (this.vma.has(VM.HUGETLB)) {
      // pagemap_hugetlb_category: HUGE for an empty huge slot whose table exists.
      if (level === this.hugeLevel) for (let p = vpn; p < vpn + npages; p++) this.info.scan[p - this.start] = base | SCAN.HUGE;
      return WALK_CONTINUE;
    }
    if (level === 0) {
      for (let p = vpn; p < vpn + npages; p++) this.info.scan[p - this.start] = base | SCAN.WRITTEN;
    }
    return WALK_CONTINUE;
  }

  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    const mem = k.mem;
    const kind = c.kind(lo, hi, level);
    // pagemap_hugetlb_range: not exclusive when the page table itself is shared (hugetlb_pmd_shared).
    const sharedTable = k.walker.sharedLeafTable(slot, level, npages);
    const from = Math.max(vpn, this.start);
    const to = Math.min(vpn + npages, this.start + this.n);
    const vcat = vmaCategories(this.vma);
    // A PMD/PUD leaf is HUGE for PAGEMAP_SCAN, and every hugetlb page; a contiguous group of PTEs is not.
    const hugetlb = this.hugeLevel >= 0;
    const huge = level > 0 || hugetlb ? SCAN.HUGE : 0;
    if (kind === Kind.LEAF) {
      const a = c.attrs(lo, hi);
      const pfn0 = c.pfn(lo, hi);
      let pm = PM.PRESENT;
      if (a & Attr.SOFT_DIRTY) pm |= PM.SOFT_DIRTY;
      if (a & Attr.UFFD_WP) pm |= PM.UFFD_WP;
      let cat = vcat | huge | SCAN.PRESENT;
      if ((a & Attr.UFFD_WP) === 0) cat |= SCAN.WRITTEN;
      const isZero = pfn0 === mem.zeroPfn || (mem.isFolioPage(pfn0) && (mem.folioFlags[mem.headOf(pfn0)] & FolioFlag.ZERO) !== 0);
      if (isZero) cat |= SCAN.PFNZERO;
      const normal = k.rmap.normalPage(lo, hi, level) >= 0;
      // pagemap_pmd_range_thp uses pmd_page() directly, so a huge zero PMD shows FILE.
      const page0 = normal || (level > 0 && mem.isFolioPage(pfn0)) ? pfn0 : -1;
      for (let p = from; p < to; p++) {
        const pfn = pfn0 + (p - vpn);
        let bits = pm;
        let cats = cat;
        if (page0 >= 0) {
          const anon = (mem.folioFlags[mem.headOf(pfn)] & FolioFlag.ANON) !== 0;
          if (!anon) {
            bits |= PM.FILE;
            if (normal) cats |= SCAN.FILE;
          }
          // Exclusive: the precise page mapcount is 1; for a PMD mapping the
          // head page's mapcount decides for every subpage (kernel-oracle.md §2).
          const mc = level > 0 || hugetlb ? mem.mapcountOfPage(mem.headOf(pfn)) : mem.mapcountOfPage(pfn);
          if (mc === 1 && !isZero && !sharedTable) bits |= PM.EXCLUSIVE;
        }
        const i = p - this.start;
        this.info.pm[i] = bits;
        this.info.frame[i] = pfn;
        this.info.scan[i] = cats;
      }
      return WALK_CONTINUE;
    }
    // Non-present entries: swap, migration, markers (pte_to_pagemap_entry /
    // pagemap_page_category): SWAP always, uffd-wp from the swap bit or the
    // marker, GUARD for guard markers; hugetlb shows only the uffd-wp bit.
    const leaf = decodeSoftleaf(c, lo, hi, level, this.sl);
    const wp = softleafUffdWp(leaf);
    const guard = isMarker(leaf, MARKER.GUARD);
    let pm = hugetlb ? 0 : PM.SWAP;
    if (wp) pm |= PM.UFFD_WP;
    if (guard) pm |= PM.GUARD;
    if (!hugetlb && (leaf.flags & SwpFlag.SOFT_DIRTY) !== 0) pm |= PM.SOFT_DIRTY;
    const cat = vcat | huge | SCAN.SWAPPED | (wp ? 0 : SCAN.WRITTEN) | (guard ? SCAN.GUARD : 0);
    for (let p = from; p < to; p++) {
      const i = p - this.start;
      this.info.pm[i] = pm;
      // The frame field: type | offset << 5, the pfn advancing for migration entries of a huge leaf.
      this.info.frame[i] = hugetlb ? -1 : leaf.type + (leaf.offset + (leaf.kind === Leaf.MIGRATION ? p - vpn : 0)) * 32;
      this.info.scan[i] = cat;
    }
    return WALK_CONTINUE;
  }
}

/** /proc/kpageflags (the comparable subset, KPF bits) for one pfn. */
export function kpageflags(k: Kernel, pfn: number): number {
  const mem = k.mem;
  if (pfn === mem.zeroPfn) return KPF.ZERO;
  if (pfn < 0 || pfn >= mem.size || mem.kind[pfn] !== FrameKind.FOLIO) return 0;
  const h = mem.headOf(pfn);
  const f = mem.folioFlags[h];
  let u = 0;
  if (mem.totalMapcount[h] > 0) u |= KPF.MMAP;
  if (f & FolioFlag.ANON) u |= KPF.ANON;
  if (f & FolioFlag.SWAPCACHE) u |= KPF.SWAPCACHE;
  if (f & FolioFlag.SWAPBACKED) u |= KPF.SWAPBACKED;
  if (mem.order[h] > 0) u |= pfn === h ? KPF.HEAD : KPF.TAIL;
  if (f & FolioFlag.HUGETLB) u |= KPF.HUGE;
  if (f & (FolioFlag.LARGE_RMAPPABLE | FolioFlag.ZERO)) u |= mem.order[h] > 0 ? KPF.THP : 0;
  if (f & FolioFlag.ZERO) u |= KPF.ZERO;
  if (f & FolioFlag.ANON) {
    // stable_page_flags reads the folio's flags: a large folio shows its head page's anon-exclusive bit.
    if (mem.pageFlags[h] & PageFlag.ANON_EXCLUSIVE) u |= KPF.MAPPEDTODISK;
  } else if (f & FolioFlag.MAPPEDTODISK) u |= KPF.MAPPEDTODISK;
  return u;
}

/** /proc/kpagecount: the precise mapcount of the page (0 for the zero page and non-folio frames). */
export function kpagecount(k: Kernel, pfn: number): number {
  const mem = k.mem;
  if (pfn < 0 || pfn >= mem.size || mem.kind[pfn] !== FrameKind.FOLIO) return 0;
  if ((mem.folioFlags[mem.headOf(pfn)] & FolioFlag.ZERO) !== 0) return 0;
  return mem.mapcountOfPage(pfn);
}
