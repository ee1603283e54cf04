// Transparent huge pages: the sysfs policy (mm/huge_memory.c
// __thp_vma_allowable_orders, include/linux/huge_mm.h thp_vma_suitable_order),
// PMD-size THP faults and the huge zero folio (do_huge_pmd_anonymous_page,
// do_huge_pmd_wp_page, do_huge_zero_wp_pmd), splitting a PMD mapping
// (__split_huge_pmd_locked: the mapping, not the folio), mTHP orders for
// anonymous faults (alloc_anon_folio), and MADV_COLLAPSE (mm/khugepaged.c).
// Every page-table change goes through the walker's door; a PMD leaf is just
// a leaf one level up, so zap, mprotect, fork and the views need no THP copy
// of their walks.
import { Attr, Kind, type Format } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import { foldRange } from './contpte.js';
import type { Mm } from './mm.js';
import { fit, vmaProt } from './pte.js';
import { VM, type Vma } from './vma.js';
import { lruAddDrain } from './lru.js';

export type ThpMode = 'always' | 'madvise' | 'never';
export type MthpMode = ThpMode | 'inherit';

export const ANON_FOLIO_FLAGS = FolioFlag.ANON | FolioFlag.SWAPBACKED | FolioFlag.UPTODATE | FolioFlag.LRU;

/**
 * Whether the format has transparent huge pages at all: its PMD level is a
 * real level below the top that may hold leaves. The 8xx (2 levels, the PMD
 * folded into the PGD, no block leaves) has none: powerpc selects
 * HAVE_ARCH_TRANSPARENT_HUGEPAGE only for book3s64 (arch/powerpc/platforms/
 * Kconfig.cputype), and has_transparent_hugepage() is false on 32-bit nohash
 * (arch/powerpc/include/asm/nohash/pgtable.h). Such a kernel is one without
 * CONFIG_TRANSPARENT_HUGEPAGE: no THP sysfs knobs, MADV_HUGEPAGE,
 * MADV_NOHUGEPAGE and MADV_COLLAPSE are EINVAL (mm/madvise.c
 * madvise_behavior_valid), no mTHP, THPeligible 0.
 */
export function hasThp(fmt: Format): boolean {
  const l = fmt.spec.pmdLevel ?? 1;
  return l >= 1 && l < fmt.nlevels - 1 && fmt.leafAllowed[l] === 1;
}

/** The PMD level of the format (the level whose leaves are PMD-size THPs). */
export function pmdLevel(k: Kernel): number {
  return k.fmt.spec.pmdLevel ?? 1;
}

/** Pages in a PMD-size THP (HPAGE_PMD_NR). */
export function pmdPages(k: Kernel): number {
  return k.fmt.pagesPerEntry[pmdLevel(k)];
}

/** The effective mode of an anonymous THP order: its per-size knob, `inherit` meaning the top-level one. */
function orderMode(k: Kernel, order: number): ThpMode {
  const bytes = 2 ** order * k.pageSize;
  const pmdOrder = Math.log2(pmdPages(k));
  const m = k.opts.mthp[bytes] ?? (order === pmdOrder ? 'inherit' : 'never');
  return m === 'inherit' ? k.opts.thp : m;
}

/** The anonymous THP orders (2..PMD order, like THP_ORDERS_ALL_ANON) the policy allows for this VMA. */
export function allowedOrders(k: Kernel, vma: Vma): number[] {
  // A format without THP (hasThp) has no PMD-size THP and no mTHP either (both need CONFIG_TRANSPARENT_HUGEPAGE).
  if (!hasThp(k.fmt)) return [];
  if (vma.has(VM.HUGETLB | VM.NOHUGEPAGE | VM.PFNMAP | VM.MIXEDMAP | VM.IO)) return [];
  if (!vma.isAnonymous || vma.isShared) return []; // shmem_enabled=never; no large file folios in the model
  const out: number[] = [];
  const pmdOrder = Math.log2(pmdPages(k));
  for (let order = pmdOrder; order >= 2; order--) {
    const mode = orderMode(k, order);
    if (mode === 'always' || (mode === 'madvise' && vma.has(VM.HUGEPAGE))) out.push(order);
  }
  return out;
}

/** thp_vma_suitable_order: the aligned 2^order range around vpn lies inside the VMA. */
export function suitable(vma: Vma, vpn: number, pages: number): boolean {
  const start = vpn - (vpn % pages);
  if ((vma.start - vma.pgoff) % pages !== 0 && !vma.isAnonymous) return false;
  return start >= vma.start && start + pages <= vma.end;
}

/**
 * THPeligible as smaps prints it: some allowed order fits, checking (as the
 * !in_pf path does) the aligned range that ends at or before vm_end.
 */
export function thpEligible(k: Kernel, vma: Vma): boolean {
  for (const order of allowedOrders(k, vma)) {
    const pages = 2 ** order;
    if (suitable(vma, vma.end - pages, pages)) return true;
  }
  return false;
}

/** The huge zero folio: allocated on first use and kept (mm_get_huge_zero_folio). */
export function hugeZeroFolio(k: Kernel): number {
  if (k.hugeZeroPfn < 0) {
    const h = k.mem.allocFolio(Math.log2(pmdPages(k)), FolioFlag.ZERO | FolioFlag.UPTODATE);
    k.mem.get(h); // the kernel's own reference keeps it
    k.hugeZeroPfn = h;
  }
  return k.hugeZeroPfn;
}

function setExclusive(k: Kernel, h: number, on: boolean): void {
  const n = k.mem.nrPages(h);
  for (let p = h; p < h + n; p++) {
    if (on) k.mem.pageFlags[p] |= PageFlag.ANON_EXCLUSIVE;
    else k.mem.pageFlags[p] &= ~PageFlag.ANON_EXCLUSIVE;
  }
}

/** A new anonymous folio of 2^order pages, zeroed, exclusive (folio_add_new_anon_rmap). */
export function newAnonFolio(k: Kernel, vma: Vma, order: number): number {
  if (vma.anonVma === 0) vma.anonVma = k.newAnonVma();
  const h = k.mem.allocFolio(order, ANON_FOLIO_FLAGS);
  setExclusive(k, h, true);
  return h;
}

/**
 * __handle_mm_fault at PMD level for an anonymous VMA whose PMD is none:
 * returns true when a huge PMD was installed (a read maps the huge zero
 * folio where thp.zero_page is on; anything else a new THP).
 */
export function doHugePmdAnonymousPage(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean): boolean {
  const level = pmdLevel(k);
  const pages = pmdPages(k);
  if (!allowedOrders(k, vma).includes(Math.log2(pages)) || !suitable(vma, vpn, pages)) return false;
  const st = k.st;
  k.walker.seek(mm, vpn, st, level, k.rmap);
  if (st.level !== level || st.kind !== Kind.NONE) return false;
  const base = vpn - (vpn % pages);
  const c = k.fmt.codec;
  let e;
  if (!write && k.opts.thpZeroPage) {
    // Since 6.18 the huge zero folio is mapped special (mm/huge_memory.c).
    e = c.leaf(hugeZeroFolio(k), fit(k.fmt, vmaProt(vma) | Attr.SPECIAL), level);
  } else {
    const h = newAnonFolio(k, vma, Math.log2(pages));
    e = c.leaf(h, fit(k.fmt, vmaProt(vma) | Attr.DIRTY | (vma.has(VM.WRITE) ? Attr.WRITE : 0)), level);
  }
  const { slot, index } = st;
  const { lo, hi } = e;
  k.walker.deposit(mm, k.rmap, base);
  k.walker.set(mm, k.rmap, slot, index, level, base, lo, hi);
  return true;
}

/**
 * do_huge_pmd_wp_page: a write to a read-only PMD leaf. The huge zero folio is
 * replaced by a whole new THP; an exclusive folio, or one only this mapping
 * references, is reused; otherwise the PMD is split and the PTE fault path
 * copies the one page (returns false: fall back).
 */
export function doHugePmdWpPage(k: Kernel, mm: Mm, vma: Vma, unshare = false): boolean {
  const st = k.st;
  const c = k.fmt.codec;
  const mem = k.mem;
  const level = st.level;
  const { slot, index } = st;
  const base = st.vpn;
  const pfn = c.pfn(st.lo, st.hi);
  const attrs = c.attrs(st.lo, st.hi);
  if (vma.has(VM.SHARED) || !mem.isFolioPage(pfn)) return false;
  const wr = unshare ? 0 : Attr.DIRTY | (vma.has(VM.WRITE) ? Attr.WRITE : 0);
  if (pfn === k.hugeZeroPfn) {
    const h = newAnonFolio(k, vma, Math.log2(k.fmt.pagesPerEntry[level]));
    const e = c.leaf(h, fit(k.fmt, vmaProt(vma) | wr), level);
    k.walker.set(mm, k.rmap, slot, index, level, base, e.lo, e.hi);
    return true;
  }
  if (mem.isFolioPage(pfn) && (mem.folioFlags[mem.headOf(pfn)] & FolioFlag.ANON) !== 0) {
    const h = mem.headOf(pfn);
    const reuse = (mem.pageFlags[h] & PageFlag.ANON_EXCLUSIVE) !== 0 || mem.refcount[h] === 1;
    if (reuse) {
      setExclusive(k, h, true);
      if (unshare) return true;
      const e = c.leaf(pfn, attrs | wr | Attr.YOUNG, level);
      k.walker.set(mm, k.rmap, slot, index, level, base, e.lo, e.hi);
      return true;
    }
  }
  splitHugeLeaf(k, mm, slot, index, level, base);
  return false;
}

/**
 * Split a huge leaf into a table of the level below (__split_huge_pmd_locked).
 * The folio is not split; its pages become PTE-mapped (refcount and per-page
 * mapcounts through the door), the PMD's dirty bit moves to the folio, and
 * a huge zero PMD becomes PTEs of the 4K zero page. hugetlb leaves never split.
 */
export function splitHugeLeaf(k: Kernel, mm: Mm, slot: number, index: number, level: number, vpn: number): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  const lo = k.walker.lo(slot, index);
  const hi = k.walker.hi(slot, index);
  if (c.kind(lo, hi, level) !== Kind.LEAF) throw new Error('splitting a non-present huge leaf is not supported yet');
  const pfn = c.pfn(lo, hi);
  const attrs = c.attrs(lo, hi) & ~Attr.CONT;
  if ((attrs & Attr.SPECIAL) !== 0 && pfn !== k.hugeZeroPfn) {
    // vma_is_special_huge: a huge pfnmap entry is not split, just zapped; faults refill it.
    k.walker.set(mm, k.rmap, slot, index, level, vpn, 0, 0);
    return;
  }
  const table = k.walker.withdraw(mm, vpn);
  if (pfn === k.hugeZeroPfn) {
    k.walker.splitLeaf(mm, k.rmap, slot, index, level, vpn, mem.zeroPfn, 0, attrs | Attr.SPECIAL, table);
    return;
  }
  if (mem.isFolioPage(pfn)) {
    const h = mem.headOf(pfn);
    if ((mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0) throw new Error('hugetlb leaves are never split');
    // A dirty PMD dirties the folio (kpageflags DIRTY) and every PTE.
    if ((attrs & Attr.DIRTY) !== 0) mem.folioFlags[h] |= FolioFlag.DIRTY;
  }
  k.walker.splitLeaf(mm, k.rmap, slot, index, level, vpn, pfn, k.fmt.pagesPerEntry[level - 1], attrs, table);
  // The new PTEs map the folio block by block: arm64 folds them (set_pte_at -> contpte_try_fold).
  if (level === 1) foldRange(k, mm, vpn, k.fmt.pagesPerEntry[level]);
}

/**
 * alloc_anon_folio's order choice for a PTE-level anonymous write fault: the
 * highest allowed mTHP order below PMD size whose aligned range lies in the
 * VMA with every PTE still none (pte_range_none). 0 when none fits.
 */
export function anonFaultOrder(k: Kernel, mm: Mm, vma: Vma, vpn: number): number {
  const pmdOrder = Math.log2(pmdPages(k));
  for (const order of allowedOrders(k, vma)) {
    if (order >= pmdOrder) continue;
    const pages = 2 ** order;
    if (!suitable(vma, vpn, pages)) continue;
    const start = vpn - (vpn % pages);
    let none = true;
    for (let v = start; v < start + pages && none; v++) {
      if (k.walker.seek(mm, v, k.st) !== Kind.NONE || k.st.level !== 0) none = false;
    }
    if (none) return order;
  }
  return 0;
}

/**
 * MADV_COLLAPSE (mm/khugepaged.c madvise_collapse): every aligned PMD range
 * fully inside [start, end) of an anonymous VMA is copied into a new THP.
 * The PTE table becomes the new PMD's deposit. Errors as the kernel's
 * madvise_collapse_errno: a range with no page table, or with no writable
 * page (only zero pages, or read-only after fork), is EINVAL.
 */
export function madviseCollapse(k: Kernel, mm: Mm, vma: Vma, start: number, end: number): void {
  // Without CONFIG_TRANSPARENT_HUGEPAGE MADV_COLLAPSE is not a valid advice (madvise() refuses it first).
  if (!hasThp(k.fmt)) fail('EINVAL', 'MADV_COLLAPSE: the architecture has no transparent huge pages');
  if (vma.has(VM.HUGETLB | VM.NOHUGEPAGE | VM.PFNMAP | VM.MIXEDMAP | VM.IO) || !vma.isAnonymous || vma.isShared) {
    fail('EINVAL', 'MADV_COLLAPSE on a VMA that cannot hold THPs');
  }
  const pages = pmdPages(k);
  const level = pmdLevel(k);
  const c = k.fmt.codec;
  const mem = k.mem;
  // thp_vma_allowable_order(TVA_FORCED_COLLAPSE): the VMA must be able to hold a PMD THP at all.
  if (!k.fmt.leafAllowed[level] || !suitable(vma, vma.end - pages, pages)) fail('EINVAL', 'MADV_COLLAPSE on a VMA too small for a THP');
  lruAddDrain(k); // madvise_collapse: lru_add_drain_all() before scanning (src/mm/lru.ts)
  let last: 'ok' | 'EINVAL' | 'EAGAIN' = 'ok';
  for (let base = Math.ceil(start / pages) * pages; base + pages <= end; base += pages) {
    const st = k.st;
    k.walker.seek(mm, base, st, level);
    if (st.level !== level) { last = 'EINVAL'; continue; }
    if (st.kind === Kind.LEAF) continue; // SCAN_PMD_MAPPED: already a THP
    if (st.kind !== Kind.TABLE) { last = 'EINVAL'; continue; } // SCAN_PMD_NULL
    // hpage_collapse_scan_pmd: none and zero-page PTEs are allowed (max_ptes_none is ignored),
    // read-only (e.g. shared after fork) anon pages too (as measured on 6.18), but at least one
    // anonymous page must be there and every page must be a simple anon page.
    let anyPage = false;
    let bad: 'EINVAL' | 'EAGAIN' | null = null;
    const values = new Uint32Array(pages);
    for (let i = 0; i < pages && !bad; i++) {
      const kind = k.walker.seek(mm, base + i, st);
      if (kind === Kind.NONE) continue;
      if (kind !== Kind.LEAF) { bad = 'EINVAL'; break; } // swap entries: the swap issue
      // SCAN_PTE_UFFD_WP: a write-protected entry blocks the collapse.
      if (c.has(st.lo, st.hi, Attr.UFFD_WP)) { bad = 'EINVAL'; break; }
      // The page's own frame: seek reports a contiguous block (arm64 contpte) from its first entry.
      const pfn = c.pfn(st.lo, st.hi) === mem.zeroPfn ? mem.zeroPfn : k.walker.pagePfn(st, base + i);
      if (pfn === mem.zeroPfn) continue;
      anyPage = true;
      if (!mem.isFolioPage(pfn) || (mem.folioFlags[mem.headOf(pfn)] & FolioFlag.ANON) === 0) { bad = 'EINVAL'; break; }
      const h = mem.headOf(pfn);
      // is_refcount_suitable: no extra references (pins, GUP) on the folio.
      if (mem.refcount[h] !== mem.totalMapcount[h]) { bad = 'EAGAIN'; break; }
      values[i] = mem.content[pfn];
    }
    if (bad) { last = bad; continue; }
    if (!anyPage) { last = 'EINVAL'; continue; } // nothing but none and zero-page PTEs
    // collapse_huge_page: copy, then swap the PTE table for a PMD leaf; the table is deposited.
    const h = newAnonFolio(k, vma, Math.log2(pages));
    for (let i = 0; i < pages; i++) mem.content[h + i] = values[i];
    k.walker.seek(mm, base, st, level);
    const pmdSlot = st.slot;
    const pmdIndex = st.index;
    const table = k.walker.child(st.lo, st.hi);
    for (let i = 0; i < pages; i++) {
      if (k.walker.lo(table, i) !== 0 || k.walker.hi(table, i) !== 0) k.walker.set(mm, k.rmap, table, i, 0, base + i, 0, 0);
    }
    const e = c.leaf(h, fit(k.fmt, vmaProt(vma) | Attr.DIRTY | (vma.has(VM.WRITE) ? Attr.WRITE : 0)), level);
    k.walker.set(mm, k.rmap, pmdSlot, pmdIndex, level, base, e.lo, e.hi);
    mm.deposits.set(base, table);
  }
  if (last !== 'ok') fail(last, 'MADV_COLLAPSE could not collapse every range');
}
