// RISC-V 64 page tables (Sv39, Sv48, Sv57) with the Linux layout of user entries.
//
// Bit layout: arch/riscv/include/asm/pgtable-bits.h (V R W X U G A D, RSW 8-9,
// _PAGE_SPECIAL = bit 8, _PAGE_PROT_NONE = _PAGE_GLOBAL, _PAGE_TABLE =
// _PAGE_PRESENT, _PAGE_LEAF = R|W|X, _PAGE_PFN_SHIFT 10) and
// arch/riscv/include/asm/pgtable-64.h ("| 63 | 62 61 | 60 54 | 53 10 | 9 8 |
// 7 .. 0:  N  MT  RSV  PFN  RSW  D A G U X W R V", _PAGE_PFN_MASK =
// GENMASK(53, 10), _PAGE_NAPOT = BIT(63), NAPOT_CONT64KB_ORDER = 4: only 64K
// NAPOT PTEs). PGDIR_SHIFT_L3/L4/L5 = 30/39/48, PUD_SHIFT 30, PMD_SHIFT 21.
// Present tests: arch/riscv/include/asm/pgtable.h pte_present = PRESENT |
// PROT_NONE; PAGE_NONE = PROT_NONE | READ.
// Swap layout (pgtable.h, "Format of swap PTE"): bit 0 present (zero), 1-3 zero,
// 5 PROT_NONE (zero), 6 exclusive marker (_PAGE_SWP_EXCLUSIVE = _PAGE_ACCESSED),
// 7-11 type, 12+ offset.
// Soft-dirty and uffd-wp need the Svrsw60t59b extension (the RISC-V series
// "riscv: mm: Add soft-dirty / uffd-wp page tracking support", Chunyan Zhang,
// 2025): _PAGE_SOFT_DIRTY = bit 59, _PAGE_UFFD_WP = bit 60 in present PTEs;
// in swap PTEs soft-dirty borrows bit 3 (_PAGE_EXEC) and uffd-wp bit 4
// (_PAGE_USER). The model assumes a CPU with Svrsw60t59b and Svnapot.
//
// Geometry (Documentation/arch/riscv/vm-layout.rst, pgtable-64.h): 512
// entries per level; leaves allowed at every level by the hardware, Linux uses
// PTE (4K), PMD (2M) and PUD (1G) leaves; on Sv39 the PUD is folded into the
// PGD, so the 1G leaf lives in the top level. TASK_SIZE_64 = PGDIR_SIZE *
// PTRS_PER_PGD / 2: 2^38 (Sv39), 2^47 (Sv48), 2^56 (Sv57).
//
// Model deviations (docs/architectures.md):
// - Svnapot: 16 identical PTEs whose PPN[3:0] = 1000b (pte_mknapot), as the
//   hardware wants (CodecSpec.napotPfn); consumers ask the codec for the page
//   an entry of the group maps (pfnAt).
// - Execute permission: _PAGE_EXEC is a positive bit, so "NX" is "X clear";
//   the mask codec decodes an attribute only from bits that are set, so NX is
//   left out (no entry gets X) until the codec learns clear-only attributes
//   (riscvExecBits below switches it on when it has).
import { bit, bits, NO_BITS } from './bits.js';
import type { AttrBits, CodecSpec, FormatSpec, LevelSpec } from './format.js';

export const RISCV = {
  V: 0,
  R: 1,
  W: 2,
  X: 3,
  U: 4,
  G: 5,
  A: 6,
  D: 7,
  /** RSW bit 8: _PAGE_SPECIAL. */
  SPECIAL: 8,
  /** RSW bit 9 (was _PAGE_DEVMAP). */
  RSW9: 9,
  PFN_SHIFT: 10,
  PFN_BITS: 44,
  /** Svrsw60t59b: _PAGE_SOFT_DIRTY. */
  SOFT_DIRTY: 59,
  /** Svrsw60t59b: _PAGE_UFFD_WP. */
  UFFD_WP: 60,
  /** Svpbmt: _PAGE_NOCACHE_SVPBMT (61), _PAGE_IO_SVPBMT (62). */
  PBMT_NC: 61,
  PBMT_IO: 62,
  /** Svnapot: _PAGE_NAPOT. */
  N: 63,
} as const;

/**
 * How the codec can express "executable": with clear-only attribute support
 * NX is "X clear" (pte_exec); without it the format has no NX (see header).
 */
export function riscvNx(clearOnly: boolean): AttrBits | undefined {
  return clearOnly ? { set: NO_BITS, clear: bit(RISCV.X), when: 'valid' } : undefined;
}

function codec(nlevels: number, clearOnly: boolean): CodecSpec {
  const levels = Array.from({ length: nlevels }, (_, l) => l);
  const nx = riscvNx(clearOnly);
  return {
    pfnShift: RISCV.PFN_SHIFT,
    pfnBits: RISCV.PFN_BITS,
    // pte_present / pmd_present: PRESENT | PROT_NONE (PROT_NONE = G when !V).
    presentMask: levels.map(() => bits(RISCV.V, RISCV.G)),
    // A valid entry is a leaf when any of R/W/X is set (_PAGE_LEAF). Every
    // leaf the model writes is readable (PAGE_READ..PAGE_WRITE_EXEC and
    // PAGE_NONE all carry _PAGE_READ), so R alone decides it here; `xlat`
    // applies the full R|W|X rule to images.
    leafTest: levels.map((l) => (l === 0 ? { mask: NO_BITS, value: NO_BITS } : { mask: bit(RISCV.R), value: bit(RISCV.R) })),
    leafBits: levels.map(() => bit(RISCV.R)),
    // _PAGE_TABLE = _PAGE_PRESENT
    tableBits: bit(RISCV.V),
    attrs: {
      VALID: { set: bit(RISCV.V) },
      WRITE: { set: bit(RISCV.W) },
      USER: { set: bit(RISCV.U) },
      YOUNG: { set: bit(RISCV.A) },
      DIRTY: { set: bit(RISCV.D) },
      GLOBAL: { set: bit(RISCV.G), when: 'valid' },
      PROTNONE: { set: bit(RISCV.G), when: 'invalid' },
      SPECIAL: { set: bit(RISCV.SPECIAL) },
      SOFT_DIRTY: { set: bit(RISCV.SOFT_DIRTY) },
      UFFD_WP: { set: bit(RISCV.UFFD_WP) },
      CONT: { set: bit(RISCV.N) },
      ...(nx ? { NX: nx } : {}),
    },
    invertNonPresentPfn: false,
    swap: {
      typeShift: 7,
      typeBits: 5,
      offsetShift: 12,
      offsetBits: 52, // __swp_offset(x) = x >> __SWP_OFFSET_SHIFT: bits 12..63
      offsetInverted: false,
      exclusive: bit(RISCV.A),
      uffdWp: bit(RISCV.U),
      softDirty: bit(RISCV.X),
    },
    noneIgnore: NO_BITS,
    // pte_mknapot (pgtable.h): 64K = 16 identical PTEs, PPN[3:0] = 1000b, N set.
    napotPfn: { bits: 4, value: 0b1000 },
  };
}

const PTE: LevelSpec = { name: 'pte', shift: 12, bits: 9, leaf: true, cont: [{ entries: 16 }] };
const PMD: LevelSpec = { name: 'pmd', shift: 21, bits: 9, leaf: true };

export function riscvSpecs(clearOnly: boolean): FormatSpec[] {
  return [
    {
      name: 'riscv64-sv39',
      description: 'RISC-V Sv39: 3 levels (39-bit VA, 38-bit user space); 1G leaves in the top level, Svnapot 64K',
      levels: [PTE, PMD, { name: 'pgd', shift: 30, bits: 9, leaf: true }],
      userVaBits: 38,
      codec: codec(3, clearOnly),
      pmdLevel: 1,
    },
    {
      name: 'riscv64-sv48',
      description: 'RISC-V Sv48: 4 levels (48-bit VA, 47-bit user space); Svnapot 64K',
      levels: [PTE, PMD, { name: 'pud', shift: 30, bits: 9, leaf: true }, { name: 'pgd', shift: 39, bits: 9, leaf: false }],
      userVaBits: 47,
      codec: codec(4, clearOnly),
      pmdLevel: 1,
    },
    {
      name: 'riscv64-sv57',
      description: 'RISC-V Sv57: 5 levels (57-bit VA, 56-bit user space); Svnapot 64K',
      levels: [
        PTE,
        PMD,
        { name: 'pud', shift: 30, bits: 9, leaf: true },
        { name: 'p4d', shift: 39, bits: 9, leaf: false },
        { name: 'pgd', shift: 48, bits: 9, leaf: false },
      ],
      userVaBits: 56,
      codec: codec(5, clearOnly),
      pmdLevel: 1,
    },
  ];
}
