// Swap (mm/swapfile.c, mm/swap_state.c, mm/vmscan.c, mm/madvise.c):
// MADV_PAGEOUT reclaims pages into swap entries, MADV_FREE makes anonymous
// pages lazily freeable, and do_swap_page brings them back through the swap
// cache. A THP is split before swap-out unless the device takes whole THPs
// (kernel-oracle.md §5: this machine's rotational device does not).
import { Attr, Kind, SwpFlag } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { SwapDevice } from '../mem/swap.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';
import { fit, vmaProt } from './pte.js';
import { Leaf, MARKER, decodeSoftleaf, makeMarker, newSoftleaf } from './softleaf.js';
import { splitHugeLeaf } from './thp.js';
import { unfoldContig } from './contpte.js';
import { findMappings } from './migrate.js';
import { VM, type Vma } from './vma.js';
import { folioMarkLazyfree, lruAddDrain } from './lru.js';

/** swapon: one device, type 0. */
export function swapOn(k: Kernel): void {
  if (k.swap) return;
  k.swap = new SwapDevice(0);
  k.rmap.swap = k.swap;
}

const sl = newSoftleaf();

/**
 * do_swap_page: the folio comes from the swap cache, or is read into it.
 * An exclusive entry maps it exclusive (and writable if the VMA allows); a
 * write fault also takes it out of the swap cache (folio_free_swap, which
 * dirties it). A read fault leaves it in the swap cache, clean.
 */
export function doSwapPage(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  const st = k.st;
  k.walker.seek(mm, vpn, st);
  const leaf = decodeSoftleaf(c, st.lo, st.hi, st.level, sl);
  const swap = k.swap;
  if (!swap || leaf.kind !== Leaf.SWAP) throw new Error('doSwapPage without a swap entry');
  if (st.level !== 0) throw new Error('swap entries above the PTE level are not modelled (no THP swap-in)');
  const off = leaf.offset;
  let h = swap.cache.get(off);
  if (h === undefined) {
    h = mem.allocFolio(0, FolioFlag.ANON | FolioFlag.SWAPBACKED | FolioFlag.UPTODATE | FolioFlag.LRU | FolioFlag.SWAPCACHE);
    mem.content[h] = swap.content.get(off) ?? 0;
    mem.get(h); // the swap cache's reference
    swap.cache.set(off, h);
  }
  let attrs = vmaProt(vma) | (leaf.flags & SwpFlag.UFFD_WP ? Attr.UFFD_WP : 0) | (leaf.flags & SwpFlag.SOFT_DIRTY ? Attr.SOFT_DIRTY : 0);
  if (leaf.exclusive) {
    mem.pageFlags[h] |= PageFlag.ANON_EXCLUSIVE;
    if (vma.has(VM.WRITE) && (attrs & Attr.UFFD_WP) === 0) {
      attrs |= Attr.WRITE;
      if (write) attrs |= Attr.DIRTY;
    }
  }
  const { slot, index } = st;
  const e = c.leaf(h, fit(k.fmt, attrs), 0);
  k.walker.set(mm, k.rmap, slot, index, 0, vpn, e.lo, e.hi);
  if (write) freeSwapCache(k, off);
}

/** folio_free_swap: drop a folio from the swap cache once no swap entry refers to its slot. */
export function freeSwapCache(k: Kernel, off: number): void {
  const swap = k.swap;
  if (!swap) return;
  const h = swap.cache.get(off);
  if (h === undefined || (swap.count.get(off) ?? 0) !== 0) return;
  swap.cache.delete(off);
  k.mem.folioFlags[h] = (k.mem.folioFlags[h] & ~FolioFlag.SWAPCACHE) | FolioFlag.DIRTY;
  swap.maybeFree(off);
  k.mem.put(h);
}

/** The swap slot a swap-cache folio belongs to, or -1. */
export function slotOfCached(k: Kernel, h: number): number {
  if (!k.swap) return -1;
  for (const [off, f] of k.swap.cache) if (f === h) return off;
  return -1;
}

/** folio_free_swap for a folio: succeeds (and dirties it) only if no swap entry still uses its slot. */
export function tryFreeSwapCache(k: Kernel, h: number): boolean {
  const off = slotOfCached(k, h);
  if (off < 0 || !k.swap || (k.swap.count.get(off) ?? 0) !== 0) return false;
  freeSwapCache(k, off);
  return true;
}

/** __remove_mapping of a clean swap-cache folio after reclaim: out of the cache, its slot keeps the data. */
function dropFromSwapCache(k: Kernel, off: number): void {
  const swap = k.swap;
  if (!swap) return;
  const h = swap.cache.get(off);
  if (h === undefined) return;
  swap.cache.delete(off);
  k.mem.folioFlags[h] &= ~FolioFlag.SWAPCACHE;
  k.mem.put(h);
  swap.maybeFree(off);
}

/** Split a huge mapping and then its folio, so pages can be reclaimed one by one; false if the folio cannot split. */
function splitForReclaim(k: Kernel, mm: Mm, vpn: number): boolean {
  const st = k.st;
  k.walker.seek(mm, vpn, st);
  if (st.level > 0) {
    if (k.fmt.codec.has(st.lo, st.hi, Attr.SPECIAL)) return false;
    splitHugeLeaf(k, mm, st.slot, st.index, st.level, st.vpn);
    k.walker.seek(mm, vpn, st);
  }
  const pfn = k.fmt.codec.pfn(st.lo, st.hi);
  if (!k.mem.isFolioPage(pfn)) return false;
  const h = k.mem.headOf(pfn);
  // split_folio unmaps the folio and maps its pages back one by one (remap_page): contiguous blocks
  // that mapped it (arm64 contpte) come back unfolded, each page now its own folio.
  for (const e of findMappings(k, h)) {
    if (k.walker.seek(e.mm, e.vpn, st) === Kind.LEAF && st.level === 0 && st.npages > 1) unfoldContig(k, e.mm, st.slot, st.index, 0, st.vpn);
  }
  return k.mem.splitFolio(h);
}

/**
 * MADV_PAGEOUT (madvise_cold_or_pageout_pte_range + reclaim_pages): private
 * anonymous pages mapped only here go to swap (lazily freed clean ones are
 * just dropped); shmem pages leave the page table and their object for swap;
 * clean file pages are dropped from the page cache. Shared or pinned pages,
 * the zero page and special entries stay.
 */
export function pageout(k: Kernel, mm: Mm, vma: Vma, start: number, end: number): void {
  const mem = k.mem;
  if (vma.has(VM.PFNMAP | VM.MIXEDMAP | VM.HUGETLB | VM.LOCKED)) return;
  lruAddDrain(k); // madvise_pageout: lru_add_drain() before the walk
  for (let vpn = start; vpn < end; ) {
    const st = k.st;
    const kind = k.walker.seek(mm, vpn, st);
    if (kind !== Kind.LEAF) {
      vpn = Math.min(end, st.vpn + st.npages);
      continue;
    }
    const page = k.rmap.normalPage(st.lo, st.hi, st.level);
    if (page < 0) {
      vpn = Math.min(end, st.vpn + st.npages);
      continue;
    }
    const h0 = mem.headOf(page);
    if (mem.totalMapcount[h0] > 1 || mem.maybeDmaPinned(h0)) {
      vpn = Math.min(end, st.vpn + st.npages);
      continue; // folio_maybe_mapped_shared / pinned: not reclaimed
    }
    if (mem.order[h0] > 0 && !k.thpSwap) {
      // thp_swpout_fallback: split the mapping and the folio first.
      if (!splitForReclaim(k, mm, vpn)) {
        vpn = Math.min(end, st.vpn + st.npages);
        continue;
      }
      continue;
    }
    reclaimPage(k, mm, vma, vpn);
    vpn++;
  }
}

function reclaimPage(k: Kernel, mm: Mm, vma: Vma, vpn: number): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  const st = k.st;
  k.walker.seek(mm, vpn, st);
  const { slot, index, lo, hi } = st;
  const pfn = c.pfn(lo, hi);
  const h = mem.headOf(pfn);
  const a = c.attrs(lo, hi);
  const f = mem.folioFlags[h];
  const dirty = (a & Attr.DIRTY) !== 0 || (f & FolioFlag.DIRTY) !== 0;
  if ((f & FolioFlag.ANON) !== 0) {
    if ((f & FolioFlag.SWAPBACKED) === 0 && !dirty) {
      // A lazily freed clean page is simply discarded.
      k.walker.set(mm, k.rmap, slot, index, 0, vpn, 0, 0);
      return;
    }
    const swap = k.swap;
    if (!swap) return;
    // add_to_swap only for folios not in the swap cache yet; a cached folio goes back to its own slot.
    const cached = (f & FolioFlag.SWAPCACHE) !== 0 ? slotOfCached(k, h) : -1;
    const off = cached >= 0 ? cached : swap.alloc(mem.content[pfn]);
    if (cached >= 0) swap.content.set(off, mem.content[pfn]);
    const flags = ((mem.pageFlags[pfn] & PageFlag.ANON_EXCLUSIVE) !== 0 ? SwpFlag.EXCLUSIVE : 0) |
      ((a & Attr.UFFD_WP) !== 0 ? SwpFlag.UFFD_WP : 0) | ((a & Attr.SOFT_DIRTY) !== 0 ? SwpFlag.SOFT_DIRTY : 0);
    const e = c.swap(swap.type, off, flags);
    k.walker.set(mm, k.rmap, slot, index, 0, vpn, e.lo, e.hi);
    if (cached >= 0 && mem.totalMapcount[h] === 0) dropFromSwapCache(k, off);
    return;
  }
  const obj = vma.object;
  if (!obj) return;
  const idx = mem.index[h];
  if (obj.shmem) {
    const swap = k.swap;
    if (!swap) return;
    // shmem_writeout: the PTE goes (a uffd-wp one leaves a marker: pte_install_uffd_wp_if_needed),
    // the page's place in the object becomes a swap slot.
    const m = vma.has(VM.UFFD_WP) && (a & Attr.UFFD_WP) !== 0 ? makeMarker(c, MARKER.UFFD_WP) : { lo: 0, hi: 0 };
    k.walker.set(mm, k.rmap, slot, index, 0, vpn, m.lo, m.hi);
    const off = swap.alloc(mem.content[pfn]);
    swap.dup(off);
    obj.swapped.set(idx, off);
    obj.cache.delete(idx);
    mem.put(h);
    return;
  }
  if (dirty) return; // dirty file pages need writeback first; the model does not write back
  const fm = vma.has(VM.UFFD_WP) && (a & Attr.UFFD_WP) !== 0 ? makeMarker(c, MARKER.UFFD_WP) : { lo: 0, hi: 0 };
  k.walker.set(mm, k.rmap, slot, index, 0, vpn, fm.lo, fm.hi);
  if (obj.cache.get(idx) === h && mem.totalMapcount[h] === 0) {
    obj.cache.delete(idx);
    mem.put(h);
  }
}

/** shmem_swapin_folio: a shmem page that was swapped out comes back into the object's page cache. */
export function shmemSwapIn(k: Kernel, obj: { swapped: Map<number, number>; cache: Map<number, number>; id: number }, index: number): number | undefined {
  const off = obj.swapped.get(index);
  const swap = k.swap;
  if (off === undefined || !swap) return undefined;
  const h = k.mem.allocFolio(0, FolioFlag.SWAPBACKED | FolioFlag.UPTODATE | FolioFlag.LRU | FolioFlag.DIRTY);
  k.mem.content[h] = swap.content.get(off) ?? 0;
  k.mem.owner[h] = obj.id;
  k.mem.index[h] = index;
  k.mem.get(h);
  obj.cache.set(index, h);
  obj.swapped.delete(index);
  swap.put(off);
  return h;
}

/**
 * MADV_FREE (madvise_free_single_vma + madvise_free_pte_range): anonymous
 * pages mapped only here become clean and old and are queued for lazy freeing
 * (folio_mark_lazyfree: they lose SWAPBACKED when the per-CPU batch is
 * drained, src/mm/lru.ts); swap entries in the range are freed; a large folio
 * only partly covered is split first.
 */
export function madvFree(k: Kernel, mm: Mm, vma: Vma, start: number, end: number): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  if (!vma.isAnonymous || vma.isShared) fail('EINVAL', 'MADV_FREE needs private anonymous memory');
  lruAddDrain(k); // madvise_free_single_vma drains this CPU's batches before the walk
  for (let vpn = start; vpn < end; ) {
    const st = k.st;
    const kind = k.walker.seek(mm, vpn, st);
    if (kind === Kind.SWAP) {
      const leaf = decodeSoftleaf(c, st.lo, st.hi, st.level, sl);
      if (leaf.kind === Leaf.SWAP) {
        k.walker.set(mm, k.rmap, st.slot, st.index, st.level, st.vpn, 0, 0);
        if (k.swap) freeSwapCache(k, leaf.offset);
      }
      vpn = st.vpn + st.npages;
      continue;
    }
    if (kind !== Kind.LEAF) {
      vpn = Math.min(end, st.vpn + st.npages);
      continue;
    }
    const page = k.rmap.normalPage(st.lo, st.hi, st.level);
    if (page < 0) {
      vpn = st.vpn + st.npages;
      continue;
    }
    const h = mem.headOf(page);
    // madvise_free_pte_range: folio_free_swap first; a folio whose slot is still used elsewhere is skipped.
    if ((mem.folioFlags[h] & FolioFlag.SWAPCACHE) !== 0 && !tryFreeSwapCache(k, h)) {
      vpn = st.vpn + st.npages;
      continue;
    }
    k.walker.seek(mm, vpn, st);
    if (mem.totalMapcount[h] !== (mem.order[h] > 0 && st.level === 0 ? countMapped(k, mm, h, st.vpn) : 1)) {
      vpn = st.vpn + st.npages;
      continue; // mapped elsewhere too
    }
    const n = mem.nrPages(h);
    const folioStart = st.vpn - (page - h);
    if (n > 1 && (folioStart < start || folioStart + n > end)) {
      // Part of a large folio: split it (thp_split_page).
      if (!splitForReclaim(k, mm, vpn)) {
        vpn = st.vpn + st.npages;
        continue;
      }
      continue;
    }
    const per = k.fmt.pagesPerEntry[st.level];
    const entries = st.npages / per;
    const { slot, index } = st;
    for (let i = 0; i < entries; i++) {
      const elo = k.walker.lo(slot, index + i);
      const ehi = k.walker.hi(slot, index + i);
      const a = c.attrs(elo, ehi);
      const e = c.leaf(c.pfnAt(elo, ehi, st.vpn + i * per), a & ~(Attr.DIRTY | Attr.YOUNG), st.level);
      k.walker.set(mm, k.rmap, slot, index + i, st.level, st.vpn + i * per, e.lo, e.hi);
    }
    mem.folioFlags[h] &= ~FolioFlag.DIRTY;
    folioMarkLazyfree(k, h);
    vpn = st.vpn + st.npages;
  }
}

function countMapped(k: Kernel, mm: Mm, h: number, around: number): number {
  const n = k.mem.nrPages(h);
  const st = k.st;
  const start = around - (around % n);
  let count = 0;
  for (let v = start; v < start + n; v++) {
    if (k.walker.seek(mm, v, st) !== Kind.LEAF || st.level !== 0) continue;
    const pfn = k.fmt.codec.pfn(st.lo, st.hi);
    if (k.mem.isFolioPage(pfn) && k.mem.headOf(pfn) === h) count++;
  }
  k.walker.seek(mm, around, st);
  return count;
}
