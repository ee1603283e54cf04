// Contiguous groups of entries: unfolding one so part of it can change (every
// format with groups), and arm64's transparent contiguous PTEs.
//
// Transparent contiguous PTEs (arm64 CONFIG_ARM64_CONTPTE, arch/arm64/mm/
// contpte.c, arch/arm64/include/asm/pgtable.h): when the PTEs of a naturally
// aligned block (16 x 4K, 128 x 16K, 32 x 64K) all map consecutive pages of
// ONE large folio with the same permissions, the architecture sets the
// contiguous bit in all of them by itself (contpte_set_ptes for a batch,
// contpte_try_fold when the block's last entry is written), gathering the
// access and dirty bits. Changing part of such a block unfolds it first
// (contpte_try_unfold: unfoldContig below). Core mm never asks for it;
// the model calls tryFold where Linux's set_ptes/set_pte_at would.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag } from '../mem/phys.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';

/** Entries of a contpte block on this format, 0 when the architecture does not fold. */
export function contptePages(k: Kernel): number {
  return k.fmt.spec.contpte ? k.fmt.contEntries[0] : 0;
}

/**
 * contpte_try_fold for the entry at (slot, index) just written for `vpn`:
 * fold its block when it is the block's last entry (virtually and
 * physically) and the block qualifies (__contpte_try_fold).
 */
export function tryFold(k: Kernel, mm: Mm, slot: number, index: number, vpn: number): void {
  const n = contptePages(k);
  if (n === 0 || vpn % n !== n - 1 || index % n !== n - 1) return;
  const c = k.fmt.codec;
  const w = k.walker;
  const mem = k.mem;
  const lo = w.lo(slot, index);
  const hi = w.hi(slot, index);
  if (c.kind(lo, hi, 0) !== Kind.LEAF) return;
  const a = c.attrs(lo, hi);
  // Only valid, non-special, not yet contiguous entries (no folio behind special ones).
  if ((a & Attr.VALID) === 0 || (a & (Attr.SPECIAL | Attr.CONT)) !== 0) return;
  const pfn = c.pfn(lo, hi);
  if (pfn % n !== n - 1 || !mem.isFolioPage(pfn)) return;
  const h = mem.headOf(pfn);
  if ((mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0) return;
  // The folio must cover the whole block.
  const blockVpn = vpn - (n - 1);
  const folioVpn = vpn - (pfn - h);
  if (folioVpn > blockVpn || folioVpn + mem.nrPages(h) < blockVpn + n) return;
  // The model keeps every leaf inside one VMA (the kernel does not check; blocks across VMAs
  // with identical PTEs are rare there): a block across a VMA boundary is not folded.
  const vma = mm.vmaAt(blockVpn);
  if (!vma || vma.end < blockVpn + n) return;
  const first = index - (n - 1);
  const base = pfn - (n - 1);
  const loose = Attr.YOUNG | Attr.DIRTY;
  let gathered = 0;
  for (let i = 0; i < n; i++) {
    const elo = w.lo(slot, first + i);
    const ehi = w.hi(slot, first + i);
    if (c.kind(elo, ehi, 0) !== Kind.LEAF || c.pfn(elo, ehi) !== base + i) return;
    const ea = c.attrs(elo, ehi);
    if ((ea & ~loose) !== (a & ~loose)) return;
    gathered |= ea & loose;
  }
  // contpte_convert: every entry gets the contiguous bit and the block's access/dirty bits.
  const na = (a & ~loose) | gathered | Attr.CONT;
  for (let i = 0; i < n; i++) {
    const e = c.leaf(base + i, na, 0);
    w.set(mm, k.rmap, slot, first + i, 0, blockVpn + i, e.lo, e.hi);
  }
}

/** contpte_try_fold for every block whose last entry lies in [start, end) (a range of PTEs rewritten one by one). */
export function foldLastEntries(k: Kernel, mm: Mm, start: number, end: number): void {
  const n = contptePages(k);
  if (n === 0) return;
  const st = k.st;
  for (let last = start + ((n - 1 - (start % n)) % n); last < end; last += n) {
    if (k.walker.seek(mm, last, st) !== Kind.LEAF || st.level !== 0 || st.npages !== 1) continue;
    tryFold(k, mm, st.slot, st.index, last);
  }
}

/** contpte_set_ptes after a batch of [vpn, vpn + npages): fold every block the batch covers whole. */
export function foldRange(k: Kernel, mm: Mm, vpn: number, npages: number): void {
  const n = contptePages(k);
  if (n !== 0) foldLastEntries(k, mm, Math.ceil(vpn / n) * n, vpn + npages);
}

/** Rewrite a contiguous group as independent entries (arm64 contpte unfold) so part of it can change. */
export function unfoldContig(k: Kernel, mm: Mm, slot: number, index: number, level: number, vpn: number): void {
  const w = k.walker;
  const c = k.fmt.codec;
  const n = w.groupOf(w.lo(slot, index), w.hi(slot, index), level);
  if (n === 0) throw new Error(`unfold: entry ${index} at ${k.fmt.levelNames[level]} is not a contiguous group`);
  for (let i = 0; i < n; i++) {
    const lo = w.lo(slot, index + i);
    const hi = w.hi(slot, index + i);
    const e = c.leaf(c.pfnAt(lo, hi, vpn + i * k.fmt.pagesPerEntry[level]), c.attrs(lo, hi) & ~(Attr.CONT | Attr.HUGE), level);
    w.set(mm, k.rmap, slot, index + i, level, vpn + i * k.fmt.pagesPerEntry[level], e.lo, e.hi);
  }
}
