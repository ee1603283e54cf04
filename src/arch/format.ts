// A page-table format is data: its levels (shift, index bits, which levels may
// hold leaves, contiguous groups) plus an entry codec built from bit masks.
// Nothing outside src/arch knows what a bit of an entry means; the walker asks
// the codec, and the codec answers from the tables below, the way libaddrxlat
// describes x86-64 as {pte_format, bits:[12,9,9,9,9]} and generic_pt keeps one
// small header per format (../shared/docs/design-anchors.md).
import { type Mask64, type Word2, NO_BITS, getField, putField } from './bits.js';

/**
 * Format-independent attributes of an entry. A codec maps each to the bits of
 * its hardware/Linux layout. The vocabulary is the kernel's pte_* predicates.
 */
export const Attr = {
  /** Hardware-valid (x86 _PAGE_PRESENT, arm64 PTE_VALID). */
  VALID: 1 << 0,
  WRITE: 1 << 1,
  USER: 1 << 2,
  YOUNG: 1 << 3,
  DIRTY: 1 << 4,
  /** pte_special/pmd_special/pud_special: no refcounted page behind it. */
  SPECIAL: 1 << 5,
  UFFD_WP: 1 << 6,
  SOFT_DIRTY: 1 << 7,
  NX: 1 << 8,
  /** PROT_NONE / NUMA-hinting: present to the kernel, invalid to the MMU. */
  PROTNONE: 1 << 9,
  GLOBAL: 1 << 10,
  PWT: 1 << 11,
  PCD: 1 << 12,
  /** Contiguous hint (arm64 PTE_CONT, riscv Svnapot, 8xx _PAGE_SPS...). */
  CONT: 1 << 13,
  /** With CONT, the larger group of a level that has two (8xx _PAGE_HUGE, set by pte_mkhuge: 512K and 8M pages). */
  HUGE: 1 << 14,
} as const;
export type AttrName = keyof typeof Attr;
export const ATTR_NAMES = Object.keys(Attr) as AttrName[];

/** Entry kinds, decided by the codec; the walker never asks per-level questions. */
export const Kind = {
  NONE: 0,
  /** Points to a next-level table. */
  TABLE: 1,
  /** Present (to the kernel) leaf: maps memory, possibly PROT_NONE. */
  LEAF: 2,
  /** Non-present, non-empty leaf: swap, migration entry or marker. */
  SWAP: 3,
} as const;

/** Flags of a non-present (swap-format) entry, carried beside type and offset. */
export const SwpFlag = {
  EXCLUSIVE: 1 << 0,
  UFFD_WP: 1 << 1,
  SOFT_DIRTY: 1 << 2,
} as const;

export interface ContSpec {
  /** Number of entries in one contiguous group. */
  readonly entries: number;
  /**
   * The generic attributes that mark an entry of this group size (default
   * CONT). A level with several sizes tells them apart by these bits (8xx:
   * 16K = CONT (_PAGE_SPS), 512K = CONT|HUGE (_PAGE_SPS|_PAGE_HUGE)).
   */
  readonly attrs?: number;
}

/**
 * A huge page made of `entries` entries of a table level, each flagged with
 * `flag` and pointing to a leaf-level table filled with that page's entries
 * (address advancing one base page per entry). ppc 8xx 8M pages since v6.11:
 * both PMDs of the 8M range carry _PMD_PAGE_8M and their PTE tables hold
 * 1024 `pte_mkhuge` entries each (arch/powerpc/include/asm/nohash/32/pte-8xx.h
 * __pte_update/number_of_cells_per_pte, arch/powerpc/mm/pgtable.c
 * set_huge_pte_at, hugetlbpage.c huge_pte_alloc).
 */
export interface TableLeafSpec {
  readonly entries: number;
  /** Mask and value of the flag in the table entries. */
  readonly flag: { readonly mask: Mask64; readonly value: Mask64 };
  /** Generic attributes of the leaf-level entries below (8xx: CONT|HUGE). */
  readonly attrs: number;
}

export interface LevelSpec {
  /** Kernel name of the level: pte, pmd, pud, p4d, pgd. */
  readonly name: string;
  /** log2 of the bytes one entry of this level spans. */
  readonly shift: number;
  /** Index bits: a table of this level has 2^bits entries. */
  readonly bits: number;
  /** Whether an entry of this level may be a leaf (a 4K page, a 2M/1G block). */
  readonly leaf: boolean;
  /** Contiguous groups this level can form (arm64 cont-PTE/PMD, Svnapot, 8xx SPS). Largest last. */
  readonly cont?: readonly ContSpec[];
  /** Huge pages made of flagged table entries of this level (8xx 8M). */
  readonly tableLeaf?: TableLeafSpec;
}

export interface AttrBits {
  /**
   * Bits set when the attribute is present. May be empty when `clear` is
   * not: the attribute then holds when all `clear` bits are 0 (8xx
   * pte_write = !(pte & _PAGE_RO); riscv/powerpc NX = exec bit clear).
   */
  readonly set: Mask64;
  /** Bits set when it is absent (arm64 PTE_RDONLY is "not writable"). */
  readonly clear?: Mask64;
  /** The bits mean this attribute only in a valid (or only in an invalid) entry: x86 bit 8 is GLOBAL or PROTNONE. */
  readonly when?: 'valid' | 'invalid';
  /**
   * Decode under this mask: the attribute holds when (entry & exact) equals
   * `set` exactly (8xx PAGE_NONE is PP = NA, 0x200 of the 0x600 field, whose
   * 0x600 is read-only).
   */
  readonly exact?: Mask64;
}

export interface SwapLayout {
  readonly typeShift: number;
  readonly typeBits: number;
  readonly offsetShift: number;
  readonly offsetBits: number;
  /** x86 stores the offset inverted (L1TF mitigation, arch/x86/include/asm/pgtable_64.h). */
  readonly offsetInverted: boolean;
  readonly exclusive: Mask64;
  readonly uffdWp: Mask64;
  readonly softDirty: Mask64;
  /** Bits every swap entry carries (book3s64 __swp_entry_to_pte ORs _PAGE_PTE: arch/powerpc/include/asm/book3s/64/pgtable.h); not part of type or offset. */
  readonly always?: Mask64;
}

export interface CodecSpec {
  /** Bit position of the pfn (the base page shift for every format here). */
  readonly pfnShift: number;
  /** Width of the pfn field. */
  readonly pfnBits: number;
  /** Bits that make an entry present to the kernel (VALID | PROTNONE ...), per level, leaf level first. */
  readonly presentMask: readonly Mask64[];
  /** Per level: mask and value that mark a valid upper-level entry as a leaf rather than a table. */
  readonly leafTest: readonly { readonly mask: Mask64; readonly value: Mask64 }[];
  /** Per level: bits every leaf of that level carries (x86 PSE at PMD/PUD, arm64 0b11 at the last level). */
  readonly leafBits: readonly Mask64[];
  /**
   * Bits of a table-pointer entry: one value, or one per level of the entry
   * (leaf level first; radix: NLS = the next level's index bits).
   */
  readonly tableBits: Mask64 | readonly Mask64[];
  /** Generic attribute -> bits. Attributes a format lacks are simply absent. */
  readonly attrs: Partial<Record<AttrName, AttrBits>>;
  /** In non-present entries the pfn bits are inverted (x86 L1TF). */
  readonly invertNonPresentPfn: boolean;
  /** Bits of a swap entry that must be 0 (x86: PSE and PROTNONE, so pmd_present stays false). */
  readonly swap: SwapLayout;
  /** Bits that pte_none ignores (x86 KNL erratum: A and D). */
  readonly noneIgnore: Mask64;
  /**
   * Contiguous entries that all store their group's pfn, its low `bits` bits
   * replaced by `value` (riscv Svnapot, pte_mknapot: 16 identical PTEs with
   * PPN[3:0] = 1000b for 64K; arch/riscv/include/asm/pgtable.h). Leaf-level
   * groups of 2^bits entries only.
   * Without it every entry of a group stores its own pfn (arm64 contpte, 8xx).
   */
  readonly napotPfn?: { readonly bits: number; readonly value: number };
  /**
   * Hardware dirty state (arm64 DBM): `bits` (AP[2], PTE_RDONLY) are set in
   * every present leaf unless it is both WRITE and DIRTY, so the MMU takes a
   * write to a writable clean page as the dirtying access (pte_mkwrite_novma,
   * pte_mkclean, pte_mkdirty in arch/arm64/include/asm/pgtable.h); a WRITE
   * entry with `bits` clear is DIRTY even without the software dirty bit
   * (pte_hw_dirty).
   */
  readonly hwDirty?: { readonly bits: Mask64 };
}

export interface FormatSpec {
  readonly name: string;
  readonly description: string;
  /** Levels from the leaf level (index 0) to the root. */
  readonly levels: readonly LevelSpec[];
  /** Bytes of one entry in memory (8; 4 for the 8xx's 32-bit entries). */
  readonly entryBytes?: number;
  /** Bits of user virtual address space (x86-64 4-level: 47). */
  readonly userVaBits: number;
  /** The top page of the user range is never mapped (x86-64's TASK_SIZE_MAX guard page). */
  readonly userTopGuardPage?: boolean;
  readonly codec: CodecSpec;
  /** The architecture's default hugetlb/THP facts, used by later layers. */
  readonly pmdLevel?: number;
  /**
   * The architecture folds a naturally aligned block of leaf-level entries
   * that maps one large folio with the same permissions into a contiguous
   * group on its own, and unfolds it before changing part of it (arm64
   * CONFIG_ARM64_CONTPTE: arch/arm64/mm/contpte.c contpte_set_ptes,
   * __contpte_try_fold, contpte_try_unfold). The group is the level's first.
   */
  readonly contpte?: boolean;
}

/** The decoded view of one entry that non-hot code works with. */
export interface Decoded {
  kind: number;
  pfn: number;
  attrs: number;
  /** For Kind.SWAP: type, offset and SwpFlag bits. */
  swpType: number;
  swpOffset: number;
  swpFlags: number;
}

/**
 * The entry codec. One class for every format: the masks differ, the code does
 * not, so the walker's call sites stay monomorphic across formats.
 */
export class EntryCodec {
  readonly spec: CodecSpec;
  // Per-level constants flattened into typed arrays for the hot path.
  // Int32Array on purpose: `lo & mask` is a signed int32 in JS, so masks must
  // be signed too for === to hold when bit 31 is involved.
  readonly presentLo: Int32Array;
  readonly presentHi: Int32Array;
  readonly leafMaskLo: Int32Array;
  readonly leafMaskHi: Int32Array;
  readonly leafValLo: Int32Array;
  readonly leafValHi: Int32Array;
  readonly validLo: number;
  readonly validHi: number;
  readonly pfnHiMask: number;
  readonly pfnHiMul: number;
  readonly pfnLoShift: number;
  private readonly attrSetLo = new Int32Array(16);
  private readonly attrSetHi = new Int32Array(16);
  private readonly attrExactLo = new Int32Array(16);
  private readonly attrExactHi = new Int32Array(16);
  private readonly attrClearLo = new Int32Array(16);
  private readonly attrClearHi = new Int32Array(16);
  private readonly attrKnown: number;
  private readonly attrValidOnly: number;
  private readonly attrInvalidOnly: number;
  /** Attributes with no `set` bits: present when their `clear` bits are all 0. */
  private readonly attrClearOnly: number;
  private readonly tableLo: Int32Array;
  private readonly tableHi: Int32Array;
  /** Output of the encoders (no allocation per call). */
  readonly out: Word2 = { lo: 0, hi: 0 };
  /** VALID and/or USER when all their bits are PROTNONE's too (see attrs()). */
  private readonly protnoneHides: number;
  /** CodecSpec.hwDirty bits (0 without). */
  private readonly hwDirtyLo: number;
  private readonly hwDirtyHi: number;
  /** NAPOT groups (CodecSpec.napotPfn): the CONT bits, and 2^bits (0 without). */
  private readonly napotLo: number;
  private readonly napotHi: number;
  private readonly napotSpan: number;
  private readonly napotValue: number;

  constructor(spec: CodecSpec, nlevels: number) {
    this.spec = spec;
    const n = nlevels;
    this.presentLo = new Int32Array(n);
    this.presentHi = new Int32Array(n);
    this.leafMaskLo = new Int32Array(n);
    this.leafMaskHi = new Int32Array(n);
    this.leafValLo = new Int32Array(n);
    this.leafValHi = new Int32Array(n);
    for (let l = 0; l < n; l++) {
      this.presentLo[l] = spec.presentMask[l].lo;
      this.presentHi[l] = spec.presentMask[l].hi;
      this.leafMaskLo[l] = spec.leafTest[l].mask.lo;
      this.leafMaskHi[l] = spec.leafTest[l].mask.hi;
      this.leafValLo[l] = spec.leafTest[l].value.lo;
      this.leafValHi[l] = spec.leafTest[l].value.hi;
    }
    const valid = spec.attrs.VALID?.set ?? NO_BITS;
    this.validLo = valid.lo | 0;
    this.validHi = valid.hi | 0;
    if (spec.pfnShift > 31) throw new Error('pfn must start in the low word');
    this.pfnLoShift = spec.pfnShift;
    const hiPfnBits = spec.pfnShift + spec.pfnBits - 32;
    this.pfnHiMask = hiPfnBits >= 32 ? 0xffffffff : (2 ** hiPfnBits - 1) >>> 0;
    this.pfnHiMul = 2 ** (32 - spec.pfnShift);
    let known = 0;
    let validOnly = 0;
    let invalidOnly = 0;
    let clearOnly = 0;
    this.tableLo = new Int32Array(n);
    this.tableHi = new Int32Array(n);
    for (let l = 0; l < n; l++) {
      const t = isMaskList(spec.tableBits) ? spec.tableBits[l] : spec.tableBits;
      this.tableLo[l] = t.lo;
      this.tableHi[l] = t.hi;
    }
    for (let i = 0; i < ATTR_NAMES.length; i++) {
      const a = spec.attrs[ATTR_NAMES[i]];
      if (!a) continue;
      known |= 1 << i;
      if (a.when === 'valid') validOnly |= 1 << i;
      if (a.when === 'invalid') invalidOnly |= 1 << i;
      if ((a.set.lo | a.set.hi) === 0 && ((a.clear?.lo ?? 0) | (a.clear?.hi ?? 0)) !== 0) clearOnly |= 1 << i;
      this.attrSetLo[i] = a.set.lo;
      this.attrSetHi[i] = a.set.hi;
      this.attrExactLo[i] = (a.exact ?? a.set).lo;
      this.attrExactHi[i] = (a.exact ?? a.set).hi;
      this.attrClearLo[i] = a.clear?.lo ?? 0;
      this.attrClearHi[i] = a.clear?.hi ?? 0;
    }
    const pn = spec.attrs.PROTNONE?.set ?? NO_BITS;
    const within = (m: Mask64 | undefined): boolean => m !== undefined && spec.attrs.PROTNONE !== undefined && (m.lo | m.hi) !== 0 && (m.lo & ~pn.lo) === 0 && (m.hi & ~pn.hi) === 0;
    this.protnoneHides = (within(spec.attrs.VALID?.set) ? Attr.VALID : 0) | (within(spec.attrs.USER?.set) ? Attr.USER : 0);
    this.hwDirtyLo = (spec.hwDirty?.bits.lo ?? 0) | 0;
    this.hwDirtyHi = (spec.hwDirty?.bits.hi ?? 0) | 0;
    const cont = spec.attrs.CONT?.set ?? NO_BITS;
    this.napotLo = spec.napotPfn ? cont.lo | 0 : 0;
    this.napotHi = spec.napotPfn ? cont.hi | 0 : 0;
    this.napotSpan = spec.napotPfn ? 2 ** spec.napotPfn.bits : 0;
    this.napotValue = spec.napotPfn?.value ?? 0;
    this.attrKnown = known;
    this.attrValidOnly = validOnly;
    this.attrInvalidOnly = invalidOnly;
    this.attrClearOnly = clearOnly;
  }

  /** The bits that represent `attrs` when set (their `set` masks, ORed). */
  setBits(attrs: number): Mask64 {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < ATTR_NAMES.length; i++) {
      if ((attrs & (1 << i)) === 0) continue;
      lo |= this.attrSetLo[i];
      hi |= this.attrSetHi[i];
    }
    return { lo: lo >>> 0, hi: hi >>> 0 };
  }

  /** Which generic attributes this format can represent. */
  supports(attrMask: number): boolean {
    return (attrMask & ~this.attrKnown) === 0;
  }

  isNone(lo: number, hi: number): boolean {
    return (lo & ~this.spec.noneIgnore.lo) === 0 && (hi & ~this.spec.noneIgnore.hi) === 0;
  }

  /** Entry kind at `level` (0 = leaf level). */
  kind(lo: number, hi: number, level: number): number {
    if (this.isNone(lo, hi)) return Kind.NONE;
    if ((lo & this.validLo) !== 0 || (hi & this.validHi) !== 0) {
      if (level > 0 && ((lo & this.leafMaskLo[level]) !== this.leafValLo[level] || (hi & this.leafMaskHi[level]) !== this.leafValHi[level])) {
        return Kind.TABLE;
      }
      return Kind.LEAF;
    }
    if ((lo & this.presentLo[level]) !== 0 || (hi & this.presentHi[level]) !== 0) return Kind.LEAF;
    return Kind.SWAP;
  }

  /**
   * The pfn of a table pointer or present leaf (uninverts PROTNONE entries
   * where the format inverts). For an entry of a NAPOT group: the group's
   * first pfn (use pfnAt for the page a given entry maps).
   */
  pfn(lo: number, hi: number): number {
    if (this.spec.invertNonPresentPfn && (lo & this.validLo) === 0 && (hi & this.validHi) === 0) {
      lo = ~lo;
      hi = ~hi;
    }
    const p = ((lo >>> this.pfnLoShift) >>> 0) + (hi & this.pfnHiMask) * this.pfnHiMul;
    if (this.napotSpan !== 0 && this.isNapot(lo, hi)) return p - (p % this.napotSpan);
    return p;
  }

  /** The pfn an entry maps at leaf-level `vpn`: pfn(), plus the entry's place in a NAPOT group. */
  pfnAt(lo: number, hi: number, vpn: number): number {
    const p = this.pfn(lo, hi);
    return this.napotSpan !== 0 && this.isNapot(lo, hi) ? p + (vpn % this.napotSpan) : p;
  }

  /** A present leaf-level entry of a NAPOT group (the N bit is an offset bit in swap entries). */
  private isNapot(lo: number, hi: number): boolean {
    return ((lo & this.napotLo) | (hi & this.napotHi)) !== 0 && ((lo & this.presentLo[0]) | (hi & this.presentHi[0])) !== 0;
  }

  /** Generic attributes of a present entry. */
  attrs(lo: number, hi: number): number {
    let a = 0;
    for (let i = 0; i < ATTR_NAMES.length; i++) {
      const sl = this.attrSetLo[i];
      const sh = this.attrSetHi[i];
      if ((sl | sh) === 0) {
        if ((this.attrClearOnly & (1 << i)) !== 0 && (lo & this.attrClearLo[i]) === 0 && (hi & this.attrClearHi[i]) === 0) a |= 1 << i;
        continue;
      }
      if ((lo & this.attrExactLo[i]) === sl && (hi & this.attrExactHi[i]) === sh) a |= 1 << i;
    }

    // pte_hw_dirty: writable with AP[2] clear.
    if ((this.hwDirtyLo | this.hwDirtyHi) !== 0 && (a & Attr.WRITE) !== 0 && (lo & this.hwDirtyLo) === 0 && (hi & this.hwDirtyHi) === 0) a |= Attr.DIRTY;
    // PAGE_NONE is neither VALID nor USER in the model's vocabulary (present to Linux, no access);
    // where those bits are PROTNONE's own (book3s64 and 8xx PAGE_NONE keep PRESENT), say so.
    if ((a & Attr.PROTNONE) !== 0) a &= ~this.protnoneHides;
    return (a & Attr.VALID) !== 0 ? a & ~this.attrInvalidOnly : a & ~this.attrValidOnly;
  }

  /** One attribute of a present entry, e.g. `has(lo, hi, Attr.WRITE)`. */
  has(lo: number, hi: number, attr: number): boolean {
    return (this.attrs(lo, hi) & attr) !== 0;
  }

  /** Encode a present leaf at `level` mapping `pfn` with generic attributes. Result in `this.out`. */
  leaf(pfn: number, attrs: number, level: number): Word2 {
    const o = this.out;
    o.lo = this.spec.leafBits[level].lo;
    o.hi = this.spec.leafBits[level].hi;
    for (let i = 0; i < ATTR_NAMES.length; i++) {
      if ((attrs & (1 << i)) !== 0) {
        if ((this.attrKnown & (1 << i)) === 0) throw new Error(`format cannot encode attribute ${ATTR_NAMES[i]}`);
        o.lo |= this.attrSetLo[i];
        o.hi |= this.attrSetHi[i];
      } else if (((this.attrValidOnly >> i) & 1) === 0 || (attrs & Attr.VALID) !== 0) {
        // An attribute that only means something in a valid entry leaves a
        // non-valid one alone (riscv NX = "X clear" must not make PROT_NONE executable).
        o.lo |= this.attrClearLo[i];
        o.hi |= this.attrClearHi[i];
      }
    }
    if ((this.hwDirtyLo | this.hwDirtyHi) !== 0 && (attrs & (Attr.WRITE | Attr.DIRTY)) !== (Attr.WRITE | Attr.DIRTY)) {
      o.lo |= this.hwDirtyLo;
      o.hi |= this.hwDirtyHi;
    }
    // pte_mknapot: every entry of the group stores the group's pfn with PPN[bits-1:0] = value.
    const stored = this.napotSpan !== 0 && (attrs & Attr.CONT) !== 0 ? pfn - (pfn % this.napotSpan) + this.napotValue : pfn;
    putField(o, this.spec.pfnShift, this.spec.pfnBits, stored);
    if (this.spec.invertNonPresentPfn && (o.lo & this.validLo) === 0 && (o.hi & this.validHi) === 0) {
      // PROTNONE: x86 stores the pfn bits inverted in any non-present entry.
      const m = pfnMask(this.spec);
      o.lo ^= m.lo;
      o.hi ^= m.hi;
    }
    o.lo >>>= 0;
    o.hi >>>= 0;
    return o;
  }

  /** Encode a table pointer held by an entry of `level` (default: a PMD pointing to a PTE table). Result in `this.out`. */
  table(pfn: number, level = 1): Word2 {
    const o = this.out;
    o.lo = this.tableLo[level] >>> 0;
    o.hi = this.tableHi[level] >>> 0;
    putField(o, this.spec.pfnShift, this.spec.pfnBits, pfn);
    return o;
  }

  /** Encode a swap-format (non-present) entry. Result in `this.out`. */
  swap(type: number, offset: number, swpFlags: number): Word2 {
    const s = this.spec.swap;
    const o = this.out;
    o.lo = 0;
    o.hi = 0;
    putField(o, s.typeShift, s.typeBits, type);
    const off = s.offsetInverted ? 2 ** s.offsetBits - 1 - offset : offset;
    putField(o, s.offsetShift, s.offsetBits, off);
    if (swpFlags & SwpFlag.EXCLUSIVE) { o.lo |= s.exclusive.lo; o.hi |= s.exclusive.hi; }
    if (swpFlags & SwpFlag.UFFD_WP) { o.lo |= s.uffdWp.lo; o.hi |= s.uffdWp.hi; }
    if (swpFlags & SwpFlag.SOFT_DIRTY) { o.lo |= s.softDirty.lo; o.hi |= s.softDirty.hi; }
    if (s.always) { o.lo |= s.always.lo; o.hi |= s.always.hi; }
    o.lo >>>= 0;
    o.hi >>>= 0;
    return o;
  }

  swpType(lo: number, hi: number): number {
    const s = this.spec.swap;
    return getField(lo, hi, s.typeShift, s.typeBits);
  }

  swpOffset(lo: number, hi: number): number {
    const s = this.spec.swap;
    const raw = getField(lo, hi, s.offsetShift, s.offsetBits);
    return s.offsetInverted ? 2 ** s.offsetBits - 1 - raw : raw;
  }

  swpFlags(lo: number, hi: number): number {
    const s = this.spec.swap;
    let f = 0;
    if (maskSet(lo, hi, s.exclusive)) f |= SwpFlag.EXCLUSIVE;
    if (maskSet(lo, hi, s.uffdWp)) f |= SwpFlag.UFFD_WP;
    if (maskSet(lo, hi, s.softDirty)) f |= SwpFlag.SOFT_DIRTY;
    return f;
  }

  decode(lo: number, hi: number, level: number, out: Decoded): Decoded {
    out.kind = this.kind(lo, hi, level);
    out.pfn = out.kind === Kind.LEAF || out.kind === Kind.TABLE ? this.pfn(lo, hi) : 0;
    out.attrs = out.kind === Kind.LEAF || out.kind === Kind.TABLE ? this.attrs(lo, hi) : 0;
    if (out.kind === Kind.SWAP) {
      out.swpType = this.swpType(lo, hi);
      out.swpOffset = this.swpOffset(lo, hi);
      out.swpFlags = this.swpFlags(lo, hi);
    } else {
      out.swpType = out.swpOffset = out.swpFlags = 0;
    }
    return out;
  }
}

function isMaskList(t: Mask64 | readonly Mask64[]): t is readonly Mask64[] {
  return Array.isArray(t);
}

function maskSet(lo: number, hi: number, m: Mask64): boolean {
  return (m.lo | m.hi) !== 0 && (lo & m.lo) === (m.lo | 0) && (hi & m.hi) === (m.hi | 0);
}

function pfnMask(spec: CodecSpec): Mask64 {
  const o = { lo: 0, hi: 0 };
  putField(o, spec.pfnShift, spec.pfnBits, 2 ** spec.pfnBits - 1);
  return { lo: o.lo >>> 0, hi: o.hi >>> 0 };
}

/**
 * A format with the per-level constants derived once, at construction
 * ("specialise once", generic_pt style), so the walker only reads arrays.
 */
export class Format {
  readonly name: string;
  readonly description: string;
  readonly spec: FormatSpec;
  readonly codec: EntryCodec;
  readonly nlevels: number;
  readonly pageShift: number;
  readonly pageSize: number;
  /** Entries per table at each level. */
  readonly entries: Int32Array;
  /** Base pages spanned by one entry at each level. */
  readonly pagesPerEntry: Float64Array;
  /** 1 / pagesPerEntry (exact: powers of two), to index by multiplication. */
  readonly invPagesPerEntry: Float64Array;
  readonly leafAllowed: Uint8Array;
  /** Entries of the smallest contiguous group at each level (0: the level has no groups). */
  readonly contEntries: Int32Array;
  /** Entries of the largest contiguous group at each level (0: the level has no groups). */
  readonly maxGroupEntries: Int32Array;
  /**
   * Contiguous-group kinds, GROUP_KINDS per level (index level * GROUP_KINDS + j):
   * an entry whose bits under groupMask[level] equal groupVal[...] belongs to
   * a group of groupEntries[...] entries (0: no such kind). Int32 like the codec's masks.
   */
  readonly groupMaskLo: Int32Array;
  readonly groupMaskHi: Int32Array;
  readonly groupValLo: Int32Array;
  readonly groupValHi: Int32Array;
  readonly groupEntries: Int32Array;
  /** Level whose flagged table entries form huge pages (TableLeafSpec), or -1. */
  readonly tableLeafLevel: number;
  /** Leaf-level entries of one such page (8xx 8M: 2 x 1024). */
  readonly tableLeafPages: number;
  /** Number of user base pages: user addresses are vpn < userPages. */
  readonly userPages: number;
  /** Bytes of one entry in memory (sizeof(pte_t)): tables are entries x this. */
  readonly entryBytes: number;
  /** The largest table, in entries. */
  readonly maxEntries: number;
  readonly levelNames: readonly string[];

  constructor(spec: FormatSpec) {
    validateSpec(spec);
    this.spec = spec;
    this.name = spec.name;
    this.description = spec.description;
    this.nlevels = spec.levels.length;
    this.pageShift = spec.levels[0].shift;
    this.pageSize = 2 ** this.pageShift;
    this.codec = new EntryCodec(spec.codec, this.nlevels);
    this.entries = new Int32Array(this.nlevels);
    this.pagesPerEntry = new Float64Array(this.nlevels);
    this.invPagesPerEntry = new Float64Array(this.nlevels);
    this.leafAllowed = new Uint8Array(this.nlevels);
    this.maxGroupEntries = new Int32Array(this.nlevels);
    this.contEntries = new Int32Array(this.nlevels);
    this.groupMaskLo = new Int32Array(this.nlevels);
    this.groupMaskHi = new Int32Array(this.nlevels);
    this.groupValLo = new Int32Array(this.nlevels * GROUP_KINDS);
    this.groupValHi = new Int32Array(this.nlevels * GROUP_KINDS);
    this.groupEntries = new Int32Array(this.nlevels * GROUP_KINDS);
    let tableLeafLevel = -1;
    let maxEntries = 0;
    spec.levels.forEach((l, i) => {
      this.entries[i] = 2 ** l.bits;
      maxEntries = Math.max(maxEntries, 2 ** l.bits);
      this.pagesPerEntry[i] = 2 ** (l.shift - this.pageShift);
      this.invPagesPerEntry[i] = 2 ** -(l.shift - this.pageShift);
      this.leafAllowed[i] = l.leaf ? 1 : 0;
      const kinds = l.cont ?? [];
      for (const k of kinds) {
        const b = this.codec.setBits(k.attrs ?? Attr.CONT);
        this.groupMaskLo[i] |= b.lo;
        this.groupMaskHi[i] |= b.hi;
      }
      this.contEntries[i] = kinds[0]?.entries ?? 0;
      kinds.forEach((k, j) => {
        const b = this.codec.setBits(k.attrs ?? Attr.CONT);
        this.groupValLo[i * GROUP_KINDS + j] = b.lo;
        this.groupValHi[i * GROUP_KINDS + j] = b.hi;
        this.groupEntries[i * GROUP_KINDS + j] = k.entries;
        this.maxGroupEntries[i] = Math.max(this.maxGroupEntries[i], k.entries);
      });
      if (l.tableLeaf) tableLeafLevel = i;
    });
    this.maxEntries = maxEntries;
    this.entryBytes = spec.entryBytes ?? 8;
    this.tableLeafLevel = tableLeafLevel;
    this.tableLeafPages = tableLeafLevel < 0 ? 0 : (spec.levels[tableLeafLevel].tableLeaf as TableLeafSpec).entries * this.pagesPerEntry[tableLeafLevel];
    // TASK_SIZE: x86-64 keeps the last page below the user/kernel boundary unmapped (TASK_SIZE_MAX = 2^47 - PAGE_SIZE).
    this.userPages = 2 ** (spec.userVaBits - this.pageShift) - (spec.userTopGuardPage ? 1 : 0);
    this.levelNames = spec.levels.map((l) => l.name);
  }

  /** Bytes mapped by one leaf at `level`. */
  leafSize(level: number): number {
    return this.pagesPerEntry[level] * this.pageSize;
  }

  /** The level whose entries map exactly `bytes`, or -1. */
  levelForSize(bytes: number): number {
    for (let l = 0; l < this.nlevels; l++) if (this.leafSize(l) === bytes) return l;
    return -1;
  }

  /**
   * All leaf sizes this format can map: level leaves, contiguous groups
   * (`cont` entries at `level` carrying `attrs`), and huge pages made of
   * flagged tables (`tables`: the level of the flagged entries; the page is
   * `cont` leaf-level entries).
   */
  leafSizes(): LeafSize[] {
    const out: LeafSize[] = [];
    for (let l = 0; l < this.nlevels; l++) {
      const spec = this.spec.levels[l];
      if (spec.tableLeaf) {
        const pages = this.tableLeafPages;
        out.push({ bytes: pages * this.pageSize, level: 0, cont: pages, attrs: spec.tableLeaf.attrs, tables: l });
      }
      if (!this.leafAllowed[l]) continue;
      out.push({ bytes: this.leafSize(l), level: l, cont: 1, attrs: 0, tables: -1 });
      for (const c of spec.cont ?? []) out.push({ bytes: this.leafSize(l) * c.entries, level: l, cont: c.entries, attrs: c.attrs ?? Attr.CONT, tables: -1 });
    }
    return out.sort((a, b) => a.bytes - b.bytes);
  }

  /** The group bits an entry of a `entries`-entry group at `level` carries (0 for a single entry). */
  groupAttrs(level: number, entries: number): number {
    if (entries <= 1) return 0;
    for (const s of this.leafSizes()) if (s.level === level && s.cont === entries) return s.attrs;
    throw new Error(`${this.name}: no ${entries}-entry group at ${this.levelNames[level]}`);
  }
}

/** Contiguous-group kinds a level may have (8xx: 16K and 512K). */
export const GROUP_KINDS = 2;

/** One mappable leaf size of a format (Format.leafSizes). */
export interface LeafSize {
  bytes: number;
  level: number;
  /** Entries at `level` that map it (1: a single leaf). */
  cont: number;
  /** Generic attributes marking its entries as a group (0 for a single leaf). */
  attrs: number;
  /** For a page of flagged tables (8xx 8M), the level of the flagged entries; else -1. */
  tables: number;
}

function validateSpec(spec: FormatSpec): void {
  const n = spec.levels.length;
  if (n < 2) throw new Error(`${spec.name}: a format needs at least two levels`);
  for (let i = 1; i < n; i++) {
    const below = spec.levels[i - 1];
    if (spec.levels[i].shift !== below.shift + below.bits) {
      throw new Error(`${spec.name}: level ${spec.levels[i].name} shift ${spec.levels[i].shift} != ${below.shift}+${below.bits}`);
    }
  }
  if (!spec.levels[0].leaf) throw new Error(`${spec.name}: the last level must hold leaves`);
  spec.levels.forEach((l, i) => {
    if ((l.cont?.length ?? 0) > GROUP_KINDS) throw new Error(`${spec.name}: at most ${GROUP_KINDS} group sizes per level`);
    if (l.tableLeaf && (i !== 1 || spec.levels.some((o, j) => j !== i && o.tableLeaf))) {
      // The page's leaf-level tables are allocated as one run (TableStore.allocRun), so its entries are one array.
      throw new Error(`${spec.name}: flagged-table huge pages need one such level, right above the leaf level`);
    }
  });
  const c = spec.codec;
  if (isMaskList(c.tableBits) && c.tableBits.length !== n) throw new Error(`${spec.name}: codec per-level tableBits need ${n} entries`);
  for (const arr of [c.presentMask, c.leafTest, c.leafBits]) {
    if (arr.length !== n) throw new Error(`${spec.name}: codec per-level arrays need ${n} entries`);
  }
  const top = spec.levels[n - 1];
  if (spec.userVaBits > top.shift + top.bits) throw new Error(`${spec.name}: user VA exceeds the tables`);
}
