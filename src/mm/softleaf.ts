// Non-present leaf entries ("softleaf", include/linux/swapops.h and
// leafops.h): real swap entries, migration entries and PTE markers, at any
// level. The format's codec stores (type, offset, flags) in its own swap
// layout; this file gives the kernel's vocabulary on top, the same for a
// PTE, a PMD or a PUD: is it swap, which swap entry, is it a migration entry,
// is it a marker, uffd-wp on or off.
import { Kind, SwpFlag, type EntryCodec, type Word2 } from '../arch/index.js';

/**
 * Swap types with the reference config (CONFIG_MIGRATION=y,
 * MEMORY_FAILURE=n, no device-private): 5 type bits, 28 swap files, then
 * three migration types and the PTE marker type (kernel-oracle.md: markers
 * read as type 31).
 */
export const SWP = {
  MAX_SWAPFILES: 28,
  MIGRATION_READ: 28,
  MIGRATION_READ_EXCLUSIVE: 29,
  MIGRATION_WRITE: 30,
  PTE_MARKER: 31,
} as const;

/** PTE marker bits (offset of a SWP_PTE_MARKER entry). */
export const MARKER = {
  UFFD_WP: 1 << 0,
  POISONED: 1 << 1,
  GUARD: 1 << 2,
} as const;

/**
 * Migration entries carry young and dirty just above the pfn
 * (include/linux/swapops.h SWP_MIG_YOUNG_BIT = SWP_PFN_BITS, DIRTY = +1),
 * but only where the swap offset has room for both (mm/swapfile.c:
 * swap_migration_ad_supported, migration_entry_supports_ad); elsewhere they
 * are dropped. SWP_PFN_BITS is the format's pfn width (MAX_PHYSMEM_BITS -
 * PAGE_SHIFT: 40 on x86-64 with 50-bit offsets; 20 on the 8xx with 24).
 * Returns 2^SWP_PFN_BITS, or 0 when A/D is not carried.
 */
export function migYoung(c: EntryCodec): number {
  const bits = c.spec.pfnBits;
  return c.spec.swap.offsetBits >= bits + 2 ? 2 ** bits : 0;
}

export const Leaf = {
  NONE: 0,
  SWAP: 1,
  MIGRATION: 2,
  MARKER: 3,
} as const;

export interface Softleaf {
  kind: number;
  /** Swap type (SWAP), or the migration/marker type. */
  type: number;
  /** Swap offset (SWAP), pfn (MIGRATION), marker bits (MARKER). */
  offset: number;
  /** SwpFlag bits: exclusive, uffd-wp, soft-dirty. */
  flags: number;
  /** MIGRATION: the entry was writable / exclusive; young and dirty carried. */
  writable: boolean;
  exclusive: boolean;
  young: boolean;
  dirty: boolean;
}

export function newSoftleaf(): Softleaf {
  return { kind: Leaf.NONE, type: 0, offset: 0, flags: 0, writable: false, exclusive: false, young: false, dirty: false };
}

/** softleaf_from_pte/pmd/pud: decode a non-present entry at any level. */
export function decodeSoftleaf(c: EntryCodec, lo: number, hi: number, level: number, out: Softleaf): Softleaf {
  out.kind = Leaf.NONE;
  out.type = out.offset = out.flags = 0;
  out.writable = out.exclusive = out.young = out.dirty = false;
  if (c.kind(lo, hi, level) !== Kind.SWAP) return out;
  const type = c.swpType(lo, hi);
  const offset = c.swpOffset(lo, hi);
  out.type = type;
  out.flags = c.swpFlags(lo, hi);
  if (type < SWP.MAX_SWAPFILES) {
    out.kind = Leaf.SWAP;
    out.offset = offset;
    out.exclusive = (out.flags & SwpFlag.EXCLUSIVE) !== 0;
  } else if (type === SWP.PTE_MARKER) {
    out.kind = Leaf.MARKER;
    out.offset = offset;
  } else {
    out.kind = Leaf.MIGRATION;
    const young = migYoung(c);
    out.offset = young === 0 ? offset : offset % young;
    out.young = young !== 0 && Math.floor(offset / young) % 2 === 1;
    out.dirty = young !== 0 && Math.floor(offset / (2 * young)) % 2 === 1;
    out.writable = type === SWP.MIGRATION_WRITE;
    out.exclusive = type !== SWP.MIGRATION_READ;
  }
  return out;
}

/** make_pte_marker: a marker carrying uffd-wp, poison or guard. */
export function makeMarker(c: EntryCodec, bits: number): Word2 {
  return c.swap(SWP.PTE_MARKER, bits, 0);
}

/** make_{readable,readable_exclusive,writable}_migration_entry with young/dirty. */
export function makeMigrationEntry(c: EntryCodec, pfn: number, writable: boolean, exclusive: boolean, young: boolean, dirty: boolean, flags: number): Word2 {
  const type = writable ? SWP.MIGRATION_WRITE : exclusive ? SWP.MIGRATION_READ_EXCLUSIVE : SWP.MIGRATION_READ;
  const y = migYoung(c);
  return c.swap(type, pfn + (young ? y : 0) + (dirty ? 2 * y : 0), flags & ~SwpFlag.EXCLUSIVE);
}

export function isMarker(s: Softleaf, bit: number): boolean {
  return s.kind === Leaf.MARKER && (s.offset & bit) !== 0;
}

/** uffd-wp state of a non-present entry: the swap bit, or a uffd-wp marker (pte_swp_uffd_wp / pte_marker_uffd_wp). */
export function softleafUffdWp(s: Softleaf): boolean {
  return (s.flags & SwpFlag.UFFD_WP) !== 0 || isMarker(s, MARKER.UFFD_WP);
}
