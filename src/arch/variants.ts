// The hardware view of every format, for `mmsim xlat` (raw page-table images)
// and `mmsim vtop` (the model's tables read back as memory): geometry
// variants (number of levels / VA size, arm64 granules and 52-bit
// addresses, the legacy powerpc hugepd layout) and a decoder per family that
// follows the architecture manuals and the kernel headers cited in
// x86_64.ts, arm64.ts, riscv64.ts and ppc.ts. This is not the model's codec
// (src/arch/format.ts decides what an entry means to Linux): it decides what
// the MMU (or, for the hash MMU, the kernel's own table walk) does with it,
// including encodings the model never writes (reserved bits, riscv NAPOT
// PPNs, 8xx 8M pairs, hugepd pointers).
//
// Addresses are BigInt here: this is API-boundary code that decodes a few
// entries per address; entries are read as (lo, hi) words and converted once.
import { EntryCodec, type CodecSpec } from './format.js';
import { NO_BITS, toBigInt, type Word2 } from './bits.js';

// ------------------------------------------------------------ codec probe

/**
 * Whether the entry codec decodes an attribute given only by bits that must
 * be clear (8xx pte_write = !(pte & _PAGE_RO), NX as "exec bit clear"). The
 * formats that need it switch to the exact encoding when it does.
 */
export function codecDecodesClearOnly(): boolean {
  const spec: CodecSpec = {
    pfnShift: 12,
    pfnBits: 20,
    presentMask: [{ lo: 1, hi: 0 }],
    leafTest: [{ mask: NO_BITS, value: NO_BITS }],
    leafBits: [NO_BITS],
    tableBits: { lo: 1, hi: 0 },
    attrs: { VALID: { set: { lo: 1, hi: 0 } }, WRITE: { set: NO_BITS, clear: { lo: 2, hi: 0 } } },
    invertNonPresentPfn: false,
    swap: { typeShift: 3, typeBits: 5, offsetShift: 8, offsetBits: 20, offsetInverted: false, exclusive: NO_BITS, uffdWp: NO_BITS, softDirty: NO_BITS },
    noneIgnore: NO_BITS,
  };
  const c = new EntryCodec(spec, 1);
  return (c.attrs(1, 0) & 2) !== 0 && (c.attrs(3, 0) & 2) === 0;
}

// ------------------------------------------------------------- interfaces

export type Family = 'x86' | 'arm64' | 'riscv' | 'ppc8xx' | 'radix' | 'hash';

export interface HwLevel {
  readonly name: string;
  readonly shift: number;
  readonly bits: number;
}

/** A translation regime: geometry plus the family decoder's parameters. */
export interface XlatArch {
  /** e.g. "arm64-4k (39-bit VA)". */
  readonly label: string;
  readonly family: Family;
  /** Levels from the leaf level (0) up to the root. */
  readonly levels: readonly HwLevel[];
  readonly entryBytes: 4 | 8;
  /** VA bits the tables translate (above: canonical / quadrant rules). */
  readonly vaBits: number;
  /** Physical address bits (x86 MAXPHYADDR, arm64 48/52, riscv 56, ppc 56/32). */
  readonly paBits: number;
  readonly pageShift: number;
  /** ppc-8xx: the pre-6.11 hugepd layout for 8M pages. */
  readonly hugepd: boolean;
  /** Contiguous-group sizes per level (0: none) for CONT/SPS/NAPOT checks. */
  readonly cont: readonly number[];
}

export interface VariantOptions {
  /** VA bits (arm64 36..52, riscv 39/48/57, x86 48/57). */
  vaBits?: number;
  /** Levels (x86 4/5, riscv 3/4/5), an alternative to vaBits. */
  levels?: number;
  /** Physical address bits (x86 MAXPHYADDR; arm64 48 or 52). */
  paBits?: number;
  /** ppc-8xx legacy hugepd layout. */
  hugepd?: boolean;
}

const lv = (names: readonly string[], shifts: readonly number[], bits: readonly number[]): HwLevel[] =>
  shifts.map((shift, i) => ({ name: names[i], shift, bits: bits[i] }));

/** Level names from the leaf up for n levels (the kernel's names; folded levels absent). */
function names(n: number): string[] {
  return n === 5 ? ['pte', 'pmd', 'pud', 'p4d', 'pgd'] : n === 4 ? ['pte', 'pmd', 'pud', 'pgd'] : n === 3 ? ['pte', 'pmd', 'pgd'] : ['pte', 'pgd'];
}

/**
 * The translation regime for a format name and options. Throws with a
 * readable message for impossible combinations.
 */
export function xlatArch(format: string, o: VariantOptions = {}): XlatArch {
  const m = /^arm64-(4k|16k|64k)$/.exec(format);
  if (m) return arm64Arch(m[1] === '4k' ? 12 : m[1] === '16k' ? 14 : 16, o);
  switch (format) {
    case 'x86_64':
    case 'x86_64-la57': {
      let n = o.levels ?? (o.vaBits === 57 ? 5 : o.vaBits === 48 ? 4 : format === 'x86_64' ? 4 : 5);
      if (o.vaBits !== undefined && o.vaBits !== 48 && o.vaBits !== 57) throw new Error('x86-64 translates 48-bit (4 levels) or 57-bit (5 levels) addresses');
      if (n !== 4 && n !== 5) throw new Error('x86-64 has 4 or 5 levels');
      if (o.vaBits !== undefined && o.vaBits !== (n === 4 ? 48 : 57)) throw new Error(`x86-64 with ${n} levels translates ${n === 4 ? 48 : 57}-bit addresses`);
      n = n === 4 ? 4 : 5;
      const paBits = o.paBits ?? 52;
      if (paBits < 36 || paBits > 52) throw new Error('x86-64 MAXPHYADDR is 36..52');
      const shifts = [12, 21, 30, 39, 48].slice(0, n);
      return { label: `x86-64 ${n}-level`, family: 'x86', levels: lv(names(n), shifts, shifts.map(() => 9)), entryBytes: 8, vaBits: n === 4 ? 48 : 57, paBits, pageShift: 12, hugepd: false, cont: shifts.map(() => 0) };
    }
    case 'riscv64-sv39':
    case 'riscv64-sv48':
    case 'riscv64-sv57': {
      const def = Number(format.slice(-2));
      const va = o.vaBits ?? (o.levels ? 12 + 9 * o.levels : def);
      if (va !== 39 && va !== 48 && va !== 57) throw new Error('riscv64 translates Sv39, Sv48 or Sv57 addresses');
      const n = (va - 12) / 9;
      const shifts = Array.from({ length: n }, (_, i) => 12 + 9 * i);
      return { label: `riscv64 Sv${va}`, family: 'riscv', levels: lv(names(n), shifts, shifts.map(() => 9)), entryBytes: 8, vaBits: va, paBits: 56, pageShift: 12, hugepd: false, cont: shifts.map((_, i) => (i === 0 ? 16 : 0)) };
    }
    case 'ppc-8xx':
      if (o.vaBits !== undefined && o.vaBits !== 32) throw new Error('ppc-8xx translates 32-bit addresses');
      return { label: `ppc-8xx${o.hugepd ? ' (hugepd)' : ''}`, family: 'ppc8xx', levels: lv(['pte', 'pgd'], [12, 22], [10, 10]), entryBytes: 4, vaBits: 32, paBits: 32, pageShift: 12, hugepd: o.hugepd ?? false, cont: [128, 0] };
    case 'ppc64-radix-4k':
      return book3sArch('ppc64 radix 4K', 'radix', 12, [9, 9, 9, 13], o);
    case 'ppc64-radix-64k':
      return book3sArch('ppc64 radix 64K', 'radix', 16, [5, 9, 9, 13], o);
    case 'ppc64-hash-64k':
      return book3sArch('ppc64 hash 64K (Linux tables)', 'hash', 16, [8, 10, 10, 8], o);
    default:
      throw new Error(`xlat: unknown architecture '${format}'`);
  }
}

function book3sArch(label: string, family: 'radix' | 'hash', pageShift: number, idx: number[], o: VariantOptions): XlatArch {
  if (o.vaBits !== undefined && o.vaBits !== 52) throw new Error('book3s64 tables translate 52-bit effective addresses');
  const shifts = [pageShift];
  for (let i = 0; i < 3; i++) shifts.push(shifts[i] + idx[i]);
  return { label, family, levels: lv(['pte', 'pmd', 'pud', 'pgd'], shifts, idx), entryBytes: 8, vaBits: 52, paBits: 56, pageShift, hugepd: false, cont: [0, 0, 0, 0] };
}

/**
 * arm64 stage 1 (pgtable-hwdef.h ARM64_HW_PGTABLE_LEVELS/LEVEL_SHIFT): every
 * level resolves PAGE_SHIFT-3 bits; the top level has 2^(VA - its shift)
 * entries. Linux configurations: 4K 39/48/52, 16K 36/47/48/52, 64K 42/48/52.
 * 52-bit VA with 4K/16K needs FEAT_LPA2 (52-bit output addresses with
 * OA[51:50] in bits 9:8); with 64K, 52-bit PA (FEAT_LPA) puts OA[51:48] in
 * bits 15:12 (PTE_ADDR_HIGH).
 */
function arm64Arch(g: number, o: VariantOptions): XlatArch {
  const granule = g === 12 ? '4k' : g === 14 ? '16k' : '64k';
  const allowed: Record<string, number[]> = { '4k': [39, 48, 52], '16k': [36, 47, 48, 52], '64k': [42, 48, 52] };
  const def = g === 14 ? 47 : 48;
  const va = o.vaBits ?? def;
  if (!allowed[granule].includes(va)) throw new Error(`arm64 ${granule} granule: Linux supports ${allowed[granule].join('/')}-bit VA, not ${va}`);
  const per = g - 3;
  const n = Math.floor((va - 4) / per); // ARM64_HW_PGTABLE_LEVELS
  if (o.levels !== undefined && o.levels !== n) throw new Error(`arm64 ${granule} with ${va}-bit VA has ${n} levels`);
  const shifts = Array.from({ length: n }, (_, i) => g + per * i);
  const bitsPer = shifts.map((s, i) => (i === n - 1 ? va - s : per));
  const lpa2 = va === 52 && g !== 16;
  const paBits = o.paBits ?? (va === 52 ? 52 : 48);
  if (paBits !== 48 && paBits !== 52) throw new Error('arm64 output addresses are 48 or 52 bits');
  if (lpa2 && paBits !== 52) throw new Error('52-bit VA with a 4K/16K granule uses LPA2 (52-bit PA)');
  const nm = names(n);
  // CONT_PTES / CONT_PMDS (Documentation/arch/arm64/hugetlbpage.rst), and the
  // architecture's 16 x 1G contiguous level-1 blocks with 4K.
  const cont = shifts.map((_, i) => (i === 0 ? (g === 12 ? 16 : g === 14 ? 128 : 32) : i === 1 ? (g === 12 ? 16 : 32) : i === 2 && g === 12 ? 16 : 0));
  return { label: `arm64 ${granule} granule, ${va}-bit VA${paBits === 52 ? (lpa2 ? ', LPA2' : ', 52-bit PA') : ''}`, family: 'arm64', levels: lv(nm, shifts, bitsPer), entryBytes: 8, vaBits: va, paBits, pageShift: g, hugepd: false, cont };
}

// ---------------------------------------------------------------- decoding

export type StepKind = 'table' | 'leaf' | 'invalid' | 'reserved' | 'bad';

/** What one entry means to the MMU at one level. */
export interface HwEntry {
  kind: StepKind;
  /** Short mnemonics of the bits that are set (and fields). */
  flags: string[];
  /** table: the next table's physical address. leaf: the output address of this entry's span. */
  addr: bigint;
  /** leaf: bytes of VA this entry's output address covers (PA = addr + va % span). */
  span: bigint;
  /** leaf: the size of the page it belongs to (a contiguous group, an 8xx 8M page...). */
  size: bigint;
  /** Why the walk stops (invalid/reserved/bad). */
  reason?: string;
  /** A group to check: `entries` entries of this table whose output advances by `step`. */
  group?: { entries: number; step: bigint; same: bigint };
  /** ppc-8xx: this PMD flags an 8M page (the PTE table below holds its 4M half). */
  pmd8M?: boolean;
  /** ppc-8xx hugepd: the next table is a hugepte table indexed by VA bits above this shift. */
  hugepdShift?: number;
  /** radix: the NLS field of a table entry (next level's index bits). */
  nls?: number;
}

const B = (n: number): bigint => 1n << BigInt(n);
const MASK = (hi: number, lo: number): bigint => (B(hi + 1) - 1n) ^ (B(lo) - 1n);
const has = (e: bigint, n: number): boolean => (e & B(n)) !== 0n;

function invalid(flags: string[], reason: string): HwEntry {
  return { kind: 'invalid', flags, addr: 0n, span: 0n, size: 0n, reason };
}
function stop(kind: 'reserved' | 'bad', flags: string[], reason: string): HwEntry {
  return { kind, flags, addr: 0n, span: 0n, size: 0n, reason };
}
function table(flags: string[], addr: bigint): HwEntry {
  return { kind: 'table', flags, addr, span: 0n, size: 0n };
}
function leaf(flags: string[], addr: bigint, span: bigint, size = span): HwEntry {
  return { kind: 'leaf', flags, addr, span, size };
}

/** Decode entry `e` at `level` (0 = leaf level); `parent` is the entry that pointed to this table. */
export function decodeHw(a: XlatArch, e: bigint, level: number, parent: HwEntry | null): HwEntry {
  switch (a.family) {
    case 'x86':
      return decodeX86(a, e, level);
    case 'arm64':
      return decodeArm64(a, e, level);
    case 'riscv':
      return decodeRiscv(a, e, level);
    case 'ppc8xx':
      return decode8xx(a, e, level, parent);
    case 'radix':
    case 'hash':
      return decodeBook3s(a, e, level);
  }
}

// x86-64: Intel SDM vol. 3 §4.5 (4-level and 5-level paging), with the Linux
// software bits of arch/x86/include/asm/pgtable_types.h.
function decodeX86(a: XlatArch, e: bigint, level: number): HwEntry {
  const f: string[] = [];
  if (!has(e, 0)) return invalid(e === 0n ? [] : ['!P'], e === 0n ? 'not present (none)' : 'not present');
  f.push('P', has(e, 1) ? 'RW' : 'RO', has(e, 2) ? 'US' : 'S');
  if (has(e, 3)) f.push('PWT');
  if (has(e, 4)) f.push('PCD');
  if (has(e, 5)) f.push('A');
  const ps = level > 0 && has(e, 7);
  const isLeaf = level === 0 || ps;
  if (isLeaf && has(e, 6)) f.push('D');
  if (level > 0 && has(e, 7)) f.push('PS');
  if (level === 0 && has(e, 7)) f.push('PAT');
  if (isLeaf && has(e, 8)) f.push('G');
  if (isLeaf && level > 0 && has(e, 12)) f.push('PAT');
  if (isLeaf && has(e, 9)) f.push('special');
  if (isLeaf && has(e, 10)) f.push('uffd-wp');
  if (isLeaf && has(e, 11)) f.push('soft-dirty');
  if (has(e, 63)) f.push('NX');
  const addrMask = MASK(a.paBits - 1, 12);
  const rsvdHigh = a.paBits < 52 ? e & MASK(51, a.paBits) : 0n;
  if (rsvdHigh !== 0n) return stop('reserved', f, `reserved bits set (0x${rsvdHigh.toString(16)} above MAXPHYADDR ${a.paBits})`);
  if (level >= 3) {
    // PML4E / PML5E: PS is reserved.
    if (has(e, 7)) return stop('reserved', f, 'reserved bits set (PS in a PML4/PML5 entry)');
    return table(f, e & addrMask);
  }
  if (level === 0) return leaf(f, e & addrMask, 0x1000n);
  if (!ps) return table(f, e & addrMask);
  // A 2M (PDE) or 1G (PDPTE) page: bit 12 is PAT, the bits up to the frame are reserved.
  const shift = a.levels[level].shift;
  const low = e & MASK(shift - 1, 13);
  if (low !== 0n) return stop('reserved', f, `reserved bits set (0x${low.toString(16)} below a ${fmtSize(B(shift))} page frame)`);
  return leaf(f, e & MASK(a.paBits - 1, shift), B(shift));
}

// arm64: Arm ARM D8 (VMSAv8-64 translation table descriptors) with the Linux
// software bits of arch/arm64/include/asm/pgtable-prot.h (PTE_DIRTY 55,
// PTE_SPECIAL 56, PTE_UFFD_WP 58) and PTE_ADDR_HIGH of pgtable-hwdef.h.
function decodeArm64(a: XlatArch, e: bigint, level: number): HwEntry {
  const g = a.pageShift;
  const hwLevel = 3 - level;
  const f: string[] = [];
  if (!has(e, 0)) {
    // PTE_PRESENT_INVALID (nG) marks a PROT_NONE entry to Linux.
    return invalid(e === 0n ? [] : has(e, 11) ? ['!V', 'PROT_NONE'] : ['!V'], e === 0n ? 'invalid (none)' : has(e, 11) ? 'invalid (PROT_NONE: present to Linux only)' : 'invalid');
  }
  const lpa2 = a.paBits === 52 && g !== 16;
  const pa52 = a.paBits === 52 && g === 16;
  const outAddr = (lowBit: number): bigint => {
    let addr = e & MASK(lpa2 ? 49 : 47, lowBit);
    if (lpa2) addr |= ((e >> 8n) & 3n) << 50n;
    if (pa52) addr |= ((e >> 12n) & 0xfn) << 48n;
    return addr;
  };
  const typeBit = has(e, 1);
  if (level > 0 && typeBit) {
    f.push('V', 'TABLE');
    if (has(e, 59)) f.push('PXNTable');
    if (has(e, 60)) f.push('UXNTable');
    const ap = Number((e >> 61n) & 3n);
    if (ap) f.push(`APTable=${ap}`);
    if (has(e, 63)) f.push('NSTable');
    // Bits 50:48 are RES0 in a table descriptor unless LPA2 uses 49:48 for the address.
    const rsvd = e & (lpa2 ? B(50) : MASK(50, 48));
    if (rsvd !== 0n) return stop('reserved', f, `reserved bits set (0x${rsvd.toString(16)})`);
    return table(f, outAddr(g));
  }
  // Page (level 3, 0b11) or block (levels 0-2, 0b01).
  if (level === 0 && !typeBit) return stop('reserved', ['V'], 'reserved descriptor (0b01 at level 3)');
  f.push('V', level === 0 ? 'PAGE' : 'BLOCK', `AttrIndx=${Number((e >> 2n) & 7n)}`);
  if (has(e, 5)) f.push('NS');
  f.push(has(e, 6) ? 'USER' : 'KERNEL', has(e, 7) ? 'RDONLY' : 'RW');
  if (!lpa2) f.push(`SH=${Number((e >> 8n) & 3n)}`);
  if (has(e, 10)) f.push('AF');
  if (has(e, 11)) f.push('nG');
  if (has(e, 50)) f.push('GP');
  if (has(e, 51)) f.push('DBM');
  if (has(e, 52)) f.push('CONT');
  if (has(e, 53)) f.push('PXN');
  if (has(e, 54)) f.push('UXN');
  if (has(e, 55)) f.push('dirty');
  if (has(e, 56)) f.push('special');
  if (has(e, 58)) f.push('uffd-wp');
  const shift = a.levels[level].shift;
  if (level > 0) {
    // Blocks: level 2 always; level 1 only with the 4K granule (or 52-bit
    // 16K/64K); level 0 only with 4K and LPA2.
    const ok = hwLevel === 2 || (hwLevel === 1 && (g === 12 || a.paBits === 52)) || (hwLevel === 0 && g === 12 && lpa2);
    if (!ok) return stop('bad', f, `block descriptor not allowed at level ${hwLevel} with a ${fmtSize(B(g))} granule`);
    const low = e & MASK(shift - 1, g);
    if (low !== 0n) return stop('reserved', f, `reserved bits set (0x${low.toString(16)} inside a block's output address)`);
  }
  const rsvd = !lpa2 ? e & MASK(49, 48) : 0n;
  if (rsvd !== 0n) return stop('reserved', f, `reserved bits set (0x${rsvd.toString(16)}: OA[49:48] without 52-bit PA)`);
  const span = B(shift);
  const out = outAddr(shift);
  if (has(e, 52) && a.cont[level] > 1) {
    const n = a.cont[level];
    return { ...leaf(f, out, span, span * BigInt(n)), group: { entries: n, step: span, same: B(52) | B(0) | B(1) } };
  }
  return leaf(f, out, span);
}

// RISC-V privileged spec, "Sv39/Sv48/Sv57" and "Svnapot", with the Linux
// bits of arch/riscv/include/asm/pgtable-bits.h / pgtable-64.h.
function decodeRiscv(a: XlatArch, e: bigint, level: number): HwEntry {
  const f: string[] = [];
  if (!has(e, 0)) {
    if (e === 0n) return invalid([], 'invalid (none)');
    return invalid(has(e, 5) ? ['!V', 'PROT_NONE'] : ['!V'], has(e, 5) ? 'invalid (PROT_NONE: present to Linux only)' : 'invalid');
  }
  const r = has(e, 1);
  const w = has(e, 2);
  const x = has(e, 3);
  f.push('V');
  if (r) f.push('R');
  if (w) f.push('W');
  if (x) f.push('X');
  if (has(e, 4)) f.push('U');
  if (has(e, 5)) f.push('G');
  if (has(e, 6)) f.push('A');
  if (has(e, 7)) f.push('D');
  if (has(e, 8)) f.push('special');
  if (has(e, 9)) f.push('RSW9');
  if (has(e, 59)) f.push('soft-dirty');
  if (has(e, 60)) f.push('uffd-wp');
  const pbmt = Number((e >> 61n) & 3n);
  if (pbmt) f.push(pbmt === 1 ? 'NC' : pbmt === 2 ? 'IO' : 'PBMT=3');
  const napot = has(e, 63);
  if (napot) f.push('N');
  if (!r && w) return stop('reserved', f, 'reserved encoding (W without R)');
  const rsv = e & MASK(58, 54);
  if (rsv !== 0n) return stop('reserved', f, `reserved bits set (0x${rsv.toString(16)} in bits 54-58)`);
  if (pbmt === 3) return stop('reserved', f, 'reserved bits set (PBMT = 3)');
  const ppn = (e >> 10n) & (B(44) - 1n);
  if (!r && !w && !x) {
    if (level === 0) return stop('bad', f, 'bad table (a pointer at the last level)');
    const bad = e & (B(4) | B(6) | B(7) | B(61) | B(62) | B(63));
    if (bad !== 0n) return stop('reserved', f, `reserved bits set (0x${bad.toString(16)}: U/A/D/PBMT/N in a non-leaf PTE)`);
    return table(f, ppn << 12n);
  }
  const shift = a.levels[level].shift;
  if (napot) {
    // Svnapot: only at level 0, PPN[3:0] = 1000b -> a 64K page.
    if (level !== 0 || (ppn & 0xfn) !== 8n) return stop('reserved', f, 'reserved NAPOT encoding (only 64K: PPN[3:0] = 1000 at level 0)');
    const base = (ppn & ~0xfn) << 12n;
    // All 16 PTEs are identical (A/D may be set per entry by the hardware).
    return { ...leaf(f, base, 0x10000n), group: { entries: 16, step: 0n, same: ~(B(6) | B(7)) } };
  }
  const lowPpn = ppn & (B(shift - 12) - 1n);
  if (lowPpn !== 0n) return stop('reserved', f, `misaligned superpage (PPN low bits 0x${lowPpn.toString(16)})`);
  return leaf(f, ppn << 12n, B(shift));
}

// PowerPC 8xx: pte-8xx.h (PTE and PMD bits, __pte_leaf_size) and, for the
// legacy layout, the pre-6.11 hugepd (nohash/pgtable.h hugepd_ok: PMD &
// _PMD_PAGE_MASK == _PMD_PAGE_8M; hugetlb-8xx.h hugepd_populate: the PMD
// points to a hugepte table whose one entry is the 8M page, shared by both
// PMDs of the 8M range).
function decode8xx(a: XlatArch, e: bigint, level: number, parent: HwEntry | null): HwEntry {
  const f: string[] = [];
  if (level === 1) {
    if (e === 0n) return invalid([], 'not present (none)');
    if (!has(e, 0)) return invalid(['!V'], 'not present');
    f.push('V');
    const ps = Number(e & 0xcn);
    if (ps === 0xc) f.push('PS=8M');
    else if (ps === 0x4) f.push('PS=512K');
    else if (ps) f.push(`PS=${ps.toString(16)}`);
    if (has(e, 5)) f.push('A');
    f.push(has(e, 6) ? 'USER' : 'KERNEL');
    if (e & 0xf90n) return stop('bad', f, `bad table (pmd_bad: 0x${(e & 0xf90n).toString(16)})`);
    const next = e & 0xfffff000n;
    if (a.hugepd && ps === 0xc) return { ...table(f, next), hugepdShift: 23 };
    return { ...table(f, next), pmd8M: ps === 0xc };
  }
  if (e === 0n) return invalid([], 'not present (none)');
  if (!has(e, 0)) return invalid(has(e, 1) ? ['!V', 'PROT_NONE(model)'] : ['!V'], 'not present');
  f.push('V');
  if (has(e, 1)) f.push('CI');
  if (has(e, 2)) f.push('SH');
  if (has(e, 3)) f.push('SPS');
  if (has(e, 4)) f.push('G');
  if (has(e, 5)) f.push('A');
  if (has(e, 6)) f.push('X');
  if (has(e, 7)) f.push('special');
  if (has(e, 8)) f.push('D');
  const pp = Number(e & 0x600n);
  f.push(pp === 0 ? 'RW' : pp === 0x200 ? 'NA' : pp === 0x600 ? 'RO' : 'PP=0x400');
  if (has(e, 11)) f.push('HUGE');
  const rpn = e & 0xfffff000n;
  if (parent?.hugepdShift !== undefined) {
    const size = B(parent.hugepdShift);
    const low = rpn & (size - 1n);
    if (low !== 0n) return stop('reserved', f, `misaligned ${fmtSize(size)} hugepte (0x${low.toString(16)})`);
    return leaf(f, rpn, size);
  }
  if (parent?.pmd8M) {
    // 1024 PTEs per 4M half, address advancing 4K per entry.
    return { ...leaf(f, rpn, 0x1000n, 0x800000n), group: { entries: 1024, step: 0x1000n, same: 0xfffn } };
  }
  if (has(e, 11)) return { ...leaf(f, rpn, 0x1000n, 0x80000n), group: { entries: 128, step: 0x1000n, same: 0xfffn } };
  if (has(e, 3)) return { ...leaf(f, rpn, 0x1000n, 0x4000n), group: { entries: 4, step: 0x1000n, same: 0xfffn } };
  return leaf(f, rpn, 0x1000n);
}

// book3s64: the Linux PTE format both MMUs use (book3s/64/pgtable.h); radix
// page-directory entries (radix.h RADIX_P?D_VAL_BITS = V | NLS,
// RADIX_PMD_BAD_BITS 0x60000000000000e0; Power ISA v3 radix tree: PDE NLB
// bits 8-55, NLS bits 0-4); hash tables are walked by the kernel (hash.h:
// pointer | HASH_P?D_VAL_BITS).
function decodeBook3s(a: XlatArch, e: bigint, level: number): HwEntry {
  const f: string[] = [];
  const present = has(e, 63);
  if (!present) {
    if (e === 0n) return invalid([], 'not present (none)');
    if (has(e, 61) && has(e, 62)) return invalid(['!V', 'INVALID'], 'not present (invalidated: present to Linux)');
    return invalid(['!V'], 'not present');
  }
  f.push('V');
  const isLeaf = has(e, 62);
  const paMask = MASK(a.paBits - 1, 0);
  if (!isLeaf) {
    if (level === 0) return stop('bad', f, 'bad table (an entry without _PAGE_PTE at the last level)');
    if (a.family === 'radix') {
      const nls = Number(e & 0x1fn);
      f.push(`NLS=${nls}`);
      const bad = e & 0x60000000000000e0n;
      if (bad !== 0n) return stop('bad', f, `bad table (RADIX_PMD_BAD_BITS 0x${bad.toString(16)})`);
      return { ...table(f, e & paMask & ~0xffn), nls };
    }
    const bad = e & 0x60000000000000ffn;
    if (bad !== 0n) return stop('bad', f, `bad table (bits 0x${bad.toString(16)})`);
    return table(f, e & paMask & ~0xffn);
  }
  f.push('PTE');
  if (has(e, 0)) f.push('X');
  if (has(e, 1)) f.push('W');
  if (has(e, 2)) f.push('R');
  f.push(has(e, 3) ? 'PRIV' : 'USER');
  const att = Number((e >> 4n) & 3n);
  if (att) f.push(att === 1 ? 'SAO' : att === 2 ? 'NON_IDEMPOTENT' : 'TOLERANT');
  if (has(e, 7)) f.push('C(dirty)');
  if (has(e, 8)) f.push('R(accessed)');
  if (has(e, 9)) f.push('soft-dirty');
  if (has(e, 10)) f.push('special');
  if (a.family === 'hash') {
    if (has(e, 12)) f.push('COMBO');
    if (has(e, 13)) f.push(level > 0 ? 'THP_HUGE' : '4K_PFN');
  }
  if (has(e, 61)) f.push('SW0');
  if (level === a.levels.length - 1) return stop('bad', f, 'bad table (a leaf at the PGD level)');
  const shift = a.levels[level].shift;
  const low = e & MASK(shift - 1, a.pageShift);
  if (level > 0 && low !== 0n) return stop('reserved', f, `misaligned ${fmtSize(B(shift))} leaf (0x${low.toString(16)})`);
  const rpn = e & MASK(a.paBits - 1, shift);
  return leaf(f, rpn, B(shift));
}

// ------------------------------------------------------------------- walk

/** Physical memory the walk reads: an image, or the model's table store. */
export interface PhysReader {
  /** The entry-size word at `pa` (0 when nothing is stored there). */
  read(pa: bigint, bytes: 4 | 8): Word2;
  /** Whether any memory is present in [pa, pa + len). */
  present(pa: bigint, len: bigint): boolean;
}

export interface XlatStep {
  level: number;
  name: string;
  index: number;
  /** Physical address of the entry. */
  entryAddr: bigint;
  value: bigint;
  hw: HwEntry;
  /** Warnings that do not stop the walk (e.g. a radix NLS mismatch). */
  notes: string[];
}

export interface XlatResult {
  va: bigint;
  /** The top-level table used (root or kroot). */
  root?: bigint;
  steps: XlatStep[];
  pa?: bigint;
  size?: bigint;
  /** Level of the leaf. */
  level?: number;
  error?: string;
}

const M64 = (1n << 64n) - 1n;

/** Check the canonical form and pick the root; returns an error string or the root. */
function rootFor(a: XlatArch, va: bigint, root: bigint, kroot: bigint | undefined): bigint | string {
  if (va < 0n || va > M64) return 'address is not a 64-bit value';
  if (a.family === 'ppc8xx') {
    if (va >= B(32)) return 'address is above 4G (32-bit effective addresses)';
    return va >= 0xc0000000n && kroot !== undefined ? kroot : root;
  }
  if (a.family === 'radix' || a.family === 'hash') {
    const quadrant = Number(va >> 62n);
    if ((va & MASK(61, a.vaBits)) !== 0n) return `address is not canonical (EA bits 61:${a.vaBits} are not zero)`;
    if (quadrant === 1 || quadrant === 2) return `address is in quadrant ${quadrant} (not translated by these tables)`;
    return quadrant === 3 && kroot !== undefined ? kroot : root;
  }
  // x86-64 and RISC-V sign-extend bit VA-1; arm64 selects TTBR0/TTBR1 by
  // bits 63:VA (all zeros or all ones), bit VA-1 being an index bit.
  const from = a.family === 'arm64' ? a.vaBits : a.vaBits - 1;
  const upper = va >> BigInt(from);
  const ones = B(64 - from) - 1n;
  if (upper !== 0n && upper !== ones) return `address is not canonical (bits 63:${from} must all be equal)`;
  return upper !== 0n && kroot !== undefined ? kroot : root;
}

function fieldOf(va: bigint, shift: number, bits: number): number {
  return Number((va >> BigInt(shift)) & (B(bits) - 1n));
}

/** Read an entry as a BigInt. */
function readEntry(mem: PhysReader, a: XlatArch, pa: bigint): bigint {
  const w = mem.read(pa, a.entryBytes);
  return a.entryBytes === 4 ? BigInt(w.lo >>> 0) : toBigInt(w.lo, w.hi);
}

/**
 * Translate one virtual address through the tables at `root` (kernel
 * addresses through `kroot` when given): every level's entry, then the
 * physical address and leaf size, or why it fails.
 */
export function translate(a: XlatArch, mem: PhysReader, root: bigint, va: bigint, kroot?: bigint): XlatResult {
  const res: XlatResult = { va, steps: [] };
  const r = rootFor(a, va, root, kroot);
  if (typeof r === 'string') {
    res.error = r;
    return res;
  }
  res.root = r;
  let tableAddr = r;
  let parent: HwEntry | null = null;
  let level = a.levels.length - 1;
  for (;;) {
    const L = a.levels[level];
    let index: number;
    let tableEntries: number;
    if (parent?.hugepdShift !== undefined) {
      // hugepte_offset: index = (addr & (PMD span - 1)) >> hugepd shift.
      const pdShift = a.levels[level + 1].shift;
      tableEntries = Math.max(1, 2 ** (pdShift - parent.hugepdShift));
      index = tableEntries === 1 ? 0 : fieldOf(va, parent.hugepdShift, pdShift - parent.hugepdShift);
    } else {
      index = fieldOf(va, L.shift, L.bits);
      tableEntries = 2 ** L.bits;
    }
    const tableBytes = BigInt(tableEntries * a.entryBytes);
    if ((tableAddr & BigInt(Math.min(tableEntries * a.entryBytes, 1 << a.pageShift) - 1)) !== 0n && a.family !== 'radix') {
      res.error = `bad table at ${L.name}: 0x${tableAddr.toString(16)} is not aligned to the table size`;
      return res;
    }
    if (!mem.present(tableAddr, tableBytes)) {
      res.error = `bad table at ${L.name}: no memory at 0x${tableAddr.toString(16)}`;
      return res;
    }
    const entryAddr = tableAddr + BigInt(index * a.entryBytes);
    const value = readEntry(mem, a, entryAddr);
    const hw = decodeHw(a, value, level, parent);
    const step: XlatStep = { level, name: L.name, index, entryAddr, value, hw, notes: [] };
    res.steps.push(step);
    if (hw.kind === 'table') {
      if (level === 0) {
        res.error = `bad table at ${L.name}: a table pointer at the last level`;
        return res;
      }
      if (hw.nls !== undefined && hw.nls !== a.levels[level - 1].bits) step.notes.push(`NLS ${hw.nls}, but the ${a.levels[level - 1].name} level has ${a.levels[level - 1].bits} index bits`);
      if (hw.pmd8M) {
        const pairAddr = tableAddr + BigInt((index ^ 1) * a.entryBytes);
        const pair = decodeHw(a, readEntry(mem, a, pairAddr), level, parent);
        if (!pair.pmd8M) {
          res.error = `bad 8M page at ${L.name}[${index}]: the other PMD of the pair (${L.name}[${index ^ 1}]) is not flagged _PMD_PAGE_8M`;
          return res;
        }
      }
      parent = hw;
      tableAddr = hw.addr;
      level--;
      continue;
    }
    if (hw.kind !== 'leaf') {
      res.error = `${hw.reason ?? hw.kind} at ${L.name}`;
      return res;
    }
    if (hw.group) {
      // Every entry of the naturally aligned group must be a leaf of the same
      // size and kind, its output advancing from the group's first entry.
      const g = hw.group;
      const first = index - (index % g.entries);
      const e0 = readEntry(mem, a, tableAddr + BigInt(first * a.entryBytes));
      const d0 = decodeHw(a, e0, level, parent);
      for (let i = 0; i < g.entries; i++) {
        const other = i === 0 ? e0 : readEntry(mem, a, tableAddr + BigInt((first + i) * a.entryBytes));
        const d = i === 0 ? d0 : decodeHw(a, other, level, parent);
        const expect = d0.addr + BigInt(i) * g.step;
        if (d0.kind !== 'leaf' || d.kind !== 'leaf' || d.addr !== expect || (other & g.same) !== (e0 & g.same) || d.size !== hw.size) {
          res.error = `inconsistent ${fmtSize(hw.size)} group at ${L.name}[${first + i}] (the group is ${L.name}[${first}..${first + g.entries - 1}])`;
          return res;
        }
      }
    }
    res.pa = hw.addr + (va & (hw.span - 1n));
    res.size = hw.size;
    res.level = level;
    return res;
  }
}

/** 4K, 2M, 1G, 16G, or hex. */
export function fmtSize(bytes: bigint): string {
  const units: [bigint, string][] = [[1n << 40n, 'T'], [1n << 30n, 'G'], [1n << 20n, 'M'], [1n << 10n, 'K']];
  for (const [u, s] of units) if (bytes >= u && bytes % u === 0n) return `${bytes / u}${s}`;
  return `0x${bytes.toString(16)}`;
}
