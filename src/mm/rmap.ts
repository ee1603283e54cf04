// The bookkeeping behind every page-table entry change (the walker's set()
// calls entryChanged for each one): folio refcount and mapcount (mm/rmap.c
// folio_add_*_rmap_pte/pmd, folio_remove_rmap_*), rss counters
// (include/linux/mm.h mm_counter*, MM_FILEPAGES/ANONPAGES/SWAPENTS/SHMEMPAGES),
// hugetlb usage and page-table counts. One door, so accounting cannot drift,
// and the invariant checker has one rule to verify.
import { Kind, Attr, type Format } from '../arch/format.js';
import { FolioFlag, type PhysMem } from '../mem/phys.js';
import type { PtRoot } from '../pt/store.js';
import type { EntryObserver } from '../walk/walker.js';
import type { SwapDevice } from '../mem/swap.js';
import { Leaf, decodeSoftleaf, newSoftleaf } from './softleaf.js';

export const MM_FILEPAGES = 0;
export const MM_ANONPAGES = 1;
export const MM_SWAPENTS = 2;
export const MM_SHMEMPAGES = 3;

/** What rmap needs from an address space. */
export interface Accounted extends PtRoot {
  /** rss_stat counters, in base pages. */
  readonly rss: Float64Array;
  /** hugetlb_usage, in base pages. */
  hugetlbPages: number;
}

/** mm_counter(): which rss counter a folio's pages count in. */
export function mmCounter(mem: PhysMem, head: number): number {
  const f = mem.folioFlags[head];
  if ((f & FolioFlag.ANON) !== 0) return MM_ANONPAGES;
  return (f & FolioFlag.SWAPBACKED) !== 0 ? MM_SHMEMPAGES : MM_FILEPAGES;
}

export class Rmap implements EntryObserver {
  private readonly fmt: Format;
  private readonly mem: PhysMem;

  constructor(fmt: Format, mem: PhysMem) {
    this.fmt = fmt;
    this.mem = mem;
  }

  /**
   * The page a leaf maps for rmap purposes: vm_normal_page's answer at this
   * level (mm/memory.c): -1 for none, tables, special entries and frames that
   * are not folios (the zero page, raw pfns). `vpn`, the page the entry
   * maps, matters only for an entry inside a NAPOT group (all of whose
   * entries store the group's first pfn); without it, the entry's own pfn.
   */
  normalPage(lo: number, hi: number, level: number, vpn = -1): number {
    const c = this.fmt.codec;
    if (c.kind(lo, hi, level) !== Kind.LEAF) return -1;
    if (c.has(lo, hi, Attr.SPECIAL)) return -1;
    const pfn = vpn < 0 ? c.pfn(lo, hi) : c.pfnAt(lo, hi, vpn);
    return this.mem.isFolioPage(pfn) ? pfn : -1;
  }

  entryChanged(root: PtRoot, vpn: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void {
    const mm = root as Accounted;
    const oldPage = this.normalPage(oldLo, oldHi, level, vpn);
    const newPage = this.normalPage(newLo, newHi, level, vpn);
    // Changing only the flags of a mapping (mprotect, wrprotect, young/dirty) is not an rmap event.
    if (oldPage === newPage && oldPage >= 0) return;
    if (newPage >= 0) this.addMapping(mm, newPage, level);
    else this.softleaf(mm, newLo, newHi, level, +1);
    if (oldPage >= 0) this.removeMapping(mm, oldPage, level);
    else this.softleaf(mm, oldLo, oldHi, level, -1);
  }

  /**
   * A swap entry holds a swap-slot reference (swap_duplicate/swap_free) and
   * counts in MM_SWAPENTS; a migration entry keeps counting under its folio's
   * rss counter while the folio is unmapped; markers count nothing.
   */
  private softleaf(mm: Accounted, lo: number, hi: number, level: number, delta: number): void {
    const s = decodeSoftleaf(this.fmt.codec, lo, hi, level, this.leaf);
    const pages = this.fmt.pagesPerEntry[level];
    if (s.kind === Leaf.SWAP) {
      if (!this.swap || s.type !== this.swap.type) throw new Error(`swap entry of type ${s.type} without that swap device`);
      if (delta > 0) this.swap.dup(s.offset);
      else this.swap.put(s.offset);
      mm.rss[MM_SWAPENTS] += delta * pages;
    } else if (s.kind === Leaf.MIGRATION && this.mem.isFolioPage(s.offset)) {
      const h = this.mem.headOf(s.offset);
      if ((this.mem.folioFlags[h] & FolioFlag.HUGETLB) === 0) mm.rss[mmCounter(this.mem, h)] += delta * pages;
    }
  }

  /** The swap device (set when swap is on). */
  swap: SwapDevice | null = null;
  private readonly leaf = newSoftleaf();

  tableChanged(_root: PtRoot, _level: number, _delta: number): void {
    // Page-table pages are counted by the walker in PtRoot.tables (nr_ptes/nr_pmds/nr_puds).
  }

  private addMapping(mm: Accounted, pfn: number, level: number): void {
    const mem = this.mem;
    const h = mem.headOf(pfn);
    const pages = this.fmt.pagesPerEntry[level];
    if ((mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0) {
      // A hugetlb page is one "entire" mapping however many entries map it
      // (a contiguous group): counted at the entry of its head page.
      if (pfn !== h) return;
      mem.entireMapcount[h]++;
      mem.totalMapcount[h]++;
      mem.refcount[h]++;
      mm.hugetlbPages += mem.nrPages(h);
      return;
    }
    if (level === 0) mem.pageMapcount[pfn]++;
    else {
      if (pfn !== h || mem.nrPages(h) !== pages) throw new Error(`a level-${level} leaf must map a whole folio of ${pages} pages (pfn ${pfn})`);
      mem.entireMapcount[h]++;
    }
    mem.totalMapcount[h]++;
    mem.refcount[h]++;
    this.charge(mm, h, pages);
  }

  private removeMapping(mm: Accounted, pfn: number, level: number): void {
    const mem = this.mem;
    const h = mem.headOf(pfn);
    const pages = this.fmt.pagesPerEntry[level];
    if ((mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0) {
      if (pfn !== h) return;
      if (--mem.entireMapcount[h] < 0) throw new Error(`hugetlb folio ${h}: mapcount underflow`);
      mem.totalMapcount[h]--;
      mm.hugetlbPages -= mem.nrPages(h);
      mem.put(h);
      return;
    }
    if (level === 0) {
      if (--mem.pageMapcount[pfn] < 0) throw new Error(`page ${pfn}: mapcount underflow`);
    } else if (--mem.entireMapcount[h] < 0) throw new Error(`folio ${h}: entire mapcount underflow`);
    mem.totalMapcount[h]--;
    this.charge(mm, h, -pages);
    mem.put(h);
  }

  private charge(mm: Accounted, h: number, pages: number): void {
    mm.rss[mmCounter(this.mem, h)] += pages;
  }
}
