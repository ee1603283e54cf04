// x86-64 page tables with the Linux bit layout.
// arch/x86/include/asm/pgtable_types.h (bits), arch/x86/include/asm/pgtable_64.h
// (swap encoding), arch/x86/include/asm/pgtable.h (pte_present/pmd_present).
// In 4-level mode the p4d is folded into the pgd at run time (PTRS_PER_P4D = 1),
// so it is not a level here; 5-level (LA57) adds it back.
import { bit, bits, NO_BITS } from './bits.js';
import type { CodecSpec, FormatSpec, LevelSpec } from './format.js';

export const X86 = {
  PRESENT: 0,
  RW: 1,
  USER: 2,
  PWT: 3,
  PCD: 4,
  ACCESSED: 5,
  DIRTY: 6,
  /** PSE in PMD/PUD entries (a leaf); PAT in a 4K PTE. */
  PSE: 7,
  /** GLOBAL when PRESENT; PROTNONE when not PRESENT. */
  GLOBAL: 8,
  /** SOFTW1: _PAGE_SPECIAL. */
  SPECIAL: 9,
  /** SOFTW2: _PAGE_UFFD_WP (64-bit). */
  UFFD_WP: 10,
  /** SOFTW3: _PAGE_SOFT_DIRTY. */
  SOFT_DIRTY: 11,
  NX: 63,
} as const;

function codec(nlevels: number): CodecSpec {
  const levels = Array.from({ length: nlevels }, (_, l) => l);
  return {
    pfnShift: 12,
    pfnBits: 40, // PTE_PFN_MASK: bits 12..51
    // pte_present: PRESENT|PROTNONE; pmd_present adds PSE (a PMD being split
    // keeps PSE with PRESENT clear); pud_present tests PRESENT only.
    presentMask: levels.map((l) => (l === 0 ? bits(X86.PRESENT, X86.GLOBAL) : l === 1 ? bits(X86.PRESENT, X86.GLOBAL, X86.PSE) : bit(X86.PRESENT))),
    // PMD and PUD leaves have PSE; PGD/P4D entries are never leaves on x86.
    leafTest: levels.map((l) =>
      l === 0 ? { mask: NO_BITS, value: NO_BITS } : l <= 2 ? { mask: bit(X86.PSE), value: bit(X86.PSE) } : { mask: NO_BITS, value: bit(0) },
    ),
    leafBits: levels.map((l) => (l === 1 || l === 2 ? bit(X86.PSE) : NO_BITS)),
    // _PAGE_TABLE = PRESENT|RW|USER|ACCESSED|DIRTY
    tableBits: bits(X86.PRESENT, X86.RW, X86.USER, X86.ACCESSED, X86.DIRTY),
    attrs: {
      VALID: { set: bit(X86.PRESENT) },
      WRITE: { set: bit(X86.RW) },
      USER: { set: bit(X86.USER) },
      PWT: { set: bit(X86.PWT) },
      PCD: { set: bit(X86.PCD) },
      YOUNG: { set: bit(X86.ACCESSED) },
      DIRTY: { set: bit(X86.DIRTY) },
      GLOBAL: { set: bit(X86.GLOBAL), when: 'valid' },
      PROTNONE: { set: bit(X86.GLOBAL), when: 'invalid' },
      SPECIAL: { set: bit(X86.SPECIAL) },
      UFFD_WP: { set: bit(X86.UFFD_WP) },
      SOFT_DIRTY: { set: bit(X86.SOFT_DIRTY) },
      NX: { set: bit(X86.NX) },
    },
    invertNonPresentPfn: true,
    // Bits 59-63 type, 9-58 inverted offset, 3 exclusive, 2 uffd-wp, 1 soft-dirty;
    // 7 (PSE) and 8 (PROTNONE) stay 0 so that pmd_present() is false.
    swap: {
      typeShift: 59,
      typeBits: 5,
      offsetShift: 9,
      offsetBits: 50,
      offsetInverted: true,
      exclusive: bit(X86.PWT),
      uffdWp: bit(X86.USER),
      softDirty: bit(X86.RW),
    },
    // pte_none ignores A and D (_PAGE_KNL_ERRATUM_MASK).
    noneIgnore: bits(X86.ACCESSED, X86.DIRTY),
  };
}

const PTE: LevelSpec = { name: 'pte', shift: 12, bits: 9, leaf: true };
const PMD: LevelSpec = { name: 'pmd', shift: 21, bits: 9, leaf: true };
const PUD: LevelSpec = { name: 'pud', shift: 30, bits: 9, leaf: true };

export const x86_64: FormatSpec = {
  name: 'x86_64',
  description: 'x86-64, 4-level paging (48-bit VA, 47-bit user space); p4d folded',
  levels: [PTE, PMD, PUD, { name: 'pgd', shift: 39, bits: 9, leaf: false }],
  userVaBits: 47,
  userTopGuardPage: true,
  codec: codec(4),
  pmdLevel: 1,
};

export const x86_64_la57: FormatSpec = {
  name: 'x86_64-la57',
  description: 'x86-64, 5-level paging (LA57: 57-bit VA, 56-bit user space)',
  levels: [PTE, PMD, PUD, { name: 'p4d', shift: 39, bits: 9, leaf: false }, { name: 'pgd', shift: 48, bits: 9, leaf: false }],
  userVaBits: 56,
  userTopGuardPage: true,
  codec: codec(5),
  pmdLevel: 1,
};
