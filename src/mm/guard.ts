// Guard regions (mm/madvise.c madvise_guard_install/remove, 6.13+): PTE
// markers that make an access fail with SIGSEGV without a VMA of their own.
// They survive MADV_DONTNEED and fork, go with munmap, and mark the VMA
// VM_MAYBE_GUARD ("gu" in smaps, 6.18) so that fork copies its page tables.
import { Kind } from '../arch/index.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';
import { Leaf, MARKER, decodeSoftleaf, isMarker, makeMarker, newSoftleaf } from './softleaf.js';
import { VM, VM_SPECIAL, type Vma } from './vma.js';

/** is_valid_guard_vma: not on special, hugetlb or locked mappings. */
function validGuardVma(v: Vma): boolean {
  return !v.has(VM_SPECIAL | VM.HUGETLB | VM.LOCKED);
}

export function guardInstall(k: Kernel, mm: Mm, vmas: Vma[], start: number, end: number): void {
  for (const v of vmas) if (!validGuardVma(v)) fail('EINVAL', 'guard regions are not allowed in this mapping');
  for (const v of vmas) {
    const s = Math.max(start, v.start);
    const e = Math.min(end, v.end);
    v.flags |= VM.MAYBE_GUARD;
    // Zap what is mapped (markers kept), then a guard marker in every entry.
    k.zap(mm, s, e, false);
    const sl = newSoftleaf();
    for (let vpn = s; vpn < e; vpn++) {
      const st = k.st;
      const kind = k.walker.seek(mm, vpn, st, 0, k.rmap);
      if (st.level !== 0) throw new Error('guard install met a huge leaf after zapping');
      let bits = MARKER.GUARD;
      if (kind === Kind.SWAP) {
        const leaf = decodeSoftleaf(k.fmt.codec, st.lo, st.hi, 0, sl);
        if (leaf.kind !== Leaf.MARKER) throw new Error('guard install met a swap entry after zapping');
        bits |= leaf.offset;
      } else if (kind !== Kind.NONE) throw new Error('guard install met a present entry after zapping');
      const m = makeMarker(k.fmt.codec, bits);
      k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, m.lo, m.hi);
    }
  }
}

export function guardRemove(k: Kernel, mm: Mm, vmas: Vma[], start: number, end: number): void {
  for (const v of vmas) if (!validGuardVma(v)) fail('EINVAL', 'guard regions are not allowed in this mapping');
  const sl = newSoftleaf();
  for (const v of vmas) {
    for (let vpn = Math.max(start, v.start); vpn < Math.min(end, v.end); vpn++) {
      const st = k.st;
      if (k.walker.seek(mm, vpn, st) !== Kind.SWAP || st.level !== 0) continue;
      const leaf = decodeSoftleaf(k.fmt.codec, st.lo, st.hi, 0, sl);
      if (!isMarker(leaf, MARKER.GUARD)) continue;
      const rest = leaf.offset & ~MARKER.GUARD;
      const m = rest !== 0 ? makeMarker(k.fmt.codec, rest) : { lo: 0, hi: 0 };
      k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, m.lo, m.hi);
    }
  }
}
