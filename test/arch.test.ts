// Entry codecs and geometry of every format, checked bit for bit against the
// kernel headers:
// - x86-64: arch/x86/include/asm/pgtable_types.h (_PAGE_BIT_*), pgtable_64.h
//   (__swp_entry with the inverted offset), pgtable.h (pte_present/pmd_present,
//   pte_none and _PAGE_KNL_ERRATUM_MASK), pgtable-invert.h (protnone_mask).
// - arm64: arch/arm64/include/asm/pgtable-hwdef.h (PTE_VALID, PTE_TYPE_*,
//   PMD_TYPE_SECT, PTE_AF, PTE_CONT, PTE_UXN), pgtable-prot.h (PTE_WRITE = DBM,
//   PTE_DIRTY, PTE_SPECIAL, PTE_UFFD_WP, PTE_PRESENT_INVALID = PTE_NG),
//   pgtable.h (swap layout: type 6-10, offset 12-61).
// Expected values are written out by hand (or with BigInt from the kernel's
// own macro), never computed with the code under test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attr,
  Kind,
  SwpFlag,
  bit,
  bits,
  fieldMask,
  formatNames,
  getField,
  getFormat,
  hex64,
  parse64,
  putField,
  toBigInt,
  type EntryCodec,
  type Word2,
} from '../src/arch/index.js';

const K = 1024;
const M = 1024 * K;
const G = 1024 * M;

/** The 64-bit value of a codec result (codec.out is reused: read it at once). */
const v64 = (w: Word2): bigint => toBigInt(w.lo, w.hi);
/** Split a 64-bit value into words. */
const words = (v: bigint): Word2 => ({ lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) });
const B = (n: number): bigint => 1n << BigInt(n);
const M64 = (1n << 64n) - 1n;

const leafOf = (c: EntryCodec, pfn: number, attrs: number, level: number): bigint => v64(c.leaf(pfn, attrs, level));
const kindOf = (c: EntryCodec, v: bigint, level: number): number => {
  const w = words(v);
  return c.kind(w.lo, w.hi, level);
};
const pfnOf = (c: EntryCodec, v: bigint): number => {
  const w = words(v);
  return c.pfn(w.lo, w.hi);
};
const attrsOf = (c: EntryCodec, v: bigint): number => {
  const w = words(v);
  return c.attrs(w.lo, w.hi);
};

// ------------------------------------------------------------------ bits.ts

describe('bits.ts', () => {
  test('bit / bits / fieldMask build the right words', () => {
    assert.deepEqual(bit(0), { lo: 1, hi: 0 });
    assert.deepEqual(bit(31), { lo: 0x80000000, hi: 0 });
    assert.deepEqual(bit(32), { lo: 0, hi: 1 });
    assert.deepEqual(bit(63), { lo: 0, hi: 0x80000000 });
    for (const n of [-1, 64, 1.5]) assert.throws(() => bit(n), RangeError);
    assert.deepEqual(bits(0, 63, bit(5)), { lo: 0x21, hi: 0x80000000 });
    assert.deepEqual(fieldMask(12, 40), { lo: 0xfffff000, hi: 0x000fffff }); // PTE_PFN_MASK
    assert.deepEqual(fieldMask(28, 8), { lo: 0xf0000000, hi: 0xf });
    assert.deepEqual(fieldMask(9, 50), words(((1n << 50n) - 1n) << 9n));
  });

  test('getField/putField across the word boundary', () => {
    const o = { lo: 0, hi: 0 };
    putField(o, 28, 8, 0xba);
    assert.deepEqual(o, { lo: 0xa0000000, hi: 0xb });
    assert.equal(getField(0xa0000000, 0xb, 28, 8), 0xba);
    // 52-bit fields (the widest the helpers promise) at the edges.
    assert.equal(getField(0xffffffff, 0xffffffff, 12, 52), 2 ** 52 - 1);
    assert.equal(getField(0xffffffff, 0xffffffff, 0, 52), 2 ** 52 - 1);
    assert.equal(getField(0xffffffff, 0xffffffff, 9, 50), 2 ** 50 - 1);
    assert.equal(getField(0, 0x80000000, 63, 1), 1);
    assert.equal(getField(0x12345678, 0x9abcdef0, 32, 32), 0x9abcdef0);
    assert.equal(getField(0x12345678, 0x9abcdef0, 0, 32), 0x12345678);
    assert.equal(getField(0x12345678, 0x9abcdef0, 4, 40), Number((0x9abcdef012345678n >> 4n) & ((1n << 40n) - 1n)));
    const p = { lo: 0, hi: 0 };
    putField(p, 12, 40, 2 ** 40 - 1);
    assert.deepEqual(p, { lo: 0xfffff000, hi: 0x000fffff });
    for (const bad of [-1, 2 ** 8, 1.5]) assert.throws(() => putField({ lo: 0, hi: 0 }, 28, 8, bad), RangeError);
  });

  test('put then get round-trips every (shift, width) and leaves other bits alone', () => {
    const widths = [1, 5, 9, 13, 20, 31, 32, 33, 40, 50, 52];
    for (let shift = 0; shift < 64; shift++) {
      for (const width of widths) {
        if (shift + width > 64) continue;
        const max = 2 ** width - 1;
        for (const value of [0, 1, max, Math.floor(max / 3), Math.floor(max * 0.7)]) {
          const o = { lo: 0, hi: 0 };
          putField(o, shift, width, value);
          assert.equal(toBigInt(o.lo, o.hi), BigInt(value) << BigInt(shift), `put ${shift}/${width}/${value}`);
          // On an all-ones background outside the field, get still reads only the field.
          const fm = ((1n << BigInt(width)) - 1n) << BigInt(shift);
          const full = (M64 & ~fm) | (BigInt(value) << BigInt(shift));
          const w = words(full);
          assert.equal(getField(w.lo, w.hi, shift, width), value, `get ${shift}/${width}/${value}`);
        }
      }
    }
  });

  test('parse64 / hex64 / toBigInt round trip', () => {
    assert.deepEqual(parse64('0x8000000012345067'), { lo: 0x12345067, hi: 0x80000000 });
    assert.deepEqual(parse64('4096'), { lo: 4096, hi: 0 });
    assert.deepEqual(parse64('0xffffffffffffffff'), { lo: 0xffffffff, hi: 0xffffffff });
    assert.equal(hex64(0x12345067, 0x80000000), '0x8000000012345067');
    assert.equal(hex64(-1, 0), '0x00000000ffffffff'); // signed words are read unsigned
    assert.equal(hex64(0, 0), '0x0000000000000000');
    for (const h of ['0x0000000000000000', '0x8000000012345067', '0x07fffffffffffe00', '0xffffffffffffffff', '0x000fffffedcba124']) {
      const w = parse64(h);
      assert.equal(hex64(w.lo, w.hi), h);
      assert.equal(toBigInt(w.lo, w.hi), BigInt(h));
    }
    assert.throws(() => parse64('0x10000000000000000'), RangeError);
    assert.throws(() => parse64('-1'), RangeError);
  });
});

// -------------------------------------------------------------------- x86-64

describe('x86-64 codec (arch/x86/include/asm/pgtable_types.h, pgtable_64.h)', () => {
  const c = getFormat('x86_64').codec;
  // _PAGE_BIT_PRESENT 0, RW 1, USER 2, PWT 3, PCD 4, ACCESSED 5, DIRTY 6,
  // PSE 7, GLOBAL 8 (= PROTNONE when !PRESENT), SOFTW1 9 (SPECIAL),
  // SOFTW2 10 (UFFD_WP), SOFTW3 11 (SOFT_DIRTY), NX 63.
  const PFN_MASK = 0x000ffffffffff000n; // PTE_PFN_MASK with __PHYSICAL_MASK_SHIFT 52

  test('a 4K PTE: P|RW|US|A|D|NX = 0x8000000012345067', () => {
    const v = leafOf(c, 0x12345, Attr.VALID | Attr.WRITE | Attr.USER | Attr.YOUNG | Attr.DIRTY | Attr.NX, 0);
    assert.equal(v, 0x8000000012345067n);
    assert.equal(kindOf(c, v, 0), Kind.LEAF);
    assert.equal(pfnOf(c, v), 0x12345);
    assert.equal(attrsOf(c, v), Attr.VALID | Attr.WRITE | Attr.USER | Attr.YOUNG | Attr.DIRTY | Attr.NX);
    // A 4K PTE does not carry bit 7 (that is PAT there, not PSE).
    assert.equal(leafOf(c, 0x12345, Attr.VALID, 0), 0x12345001n);
  });

  test('PMD and PUD leaves carry PSE (bit 7)', () => {
    const pmd = leafOf(c, 0x12200, Attr.VALID | Attr.WRITE | Attr.USER | Attr.YOUNG | Attr.DIRTY, 1);
    assert.equal(pmd, 0x00000000122000e7n);
    assert.equal(kindOf(c, pmd, 1), Kind.LEAF);
    assert.equal(pfnOf(c, pmd), 0x12200);
    const pud = leafOf(c, 0x40000, Attr.VALID | Attr.WRITE | Attr.USER | Attr.YOUNG | Attr.DIRTY, 2);
    assert.equal(pud, 0x00000000400000e7n);
    assert.equal(kindOf(c, pud, 2), Kind.LEAF);
    // Without PSE a present PMD/PUD entry is a table pointer.
    assert.equal(kindOf(c, pmd & ~0x80n, 1), Kind.TABLE);
    assert.equal(kindOf(c, pud & ~0x80n, 2), Kind.TABLE);
  });

  test('table entries are _PAGE_TABLE = P|RW|US|A|D (0x67) and decode as TABLE at every upper level', () => {
    assert.equal(v64(c.table(0x1234)), 0x1234067n);
    assert.equal(v64(c.table(0xabcde12345)), 0x000abcde12345067n); // a 40-bit pfn reaches bit 51
    const t = v64(c.table(0x1234));
    for (const level of [1, 2, 3]) assert.equal(kindOf(c, t, level), Kind.TABLE, `level ${level}`);
    assert.equal(pfnOf(c, 0x000abcde12345067n), 0xabcde12345);
  });

  test('software bits: special = 9, uffd-wp = 10, soft-dirty = 11; PWT 3, PCD 4, GLOBAL 8', () => {
    const cases: [number, number][] = [
      [Attr.SPECIAL, 9],
      [Attr.UFFD_WP, 10],
      [Attr.SOFT_DIRTY, 11],
      [Attr.PWT, 3],
      [Attr.PCD, 4],
      [Attr.GLOBAL, 8],
      [Attr.WRITE, 1],
      [Attr.USER, 2],
      [Attr.YOUNG, 5],
      [Attr.DIRTY, 6],
      [Attr.NX, 63],
    ];
    for (const [a, b] of cases) {
      const v = leafOf(c, 0, Attr.VALID | a, 0);
      assert.equal(v, 1n | B(b), `attr ${a} -> bit ${b}`);
      assert.equal(attrsOf(c, v), Attr.VALID | a);
    }
    assert.equal(c.supports(Attr.CONT), false);
    assert.throws(() => c.leaf(1, Attr.VALID | Attr.CONT, 0), /cannot encode attribute CONT/);
  });

  test('PROTNONE: bit 8 set, bit 0 clear, pfn stored inverted (L1TF), still present at PTE and PMD level', () => {
    const v = leafOf(c, 0x12345, Attr.PROTNONE | Attr.USER | Attr.YOUNG, 0);
    // pfn_pte(): pfn ^= protnone_mask(prot) (all ones when val && !PRESENT), then << PAGE_SHIFT & PTE_PFN_MASK.
    const expected = (((~0x12345n) << 12n) & PFN_MASK) | 0x100n | 0x20n | 0x4n;
    assert.equal(expected, 0x000fffffedcba124n);
    assert.equal(v, expected);
    assert.equal(v & 1n, 0n);
    assert.equal(pfnOf(c, v), 0x12345); // pte_pfn() inverts back
    assert.equal(kindOf(c, v, 0), Kind.LEAF); // pte_present = PRESENT|PROTNONE
    assert.equal(attrsOf(c, v), Attr.PROTNONE | Attr.USER | Attr.YOUNG);
    const pmd = leafOf(c, 0x12200, Attr.PROTNONE | Attr.YOUNG, 1);
    assert.equal(pmd, (((~0x12200n) << 12n) & PFN_MASK) | 0x100n | 0x80n | 0x20n);
    assert.equal(kindOf(c, pmd, 1), Kind.LEAF); // pmd_present = PRESENT|PROTNONE|PSE
    assert.equal(pfnOf(c, pmd), 0x12200);
  });

  test('pmd_present includes PSE: an invalidated PMD (pmdp_invalidate) is still a leaf, the same bits at PTE level are not', () => {
    // pmd_mkinvalid: flags & ~(PRESENT|PROTNONE), pfn re-encoded inverted.
    const v = (((~0x12200n) << 12n) & PFN_MASK) | 0x80n | 0x40n | 0x20n | 0x4n | 0x2n;
    assert.equal(kindOf(c, v, 1), Kind.LEAF);
    assert.equal(pfnOf(c, v), 0x12200);
    assert.equal(kindOf(c, v, 0), Kind.SWAP); // bit 7 is PAT in a PTE: not present
  });

  test('bit 8 with PRESENT set decodes GLOBAL, not PROTNONE', () => {
    const v = leafOf(c, 0x12345, Attr.VALID | Attr.GLOBAL, 0);
    assert.equal(v, 0x12345101n); // pfn not inverted in a present entry
    assert.equal(attrsOf(c, v), Attr.VALID | Attr.GLOBAL);
    assert.equal(pfnOf(c, v), 0x12345);
    assert.equal(c.has(words(v).lo, words(v).hi, Attr.PROTNONE), false);
  });

  // __swp_entry(t, o) = ((~o << SWP_OFFSET_SHIFT(14)) >> SWP_TYPE_BITS(5)) | (t << 59)
  const kSwp = (t: number, o: number): bigint => ((((~BigInt(o)) << 14n) & M64) >> 5n) | (BigInt(t) << 59n);
  // _PAGE_SWP_EXCLUSIVE = PWT (3), _PAGE_SWP_UFFD_WP = USER (2), _PAGE_SWP_SOFT_DIRTY = RW (1)
  const flagBits = (f: number): bigint =>
    ((f & SwpFlag.EXCLUSIVE) !== 0 ? 8n : 0n) | ((f & SwpFlag.UFFD_WP) !== 0 ? 4n : 0n) | ((f & SwpFlag.SOFT_DIRTY) !== 0 ? 2n : 0n);

  test('swap entries match __swp_entry: type 59-63, ~offset 9-58, exclusive 3, uffd-wp 2, soft-dirty 1', () => {
    assert.equal(kSwp(0, 0), 0x07fffffffffffe00n);
    assert.equal(v64(c.swap(0, 0, 0)), 0x07fffffffffffe00n);
    assert.equal(v64(c.swap(1, 1, 0)), 0x0ffffffffffffc00n);
    assert.equal(v64(c.swap(0, 0, SwpFlag.EXCLUSIVE)), 0x07fffffffffffe08n);
    assert.equal(v64(c.swap(0, 0, SwpFlag.UFFD_WP)), 0x07fffffffffffe04n);
    assert.equal(v64(c.swap(0, 0, SwpFlag.SOFT_DIRTY)), 0x07fffffffffffe02n);
    const offsets = [0, 1, 2, 0x12345, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 40 + 3, 2 ** 50 - 2, 2 ** 50 - 1];
    const flagSets = [0, SwpFlag.EXCLUSIVE, SwpFlag.UFFD_WP, SwpFlag.SOFT_DIRTY, SwpFlag.EXCLUSIVE | SwpFlag.UFFD_WP | SwpFlag.SOFT_DIRTY];
    for (const type of [0, 1, 17, 31]) {
      for (const off of offsets) {
        for (const f of flagSets) {
          const w = c.swap(type, off, f);
          const lo = w.lo;
          const hi = w.hi;
          const v = toBigInt(lo, hi);
          const what = `type ${type} offset ${off} flags ${f}`;
          assert.equal(v, kSwp(type, off) | flagBits(f), what);
          assert.equal(c.swpType(lo, hi), type, what);
          assert.equal(c.swpOffset(lo, hi), off, what);
          assert.equal(c.swpFlags(lo, hi), f, what);
          assert.equal(v & 0x181n, 0n, `${what}: PRESENT, PSE and PROTNONE must be 0`);
          if (v !== 0n) {
            assert.equal(c.kind(lo, hi, 0), Kind.SWAP, what);
            assert.equal(c.kind(lo, hi, 1), Kind.SWAP, `${what} (pmd_present must be false)`);
          }
        }
      }
    }
    // The one all-zero swap value (type 0, offset 2^50-1, no flags) is pte_none, in the kernel too.
    assert.equal(kSwp(0, 2 ** 50 - 1), 0n);
  });

  test('pte_none ignores A and D (_PAGE_KNL_ERRATUM_MASK)', () => {
    for (const lo of [0x20, 0x40, 0x60]) {
      assert.equal(c.isNone(lo, 0), true, `0x${lo.toString(16)}`);
      assert.equal(c.kind(lo, 0, 0), Kind.NONE);
      assert.equal(c.kind(lo, 0, 1), Kind.NONE);
    }
    assert.equal(c.isNone(0, 0), true);
    assert.equal(c.isNone(0x61, 0), false);
    assert.equal(c.isNone(0x2, 0), false);
    assert.equal(c.isNone(0, 0x80000000), false);
  });
});

// --------------------------------------------------------------------- arm64

describe('arm64 codec (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h, pgtable.h)', () => {
  const c = getFormat('arm64-4k').codec;
  // Every user leaf of this model carries SH (8,9), nG (11) and PXN (53).
  const COMMON = 0x300n | 0x800n | B(53);
  const RDONLY = 0x80n; // AP[2]
  const USER = 0x40n; // AP[1]
  const AF = 0x400n;

  test('4K page at level 0 has bits[1:0] = 0b11 (PTE_TYPE_PAGE)', () => {
    const v = leafOf(c, 0x12345, Attr.VALID | Attr.USER | Attr.YOUNG, 0);
    assert.equal(v, 0x0020000012345fc3n);
    assert.equal(v, (0x12345n << 12n) | 0b11n | USER | RDONLY | AF | COMMON);
    assert.equal(v & 3n, 3n);
    assert.equal(kindOf(c, v, 0), Kind.LEAF);
    assert.equal(pfnOf(c, v), 0x12345);
    assert.equal(attrsOf(c, v), Attr.VALID | Attr.USER | Attr.YOUNG);
  });

  test('blocks at levels 1 and 2 have bits[1:0] = 0b01 (PMD_TYPE_SECT)', () => {
    const pmd = leafOf(c, 0x200, Attr.VALID | Attr.USER | Attr.YOUNG, 1);
    assert.equal(pmd, 0x0020000000200fc1n);
    assert.equal(pmd & 3n, 1n);
    assert.equal(kindOf(c, pmd, 1), Kind.LEAF);
    const pud = leafOf(c, 0x40000, Attr.VALID, 2);
    assert.equal(pud, 0x0020000040000b81n);
    assert.equal(kindOf(c, pud, 2), Kind.LEAF);
    assert.equal(pfnOf(c, pud), 0x40000);
  });

  test('table entries are 0b11 and decode as TABLE at upper levels; 0b01 there is a block', () => {
    assert.equal(v64(c.table(0x12345)), 0x12345003n);
    for (const level of [1, 2, 3]) assert.equal(kindOf(c, 0x12345003n, level), Kind.TABLE, `0b11 at level ${level}`);
    for (const level of [1, 2]) assert.equal(kindOf(c, 0x12345001n, level), Kind.LEAF, `0b01 at level ${level}`);
    assert.equal(kindOf(c, 0x12345003n, 0), Kind.LEAF); // 0b11 at the last level is a page
  });

  test('writable clean = DBM with AP[2] set (pte_mkwrite_novma, pte_mkclean); DBM with AP[2] clear is hardware-dirty (pte_hw_dirty)', () => {
    const clean = leafOf(c, 0x12345, Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE, 0);
    assert.equal(clean & B(51), B(51), 'PTE_WRITE');
    assert.equal(clean & RDONLY, RDONLY, 'the MMU faults the first write (or sets dirty through DBM)');
    assert.equal(clean & B(55), 0n);
    assert.equal(attrsOf(c, clean), Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE);
    // The MMU's DBM update clears AP[2] only: dirty without the software bit.
    const hwDirty = clean & ~RDONLY;
    assert.equal(attrsOf(c, hwDirty), Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY);
    // Dirty but read-only (pte_wrprotect of a dirty page keeps PTE_DIRTY, sets AP[2]).
    const roDirty = leafOf(c, 0x12345, Attr.VALID | Attr.USER | Attr.DIRTY, 0);
    assert.equal(roDirty & (RDONLY | B(55) | B(51)), RDONLY | B(55));
    assert.equal(attrsOf(c, roDirty), Attr.VALID | Attr.USER | Attr.DIRTY);
  });

  test('WRITE = DBM (51) with AP[2] (7) clear; read-only = AP[2] set; DIRTY 55, SPECIAL 56, UFFD_WP 58, UXN 54 as NX', () => {
    const rw = leafOf(c, 0x12345, Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY | Attr.NX, 0);
    assert.equal(rw, 0x00e8000012345f43n);
    assert.equal(rw & RDONLY, 0n);
    assert.equal(rw & B(51), B(51));
    assert.equal(attrsOf(c, rw), Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY | Attr.NX);
    const ro = leafOf(c, 0x12345, Attr.VALID | Attr.USER | Attr.YOUNG, 0);
    assert.equal(ro & RDONLY, RDONLY);
    assert.equal(ro & B(51), 0n);
    const base = leafOf(c, 0, Attr.VALID, 0);
    const cases: [number, bigint][] = [
      [Attr.YOUNG, AF],
      [Attr.USER, USER],
      [Attr.CONT, B(52)],
      [Attr.NX, B(54)],
      [Attr.DIRTY, B(55)],
      [Attr.SPECIAL, B(56)],
      [Attr.UFFD_WP, B(58)],
    ];
    for (const [a, b] of cases) {
      const v = leafOf(c, 0, Attr.VALID | a, 0);
      assert.equal(v, base | b, `attr ${a}`);
      assert.equal(attrsOf(c, v), Attr.VALID | a);
    }
    assert.equal(base, 0x0020000000000b83n);
    for (const a of [Attr.SOFT_DIRTY, Attr.GLOBAL, Attr.PWT, Attr.PCD]) assert.equal(c.supports(a), false);
  });

  test('PROT_NONE is PTE_PRESENT_INVALID (nG) without VALID: present, pfn not inverted', () => {
    const v = leafOf(c, 0x12345, Attr.PROTNONE | Attr.USER | Attr.YOUNG, 0);
    assert.equal(v, 0x0020000012345fc2n);
    assert.equal(kindOf(c, v, 0), Kind.LEAF);
    assert.equal(pfnOf(c, v), 0x12345);
    assert.equal(attrsOf(c, v), Attr.PROTNONE | Attr.USER | Attr.YOUNG);
    const pmd = leafOf(c, 0x200, Attr.PROTNONE, 1);
    assert.equal(pmd & 3n, 0n);
    assert.equal(kindOf(c, pmd, 1), Kind.LEAF);
    // A valid entry with nG set is not PROT_NONE.
    assert.equal(attrsOf(c, leafOf(c, 0x12345, Attr.VALID, 0)) & Attr.PROTNONE, 0);
  });

  test('pfn field per granule: 4K at bit 12 (36 bits), 16K at bit 14 (34), 64K at bit 16 (32)', () => {
    const cases: [string, number, number][] = [
      ['arm64-4k', 12, 36],
      ['arm64-16k', 14, 34],
      ['arm64-64k', 16, 32],
    ];
    for (const [name, shift, width] of cases) {
      const cc = getFormat(name).codec;
      assert.equal(leafOf(cc, 3, Attr.VALID, 0), (3n << BigInt(shift)) | 0xb83n | B(53), name);
      const max = 2 ** width - 1;
      const v = leafOf(cc, max, Attr.VALID, 0);
      assert.equal(v & ~0xfffn & ~B(53), BigInt(max) << BigInt(shift), `${name}: the pfn ends at bit 47`);
      assert.equal(pfnOf(cc, v), max, name);
      assert.equal(v64(cc.table(max)), (BigInt(max) << BigInt(shift)) | 3n, name);
      assert.throws(() => cc.leaf(2 ** width, Attr.VALID, 0), RangeError, `${name}: pfn too wide`);
    }
  });

  test('swap layout: type 6-10, offset 12-61 (not inverted), exclusive 2, uffd-wp 3; no soft-dirty', () => {
    assert.equal(v64(c.swap(3, 0x12345, SwpFlag.EXCLUSIVE | SwpFlag.UFFD_WP)), 0x123450ccn);
    assert.equal(v64(c.swap(0, 1, 0)), 0x1000n);
    assert.equal(v64(c.swap(31, 2 ** 50 - 1, 0)), 0x3ffffffffffff7c0n);
    assert.equal(v64(c.swap(1, 1, SwpFlag.SOFT_DIRTY)), 0x1040n); // no _PAGE_SWP_SOFT_DIRTY on arm64
    for (const type of [0, 1, 31]) {
      for (const off of [1, 2, 2 ** 32 + 5, 2 ** 40, 2 ** 50 - 1]) {
        for (const f of [0, SwpFlag.EXCLUSIVE, SwpFlag.UFFD_WP, SwpFlag.EXCLUSIVE | SwpFlag.UFFD_WP]) {
          const w = c.swap(type, off, f);
          const lo = w.lo;
          const hi = w.hi;
          const v = toBigInt(lo, hi);
          const what = `type ${type} offset ${off} flags ${f}`;
          assert.equal(v, (BigInt(type) << 6n) | (BigInt(off) << 12n) | ((f & SwpFlag.EXCLUSIVE) !== 0 ? 4n : 0n) | ((f & SwpFlag.UFFD_WP) !== 0 ? 8n : 0n), what);
          assert.equal(c.swpType(lo, hi), type, what);
          assert.equal(c.swpOffset(lo, hi), off, what);
          assert.equal(c.swpFlags(lo, hi), f, what);
          assert.equal(v & 0x803n, 0n, `${what}: VALID, bit 1 and PTE_PRESENT_INVALID must be 0`);
          assert.equal(c.kind(lo, hi, 0), Kind.SWAP, what);
          assert.equal(c.kind(lo, hi, 1), Kind.SWAP, what);
        }
      }
    }
  });

  test('pte_none is a plain zero test on arm64 (no A/D erratum)', () => {
    assert.equal(c.isNone(0, 0), true);
    for (const lo of [0x20, 0x40, 0x60, 0x400]) assert.equal(c.isNone(lo, 0), false, `0x${lo.toString(16)}`);
    assert.equal(c.kind(0x60, 0, 0), Kind.SWAP);
  });
});

// ------------------------------------------------------------------ geometry

interface Geometry {
  shifts: number[];
  bits: number[];
  names: string[];
  leaf: number[];
  cont: number[];
  userVaBits: number;
  /** [bytes, level, cont] */
  leafSizes: [number, number, number][];
}

// Documentation/arch/arm64/memory.rst + hugetlbpage.rst, arch/x86/mm/hugetlbpage.c
const GEOMETRY: Record<string, Geometry> = {
  x86_64: {
    shifts: [12, 21, 30, 39],
    bits: [9, 9, 9, 9],
    names: ['pte', 'pmd', 'pud', 'pgd'],
    leaf: [1, 1, 1, 0],
    cont: [0, 0, 0, 0],
    userVaBits: 47,
    leafSizes: [[4 * K, 0, 1], [2 * M, 1, 1], [G, 2, 1]],
  },
  'x86_64-la57': {
    shifts: [12, 21, 30, 39, 48],
    bits: [9, 9, 9, 9, 9],
    names: ['pte', 'pmd', 'pud', 'p4d', 'pgd'],
    leaf: [1, 1, 1, 0, 0],
    cont: [0, 0, 0, 0, 0],
    userVaBits: 56,
    leafSizes: [[4 * K, 0, 1], [2 * M, 1, 1], [G, 2, 1]],
  },
  'arm64-4k': {
    shifts: [12, 21, 30, 39],
    bits: [9, 9, 9, 9],
    names: ['pte', 'pmd', 'pud', 'pgd'],
    leaf: [1, 1, 1, 0],
    cont: [16, 16, 0, 0],
    userVaBits: 48,
    leafSizes: [[4 * K, 0, 1], [64 * K, 0, 16], [2 * M, 1, 1], [32 * M, 1, 16], [G, 2, 1]],
  },
  'arm64-16k': {
    shifts: [14, 25, 36],
    bits: [11, 11, 11],
    names: ['pte', 'pmd', 'pgd'],
    leaf: [1, 1, 0],
    cont: [128, 32, 0],
    userVaBits: 47,
    leafSizes: [[16 * K, 0, 1], [2 * M, 0, 128], [32 * M, 1, 1], [G, 1, 32]],
  },
  'arm64-64k': {
    shifts: [16, 29, 42],
    bits: [13, 13, 6],
    names: ['pte', 'pmd', 'pgd'],
    leaf: [1, 1, 0],
    cont: [32, 32, 0],
    userVaBits: 48,
    leafSizes: [[64 * K, 0, 1], [2 * M, 0, 32], [512 * M, 1, 1], [16 * G, 1, 32]],
  },
  // arch/riscv/include/asm/pgtable-64.h, Documentation/arch/riscv/vm-layout.rst:
  // TASK_SIZE_64 = PGDIR_SIZE * PTRS_PER_PGD / 2; Svnapot 64K = 16 PTEs; Sv39
  // keeps its 1G leaves in the top level (PUD folded).
  'riscv64-sv39': {
    shifts: [12, 21, 30],
    bits: [9, 9, 9],
    names: ['pte', 'pmd', 'pgd'],
    leaf: [1, 1, 1],
    cont: [16, 0, 0],
    userVaBits: 38,
    leafSizes: [[4 * K, 0, 1], [64 * K, 0, 16], [2 * M, 1, 1], [G, 2, 1]],
  },
  'riscv64-sv48': {
    shifts: [12, 21, 30, 39],
    bits: [9, 9, 9, 9],
    names: ['pte', 'pmd', 'pud', 'pgd'],
    leaf: [1, 1, 1, 0],
    cont: [16, 0, 0, 0],
    userVaBits: 47,
    leafSizes: [[4 * K, 0, 1], [64 * K, 0, 16], [2 * M, 1, 1], [G, 2, 1]],
  },
  'riscv64-sv57': {
    shifts: [12, 21, 30, 39, 48],
    bits: [9, 9, 9, 9, 9],
    names: ['pte', 'pmd', 'pud', 'p4d', 'pgd'],
    leaf: [1, 1, 1, 0, 0],
    cont: [16, 0, 0, 0, 0],
    userVaBits: 56,
    leafSizes: [[4 * K, 0, 1], [64 * K, 0, 16], [2 * M, 1, 1], [G, 2, 1]],
  },
  // book3s/64 radix-4k.h (9/9/9/13), radix-64k.h (5/9/9/13), hash-64k.h (8/10/10/8);
  // TASK_SIZE_USER64 64TB (4K) / 4PB (64K); hugetlb radix 2M+1G, hash 16M+16G.
  'ppc64-radix-4k': {
    shifts: [12, 21, 30, 39],
    bits: [9, 9, 9, 13],
    names: ['pte', 'pmd', 'pud', 'pgd'],
    leaf: [1, 1, 1, 0],
    cont: [0, 0, 0, 0],
    userVaBits: 46,
    leafSizes: [[4 * K, 0, 1], [2 * M, 1, 1], [G, 2, 1]],
  },
  'ppc64-radix-64k': {
    shifts: [16, 21, 30, 39],
    bits: [5, 9, 9, 13],
    names: ['pte', 'pmd', 'pud', 'pgd'],
    leaf: [1, 1, 1, 0],
    cont: [0, 0, 0, 0],
    userVaBits: 52,
    leafSizes: [[64 * K, 0, 1], [2 * M, 1, 1], [G, 2, 1]],
  },
  'ppc64-hash-64k': {
    shifts: [16, 24, 34, 44],
    bits: [8, 10, 10, 8],
    names: ['pte', 'pmd', 'pud', 'pgd'],
    leaf: [1, 1, 1, 0],
    cont: [0, 0, 0, 0],
    userVaBits: 52,
    leafSizes: [[64 * K, 0, 1], [16 * M, 1, 1], [16 * G, 2, 1]],
  },
  // nohash/32/pgtable.h + pte-8xx.h: 2 levels of 1024 entries, 16K = 4 x SPS PTEs,
  // 512K = 128 x SPS|HUGE PTEs, 8M = two _PMD_PAGE_8M PGD entries over 2 x 1024 PTEs
  // (v6.11+), TASK_SIZE 0x80000000.
  'ppc-8xx': {
    shifts: [12, 22],
    bits: [10, 10],
    names: ['pte', 'pgd'],
    leaf: [1, 0],
    cont: [4, 0],
    userVaBits: 31,
    leafSizes: [[4 * K, 0, 1], [16 * K, 0, 4], [512 * K, 0, 128], [8 * M, 0, 2048]],
  },
};

describe('format geometry', () => {
  test('formatNames lists the x86-64 and arm64 formats first; every format has a geometry here; getFormat caches', () => {
    assert.deepEqual(formatNames().slice(0, 5), ['x86_64', 'x86_64-la57', 'arm64-4k', 'arm64-16k', 'arm64-64k']);
    for (const name of formatNames()) assert.ok(name in GEOMETRY, `no expected geometry for ${name}: add it (from the kernel headers) to GEOMETRY`);
    assert.equal(new Set(formatNames()).size, formatNames().length);
    assert.equal(getFormat('x86_64'), getFormat('x86_64'));
    assert.throws(() => getFormat('vax'), { message: `unknown architecture 'vax' (known: ${formatNames().join(', ')})` });
  });

  for (const name of formatNames()) {
    test(`${name}: levels, shift chain, entries, leaf sizes, user pages`, () => {
      const f = getFormat(name);
      const g = GEOMETRY[name];
      assert.ok(g !== undefined);
      const n = g.shifts.length;
      assert.equal(f.nlevels, n);
      assert.deepEqual([...f.levelNames], g.names);
      assert.deepEqual(f.spec.levels.map((l) => l.shift), g.shifts);
      assert.deepEqual(f.spec.levels.map((l) => l.bits), g.bits);
      for (let l = 1; l < n; l++) assert.equal(g.shifts[l], g.shifts[l - 1] + g.bits[l - 1], `shift chain at ${g.names[l]}`);
      assert.equal(f.pageShift, g.shifts[0]);
      assert.equal(f.pageSize, 2 ** g.shifts[0]);
      assert.deepEqual([...f.entries], g.bits.map((b) => 2 ** b));
      assert.equal(f.maxEntries, Math.max(...g.bits.map((b) => 2 ** b)));
      assert.deepEqual([...f.pagesPerEntry], g.shifts.map((s) => 2 ** (s - g.shifts[0])));
      for (let l = 0; l < n; l++) assert.equal(f.pagesPerEntry[l] * f.invPagesPerEntry[l], 1);
      assert.deepEqual([...f.leafAllowed], g.leaf);
      assert.deepEqual([...f.contEntries], g.cont);
      assert.equal(f.spec.userVaBits, g.userVaBits);
      // x86-64's TASK_SIZE_MAX leaves the top page of the user half unmapped.
      assert.equal(f.userPages, 2 ** (g.userVaBits - g.shifts[0]) - (f.spec.userTopGuardPage ? 1 : 0));
      assert.ok(g.userVaBits <= g.shifts[n - 1] + g.bits[n - 1], 'the tables cover user space');
      assert.deepEqual(
        f.leafSizes().map((s) => [s.bytes, s.level, s.cont]),
        g.leafSizes,
      );
      for (let l = 0; l < n; l++) {
        assert.equal(f.leafSize(l), 2 ** g.shifts[l]);
        assert.equal(f.levelForSize(2 ** g.shifts[l]), l);
      }
      assert.equal(f.levelForSize(3 * f.pageSize), -1);
      // A contiguous group is a leaf size but not a level.
      for (const [bytes, level, cont] of g.leafSizes) if (cont > 1) assert.equal(f.levelForSize(bytes), -1, `${bytes} (level ${level})`);
    });
  }

  test('x86_64 levelForSize: 4K, 2M, 1G, 512G', () => {
    const f = getFormat('x86_64');
    assert.deepEqual([4 * K, 2 * M, G, 512 * G, 64 * K].map((b) => f.levelForSize(b)), [0, 1, 2, 3, -1]);
  });

  test('x86_64-la57: user space reaches 2^56 and vpn arithmetic near the top stays exact', () => {
    const f = getFormat('x86_64-la57');
    assert.equal(f.userPages, 2 ** 44 - 1); // TASK_SIZE_MAX = 2^56 - PAGE_SIZE
    assert.equal(f.userPages * f.pageSize, 2 ** 56 - 4096);
    assert.equal(f.leafSize(4), 2 ** 48);
    const top = f.userPages; // the guard page: the last page below 2^56
    assert.ok(Number.isSafeInteger(top)); // vpns are safe integers; byte addresses above 2^53 are not
    assert.equal(BigInt(top * f.pageSize), (1n << 56n) - 4096n); // ...but page-aligned ones stay exact
    const idx = (vpn: number): number[] => Array.from({ length: f.nlevels }, (_, l) => Math.floor(vpn * f.invPagesPerEntry[l]) % f.entries[l]);
    assert.deepEqual(idx(top), [511, 511, 511, 511, 255]);
    assert.deepEqual(idx(2 ** 45 - 1), [511, 511, 511, 511, 511]);
    assert.deepEqual(idx(2 ** 44 - 512 + 3), [3, 511, 511, 511, 255]);
    assert.deepEqual(idx(2 ** 35), [0, 0, 0, 256, 0]); // the 4-level boundary (2^47 bytes)
  });
});
