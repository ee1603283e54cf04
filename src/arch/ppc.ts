// PowerPC page tables: the 8xx (32-bit, 2 levels) and book3s64 (radix and
// hash MMU; one Linux page-table format for both, read by the radix MMU and
// by the hash-table refill code).
//
// ppc-8xx: arch/powerpc/include/asm/nohash/32/pte-8xx.h (v6.11+ layout:
// _PAGE_PRESENT 0x001, _PAGE_NO_CACHE 0x002, _PAGE_SH 0x004, _PAGE_SPS 0x008,
// _PAGE_GUARDED 0x010, _PAGE_ACCESSED 0x020, _PAGE_EXEC 0x040, _PAGE_SPECIAL
// 0x080, _PAGE_DIRTY 0x100, _PAGE_NA 0x200, _PAGE_RO 0x600, _PAGE_HUGE 0x800;
// _PMD_PRESENT 0x001, _PMD_PAGE_MASK 0x00c, _PMD_PAGE_8M 0x00c,
// _PMD_PAGE_512K 0x004, _PMD_ACCESSED 0x020, _PMD_USER 0x040, _PMD_BAD
// 0x0f90; pte_write = !(pte & _PAGE_RO); PAGE_NONE = _PAGE_BASE | _PAGE_NA;
// __pte_leaf_size: PMD 8M flag -> 8M, _PAGE_HUGE -> 512K, _PAGE_SPS -> 16K),
// arch/powerpc/include/asm/nohash/32/pgtable.h (PGDIR_SHIFT = PAGE_SHIFT +
// PTE_INDEX_SIZE = 22, 1024 x 4-byte PTEs, PTE_RPN_SHIFT = PAGE_SHIFT; swap
// PTE = swp_entry << 3: type bits 3-7, offset 8-31, _PAGE_SWP_EXCLUSIVE
// 0x000004), arch/powerpc/Kconfig (TASK_SIZE 0x80000000 on 8xx).
// 16K pages are 4 PTEs with _PAGE_SPS, 512K pages 128 PTEs with _PAGE_SPS |
// _PAGE_HUGE, the address advancing 4K per entry (__pte_update: `new +=
// PAGE_SIZE`); 8M pages are two PMD entries flagged _PMD_PAGE_8M, each
// pointing to a PTE table of 1024 such entries (pte_update/ptep_is_8m_pmdp).
//
// book3s64: arch/powerpc/include/asm/book3s/64/pgtable.h (_PAGE_EXEC 0x1,
// _PAGE_WRITE 0x2, _PAGE_READ 0x4, _PAGE_PRIVILEGED 0x8, _PAGE_NON_IDEMPOTENT
// 0x20, _PAGE_DIRTY 0x80, _PAGE_ACCESSED 0x100, _PAGE_SOFT_DIRTY = _RPAGE_SW3
// 0x200, _PAGE_SPECIAL = _RPAGE_SW2 0x400, _PAGE_INVALID = _RPAGE_SW0 bit 61,
// _PAGE_PTE bit 62, _PAGE_PRESENT bit 63, PTE_RPN_MASK = bits
// [PAGE_SHIFT, _PAGE_PA_MAX = 53); pfn_pte sets _PAGE_PTE; PAGE_NONE =
// _PAGE_BASE | _PAGE_PRIVILEGED; pte_user = !_PAGE_PRIVILEGED; pte_present =
// PRESENT|PTE or INVALID|PTE; swap: type bits 0-4, offset in the RPN field,
// _PAGE_SWP_SOFT_DIRTY = _PAGE_SOFT_DIRTY, _PAGE_SWP_EXCLUSIVE =
// _PAGE_NON_IDEMPOTENT), radix.h (RADIX_P?D_VAL_BITS = bit 63 | next level's
// index size: the NLS field; RADIX_PTE_NONE_MASK = DIRTY | ACCESSED),
// radix-4k.h (index sizes 9/9/9/13), radix-64k.h (5/9/9/13), hash-64k.h
// (8/10/10/8), hash.h (HASH_P?D_VAL_BITS = bit 63), task_size_64.h
// (TASK_SIZE_USER64: 64TB with 4K pages, 4PB with 64K pages on book3s).
// Entries live big-endian in memory (pte_raw); the model stores pte_val.
//
// 8xx PAGE_NONE is PRESENT | ACCESSED | NA: PROTNONE decodes with an exact
// match on the PP field (NA = 0x200 of 0x600; RO is 0x600). 16K/512K pages are
// two group sizes of the PTE level, 8M pages flagged tables (format.ts).
// Model deviation (docs/architectures.md): hash THP PMDs lack H_PAGE_THP_HUGE.
import { bit, bits, NO_BITS, type Mask64 } from './bits.js';
import { Attr, type AttrBits, type CodecSpec, type FormatSpec, type LevelSpec } from './format.js';

const v = (n: number): Mask64 => ({ lo: n >>> 0, hi: 0 });

/** 8xx PTE and PMD bits (values, not bit numbers). */
export const PPC8XX = {
  PRESENT: 0x001,
  NO_CACHE: 0x002,
  SH: 0x004,
  SPS: 0x008,
  GUARDED: 0x010,
  ACCESSED: 0x020,
  EXEC: 0x040,
  SPECIAL: 0x080,
  DIRTY: 0x100,
  NA: 0x200,
  RO: 0x600,
  HUGE: 0x800,
  PMD_PRESENT: 0x001,
  PMD_PAGE_MASK: 0x00c,
  PMD_PAGE_8M: 0x00c,
  PMD_PAGE_512K: 0x004,
  PMD_ACCESSED: 0x020,
  PMD_USER: 0x040,
  PMD_BAD: 0x0f90,
  SWP_EXCLUSIVE: 0x004,
} as const;

/** book3s64 bit numbers. */
export const B3S = {
  EXEC: 0,
  WRITE: 1,
  READ: 2,
  PRIVILEGED: 3,
  SAO: 4,
  NON_IDEMPOTENT: 5,
  DIRTY: 7,
  ACCESSED: 8,
  SOFT_DIRTY: 9, // _RPAGE_SW3
  SPECIAL: 10, // _RPAGE_SW2
  SW1: 11,
  /** hash-64k H_PAGE_COMBO / H_PAGE_4K_PFN (= H_PAGE_THP_HUGE): _RPAGE_RPN0/1. */
  RPN0: 12,
  RPN1: 13,
  /** _PAGE_INVALID = _RPAGE_SW0: a PMD/PTE being invalidated, still present. */
  INVALID: 61,
  PTE: 62,
  PRESENT: 63,
  PA_MAX: 53,
} as const;

/** NX as "EXEC clear" when the codec decodes clear-only attributes. */
function nxClear(clearOnly: boolean, execBit: Mask64): { NX: AttrBits } | Record<string, never> {
  return clearOnly ? { NX: { set: NO_BITS, clear: execBit, when: 'valid' } } : {};
}

// ------------------------------------------------------------------ 8xx

/**
 * The 8xx format. pte_write() is "RO bits clear", so the format needs a codec
 * that decodes clear-only attributes; index.ts registers it only then.
 */
export function ppc8xxSpec(clearOnly: boolean): FormatSpec {
  const P = PPC8XX;
  const c: CodecSpec = {
    pfnShift: 12,
    pfnBits: 20, // PTE_RPN_SHIFT = PAGE_SHIFT, 32-bit physical addresses
    // pte_present = _PAGE_PRESENT (PAGE_NONE keeps it);
    // pmd_present = _PMD_PRESENT.
    presentMask: [v(P.PRESENT), v(P.PMD_PRESENT)],
    // No leaves in the PGD: every page size goes through a PTE table.
    leafTest: [
      { mask: NO_BITS, value: NO_BITS },
      { mask: NO_BITS, value: bit(0) },
    ],
    leafBits: [NO_BITS, NO_BITS],
    // pmd_populate for user tables: __pa(pte) | _PMD_USER | _PMD_PRESENT
    tableBits: v(P.PMD_PRESENT | P.PMD_USER),
    attrs: {
      VALID: { set: v(P.PRESENT) },
      // pte_write = !(pte & _PAGE_RO); pte_wrprotect sets _PAGE_RO. PAGE_NONE's PP field is NA, not RO.
      WRITE: { set: NO_BITS, clear: v(P.RO), when: 'valid' },
      // No user bit in 8xx PTEs (user/kernel is _PMD_USER in the PMD, kernel
      // PTEs carry _PAGE_SH): every present user PTE is a user page.
      USER: { set: v(P.PRESENT) },
      YOUNG: { set: v(P.ACCESSED) },
      DIRTY: { set: v(P.DIRTY) },
      SPECIAL: { set: v(P.SPECIAL) },
      PCD: { set: v(P.NO_CACHE) },
      // PAGE_NONE = _PAGE_BASE | _PAGE_NA: present (to the MMU too), PP = NA, no user access.
      PROTNONE: { set: v(P.PRESENT | P.NA), exact: v(P.PRESENT | P.RO) },
      CONT: { set: v(P.SPS) },
      HUGE: { set: v(P.HUGE) },
      ...nxClear(clearOnly, v(P.EXEC)),
    },
    invertNonPresentPfn: false,
    swap: {
      typeShift: 3,
      typeBits: 5,
      offsetShift: 8,
      offsetBits: 24,
      offsetInverted: false,
      exclusive: v(P.SWP_EXCLUSIVE),
      uffdWp: NO_BITS,
      softDirty: NO_BITS,
    },
    noneIgnore: NO_BITS, // _PTE_NONE_MASK 0
  };
  return {
    name: 'ppc-8xx',
    description: 'PowerPC 8xx: 2 levels of 32-bit entries (4K pages, 4M per PGD entry, 31-bit user space); 16K = 4 SPS PTEs, 512K = 128 SPS|HUGE PTEs, 8M = 2 flagged PGD entries over full PTE tables',
    levels: [
      {
        name: 'pte', shift: 12, bits: 10, leaf: true,
        // arch_make_huge_pte: 16K gets _PAGE_SPS, larger pages _PAGE_SPS | _PAGE_HUGE.
        cont: [{ entries: 4, attrs: Attr.CONT }, { entries: 128, attrs: Attr.CONT | Attr.HUGE }],
      },
      {
        name: 'pgd', shift: 22, bits: 10, leaf: false,
        // v6.11+: both PMDs of an 8M page are flagged _PMD_PAGE_8M over PTE tables of pte_mkhuge entries.
        tableLeaf: { entries: 2, flag: { mask: v(P.PMD_PAGE_MASK), value: v(P.PMD_PAGE_8M) }, attrs: Attr.CONT | Attr.HUGE },
      },
    ],
    entryBytes: 4,
    userVaBits: 31,
    codec: c,
    pmdLevel: 1,
  };
}

// ------------------------------------------------------------- book3s64

function book3sCodec(nlevels: number, pageShift: number, mmu: 'radix' | 'hash', idx: readonly number[], clearOnly: boolean): CodecSpec {
  const levels = Array.from({ length: nlevels }, (_, l) => l);
  const B = B3S;
  return {
    pfnShift: pageShift,
    pfnBits: B.PA_MAX - pageShift, // PTE_RPN_MASK
    // pte_present / pmd_present: PRESENT, or INVALID while being invalidated; pud_present: PRESENT.
    presentMask: levels.map((l) => (l <= 1 ? bits(B.PRESENT, B.INVALID) : bit(B.PRESENT))),
    // *_leaf = _PAGE_PTE (radix__pmd_trans_huge, pmd_leaf, pud_leaf).
    leafTest: levels.map((l) => (l === 0 ? { mask: NO_BITS, value: NO_BITS } : { mask: bit(B.PTE), value: bit(B.PTE) })),
    // pfn_pte() always sets _PAGE_PTE.
    leafBits: levels.map(() => bit(B.PTE)),
    // RADIX_PMD_VAL_BITS = bit 63 | RADIX_PTE_INDEX_SIZE, RADIX_PUD_VAL_BITS =
    // bit 63 | RADIX_PMD_INDEX_SIZE, RADIX_PGD_VAL_BITS = bit 63 |
    // RADIX_PUD_INDEX_SIZE: the NLS field is the next level's index size.
    // HASH_P?D_VAL_BITS = bit 63.
    tableBits: levels.map((l) => (mmu === 'radix' && l > 0 ? { lo: idx[l - 1], hi: bit(B.PRESENT).hi } : bit(B.PRESENT))),
    attrs: {
      VALID: { set: bit(B.PRESENT) },
      WRITE: { set: bit(B.WRITE) },
      // User pages carry _PAGE_READ (PAGE_SHARED/COPY/READONLY[_X]);
      // pte_user = !_PAGE_PRIVILEGED, which PAGE_NONE sets.
      USER: { set: bit(B.READ), clear: bit(B.PRIVILEGED) },
      YOUNG: { set: bit(B.ACCESSED) },
      DIRTY: { set: bit(B.DIRTY) },
      SPECIAL: { set: bit(B.SPECIAL) },
      SOFT_DIRTY: { set: bit(B.SOFT_DIRTY) },
      // PAGE_NONE = PRESENT | ACCESSED | PRIVILEGED, no RWX: present to the
      // MMU but kernel-only, as pte_protnone() reads it.
      PROTNONE: { set: bits(B.PRESENT, B.PRIVILEGED) },
      ...nxClear(clearOnly, bit(B.EXEC)),
    },
    invertNonPresentPfn: false,
    swap: {
      typeShift: 0,
      typeBits: 5,
      offsetShift: pageShift,
      offsetBits: B.PA_MAX - pageShift,
      offsetInverted: false,
      exclusive: bit(B.NON_IDEMPOTENT),
      uffdWp: NO_BITS,
      softDirty: bit(B.SOFT_DIRTY),
      // __swp_entry_to_pte: a swap PTE (or PMD migration entry) carries _PAGE_PTE.
      always: bit(B.PTE),
    },
    noneIgnore: mmu === 'radix' ? bits(B.DIRTY, B.ACCESSED) : NO_BITS,
  };
}

function book3s(name: string, description: string, mmu: 'radix' | 'hash', pageShift: number, idx: [number, number, number, number], userVaBits: number, clearOnly: boolean): FormatSpec {
  const [pte, pmd, pud, pgd] = idx;
  const s1 = pageShift + pte;
  const s2 = s1 + pmd;
  const s3 = s2 + pud;
  const levels: LevelSpec[] = [
    { name: 'pte', shift: pageShift, bits: pte, leaf: true },
    { name: 'pmd', shift: s1, bits: pmd, leaf: true },
    { name: 'pud', shift: s2, bits: pud, leaf: true },
    { name: 'pgd', shift: s3, bits: pgd, leaf: false },
  ];
  return { name, description, levels, userVaBits, codec: book3sCodec(4, pageShift, mmu, idx, clearOnly), pmdLevel: 1 };
}

export function ppc64Specs(clearOnly: boolean): FormatSpec[] {
  return [
    book3s('ppc64-radix-4k', 'POWER9+ radix MMU, 4K pages: 4 levels 9/9/9/13 (52-bit EA, 46-bit user space); 2M and 1G leaves', 'radix', 12, [9, 9, 9, 13], 46, clearOnly),
    book3s('ppc64-radix-64k', 'POWER9+ radix MMU, 64K pages: 4 levels 5/9/9/13 (52-bit EA, 52-bit user space); 2M and 1G leaves', 'radix', 16, [5, 9, 9, 13], 52, clearOnly),
    book3s('ppc64-hash-64k', 'book3s64 hash MMU, 64K pages: Linux tables 8/10/10/8 (52-bit EA, 52-bit user space); 16M and 16G leaves', 'hash', 16, [8, 10, 10, 8], 52, clearOnly),
  ];
}
