// arm64 stage-1 page tables with the Linux layout of user entries.
// arch/arm64/include/asm/pgtable-hwdef.h (descriptor types, AF, AP, CONT, UXN),
// arch/arm64/include/asm/pgtable-prot.h (software bits: DBM as PTE_WRITE,
// PTE_DIRTY 55, PTE_SPECIAL 56, PTE_UFFD_WP 58, PTE_PRESENT_INVALID = nG when
// !VALID), arch/arm64/include/asm/pgtable.h (swap layout: type 6-10, offset 12-61).
// Geometry: Documentation/arch/arm64/memory.rst and hugetlbpage.rst.
import { bit, bits, NO_BITS, type Mask64 } from './bits.js';
import type { CodecSpec, FormatSpec, LevelSpec } from './format.js';

export const ARM64 = {
  VALID: 0,
  /** Descriptor bit 1: table (levels 0-2) or page (level 3); clear = block. */
  TABLE_OR_PAGE: 1,
  USER: 6, // AP[1]
  RDONLY: 7, // AP[2]
  SH0: 8,
  SH1: 9,
  AF: 10,
  NG: 11, // also PTE_PRESENT_INVALID when !VALID
  DBM: 51, // PTE_WRITE
  CONT: 52,
  PXN: 53,
  UXN: 54,
  DIRTY: 55,
  SPECIAL: 56,
  UFFD_WP: 58,
} as const;

function codec(nlevels: number, pageShift: number, pfnBits: number): CodecSpec {
  const levels = Array.from({ length: nlevels }, (_, l) => l);
  // Every user leaf: inner shareable, nG, PXN (user pages are never kernel-executable).
  const common: Mask64 = bits(ARM64.SH0, ARM64.SH1, ARM64.NG, ARM64.PXN);
  return {
    pfnShift: pageShift,
    pfnBits,
    presentMask: levels.map(() => bits(ARM64.VALID, ARM64.NG)),
    leafTest: levels.map((l) => (l === 0 ? { mask: NO_BITS, value: NO_BITS } : { mask: bit(ARM64.TABLE_OR_PAGE), value: NO_BITS })),
    leafBits: levels.map((l) => (l === 0 ? bits(common, ARM64.TABLE_OR_PAGE) : common)),
    tableBits: bits(ARM64.VALID, ARM64.TABLE_OR_PAGE),
    attrs: {
      VALID: { set: bit(ARM64.VALID) },
      // pte_write = PTE_WRITE (DBM); AP[2] is the hwDirty rule below.
      WRITE: { set: bit(ARM64.DBM) },
      USER: { set: bit(ARM64.USER) },
      YOUNG: { set: bit(ARM64.AF) },
      DIRTY: { set: bit(ARM64.DIRTY) },
      SPECIAL: { set: bit(ARM64.SPECIAL) },
      UFFD_WP: { set: bit(ARM64.UFFD_WP) },
      NX: { set: bit(ARM64.UXN) },
      PROTNONE: { set: bit(ARM64.NG), when: 'invalid' },
      CONT: { set: bit(ARM64.CONT) },
    },
    invertNonPresentPfn: false,
    swap: {
      typeShift: 6,
      typeBits: 5,
      offsetShift: 12,
      offsetBits: 50,
      offsetInverted: false,
      exclusive: bit(2),
      uffdWp: bit(3),
      softDirty: NO_BITS, // arm64 has no soft-dirty
    },
    noneIgnore: NO_BITS,
    // PTE_RDONLY unless writable and dirty (pte_mkwrite_novma/pte_mkclean/pte_mkdirty).
    hwDirty: { bits: bit(ARM64.RDONLY) },
  };
}

/** arm64 with a 4K granule and 48-bit VA: 4 levels; cont-PTE 64K, cont-PMD 32M. */
export const arm64_4k: FormatSpec = {
  name: 'arm64-4k',
  description: 'arm64, 4K granule, 48-bit VA, 4 levels (cont-PTE 16 x 4K, cont-PMD 16 x 2M)',
  levels: [
    { name: 'pte', shift: 12, bits: 9, leaf: true, cont: [{ entries: 16 }] },
    { name: 'pmd', shift: 21, bits: 9, leaf: true, cont: [{ entries: 16 }] },
    { name: 'pud', shift: 30, bits: 9, leaf: true },
    { name: 'pgd', shift: 39, bits: 9, leaf: false },
  ] satisfies LevelSpec[],
  userVaBits: 48,
  codec: codec(4, 12, 36),
  pmdLevel: 1,
  contpte: true,
};

/** arm64 with a 16K granule and 47-bit VA: 3 levels; cont-PTE 2M, cont-PMD 1G. */
export const arm64_16k: FormatSpec = {
  name: 'arm64-16k',
  description: 'arm64, 16K granule, 47-bit VA, 3 levels (cont-PTE 128 x 16K, cont-PMD 32 x 32M)',
  levels: [
    { name: 'pte', shift: 14, bits: 11, leaf: true, cont: [{ entries: 128 }] },
    { name: 'pmd', shift: 25, bits: 11, leaf: true, cont: [{ entries: 32 }] },
    { name: 'pgd', shift: 36, bits: 11, leaf: false },
  ],
  userVaBits: 47,
  codec: codec(3, 14, 34),
  pmdLevel: 1,
  contpte: true,
};

/** arm64 with a 64K granule and 48-bit VA: 3 levels; cont-PTE 2M, 512M blocks, cont-PMD 16G. */
export const arm64_64k: FormatSpec = {
  name: 'arm64-64k',
  description: 'arm64, 64K granule, 48-bit VA, 3 levels (cont-PTE 32 x 64K, PMD 512M, cont-PMD 32 x 512M)',
  levels: [
    { name: 'pte', shift: 16, bits: 13, leaf: true, cont: [{ entries: 32 }] },
    { name: 'pmd', shift: 29, bits: 13, leaf: true, cont: [{ entries: 32 }] },
    { name: 'pgd', shift: 42, bits: 6, leaf: false },
  ],
  userVaBits: 48,
  codec: codec(3, 16, 32),
  pmdLevel: 1,
  contpte: true,
};
