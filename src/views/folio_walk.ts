// folio_walk_start() / folio_walk_end() (mm/pagewalk.c): the folio mapped at
// one address, found by one seek of the walker at whatever level the leaf
// is (PTE, PMD, PUD, a contiguous group, hugetlb included).
import { Kind } from '../arch/index.js';
import type { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { VM, type Vma } from '../mm/vma.js';
import { vmNormalPage } from './normal_page.js';

/** folio_walk_flags_t */
export const FW = {
  /** Also report folios behind migration entries (PTE and PMD level). */
  MIGRATION: 1 << 0,
  /** Also report the shared zero page and the huge zero folio (with page = -1). */
  ZEROPAGE: 1 << 1,
} as const;

export interface FolioWalk {
  /** Head pfn of the folio (for the zero pages: the zero frame). */
  folio: number;
  /** The exact page for the address, or -1 for zero pages and migration entries. */
  page: number;
  /** Level of the entry (0 = FW_LEVEL_PTE, then PMD, PUD). */
  level: number;
  /** The entry that was read. */
  lo: number;
  hi: number;
  /** Held until folioWalkEnd: the hugetlb VMA lock (vma_pgtable_walk_begin). */
  vma: Vma;
}

/** The folio mapped at vpn, or null ("not found" also covers "not suitable"). Call folioWalkEnd after. */
export function folioWalkStart(k: Kernel, mm: Mm, vma: Vma, vpn: number, flags: number): FolioWalk | null {
  if (vpn < vma.start || vpn >= vma.end) return null;
  const hugetlb = vma.has(VM.HUGETLB);
  if (hugetlb) vma.hugeLock.readLock();
  const done = (r: FolioWalk | null): FolioWalk | null => {
    if (!r && hugetlb) vma.hugeLock.readUnlock();
    return r;
  };
  const st = k.st;
  const kind = k.walker.seek(mm, vpn, st);
  const level = st.level;
  const { lo, hi } = st;
  if (kind === Kind.LEAF) {
    const page = vmNormalPage(k, vma, vpn, lo, hi, level);
    if (page >= 0) {
      const exact = page + (vpn - st.vpn);
      return done({ folio: k.mem.headOf(exact), page: exact, level, lo, hi, vma });
    }
    const pfn = k.fmt.codec.pfn(lo, hi);
    if ((flags & FW.ZEROPAGE) !== 0 && ((level === 0 && pfn === k.mem.zeroPfn) || (level === 1 && pfn === k.hugeZeroPfn))) {
      return done({ folio: pfn, page: -1, level, lo, hi, vma });
    }
    return done(null);
  }
  // Migration entries (FW_MIGRATION) come with the non-present-entries issue; swap and markers are never found.
  return done(null);
}

export function folioWalkEnd(fw: FolioWalk): void {
  if (fw.vma.has(VM.HUGETLB)) fw.vma.hugeLock.readUnlock();
}
