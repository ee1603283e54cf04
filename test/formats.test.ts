// The riscv64 and powerpc formats, checked bit for bit against the kernel
// headers (expected values written out by hand from the header macros, never
// computed with the code under test):
// - riscv64: arch/riscv/include/asm/pgtable-bits.h (V R W X U G A D, RSW 8
//   = _PAGE_SPECIAL, _PAGE_PROT_NONE = _PAGE_GLOBAL, _PAGE_TABLE =
//   _PAGE_PRESENT, _PAGE_PFN_SHIFT 10), pgtable-64.h (PFN bits 10-53,
//   _PAGE_NAPOT bit 63, PGDIR_SHIFT_L3/L4/L5), pgtable.h (swap: type 7-11,
//   offset 12+, _PAGE_SWP_EXCLUSIVE = _PAGE_ACCESSED); Svrsw60t59b series
//   (soft-dirty 59 / swap 3, uffd-wp 60 / swap 4).
// - ppc-8xx: arch/powerpc/include/asm/nohash/32/pte-8xx.h, nohash/32/pgtable.h.
// - book3s64: arch/powerpc/include/asm/book3s/64/pgtable.h, radix.h,
//   radix-4k.h, radix-64k.h, hash-64k.h, hash.h, task_size_64.h.
// Plus, for every format: the hugetlb sizes and THP PMD size the model
// offers, against Linux's lists (observables-and-arch.md §6).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Format, Kind, SwpFlag, formatNames, getFormat, toBigInt, type EntryCodec, type Word2 } from '../src/arch/index.js';
import { ppc8xxSpec } from '../src/arch/ppc.js';
import { codecDecodesClearOnly } from '../src/arch/variants.js';
import { Kernel } from '../src/mm/kernel.js';
import { hugeGeometry } from '../src/mm/hugetlb.js';
import { pmdPages } from '../src/mm/thp.js';

const K = 1024;
const M = 1024 * K;
const G = 1024 * M;
const CLEAR_ONLY = codecDecodesClearOnly();
const NEEDS_PATCH = 'needs the clear-only attribute codec patch (docs/architectures.md)';

const v64 = (w: Word2): bigint => toBigInt(w.lo, w.hi);
const words = (v: bigint): Word2 => ({ lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) });
const leafOf = (c: EntryCodec, pfn: number, attrs: number, level: number): bigint => v64(c.leaf(pfn, attrs, level));
const kindOf = (c: EntryCodec, v: bigint, level: number): number => c.kind(words(v).lo, words(v).hi, level);
const attrsOf = (c: EntryCodec, v: bigint): number => c.attrs(words(v).lo, words(v).hi);
const pfnOf = (c: EntryCodec, v: bigint): number => c.pfn(words(v).lo, words(v).hi);
const B = (n: number): bigint => 1n << BigInt(n);
/** NX where the format can say it (clear-only exec bits need the codec patch). */
const nx = (c: EntryCodec): number => (c.supports(Attr.NX) ? Attr.NX : 0);

/** The format by name; ppc-8xx is built from its spec when the codec cannot register it yet. */
function fmt(name: string): Format {
  if (name === 'ppc-8xx' && !formatNames().includes(name)) return new Format(ppc8xxSpec(false));
  return getFormat(name);
}

// --------------------------------------------------------------- registry

describe('registry', () => {
  test('every scenario arch name of the issue is registered (ppc-8xx once the codec decodes clear-only attributes)', () => {
    const want = ['x86_64', 'x86_64-la57', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'riscv64-sv39', 'riscv64-sv48', 'riscv64-sv57', 'ppc64-radix-4k', 'ppc64-radix-64k', 'ppc64-hash-64k'];
    for (const n of want) assert.ok(formatNames().includes(n), n);
    assert.equal(formatNames().includes('ppc-8xx'), CLEAR_ONLY);
    assert.equal(getFormat('riscv64-sv39'), getFormat('riscv64-sv39'));
  });
});

// ------------------------------------------------------- hugetlb and THP sizes
// (levels, shifts and leaf sizes of every format are checked in arch.test.ts)

interface Sizes {
  /** Linux's hugetlb sizes (observables-and-arch.md §6). */
  hugetlb: number[];
  /** HPAGE_PMD_SIZE, or 0: no PMD THP. */
  thp: number;
}

// pgtable-64.h, radix-4k.h, radix-64k.h, hash-64k.h, nohash/32/pgtable.h
const SIZES: Record<string, Sizes> = {
  'riscv64-sv39': { hugetlb: [64 * K, 2 * M, G], thp: 2 * M },
  'riscv64-sv48': { hugetlb: [64 * K, 2 * M, G], thp: 2 * M },
  'riscv64-sv57': { hugetlb: [64 * K, 2 * M, G], thp: 2 * M },
  'ppc-8xx': { hugetlb: [16 * K, 512 * K, 8 * M], thp: 0 },
  'ppc64-radix-4k': { hugetlb: [2 * M, G], thp: 2 * M },
  'ppc64-radix-64k': { hugetlb: [2 * M, G], thp: 2 * M },
  'ppc64-hash-64k': { hugetlb: [16 * M, 16 * G], thp: 16 * M },
};

describe('hugetlb and THP sizes of the riscv64 and powerpc formats', () => {
  for (const [name, g] of Object.entries(SIZES)) {
    test(`${name}: hugetlb pools and THP size in a kernel`, { skip: !formatNames().includes(name) && NEEDS_PATCH }, () => {
      const f = fmt(name);
      // The model's hugetlb sizes are its leaf sizes above the base page: Linux's list.
      assert.deepEqual(f.leafSizes().filter((s) => s.bytes > f.pageSize).map((s) => s.bytes), g.hugetlb);
      const k = new Kernel({ arch: name });
      for (const bytes of g.hugetlb) assert.notEqual(hugeGeometry(k, bytes), null, `${bytes}`);
      assert.equal(hugeGeometry(k, 3 * k.pageSize), null);
      const pmdBytes = pmdPages(k) * k.pageSize;
      if (g.thp) assert.equal(pmdBytes, g.thp);
      else assert.equal(k.fmt.leafAllowed[1], 0, 'no PMD leaves: no PMD THP (has_transparent_hugepage() is false on 8xx)');
    });
  }
});

// ------------------------------------------------------------------ riscv

describe('riscv64 codec (pgtable-bits.h, pgtable-64.h, pgtable.h)', () => {
  const c = fmt('riscv64-sv48').codec;
  const RW = Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY | nx(c);

  test('4K PTE V|R|W|U|A|D with pfn 0x12345 is 0x48d14d7 (PFN at bit 10)', () => {
    assert.equal(leafOf(c, 0x12345, RW, 0), 0x48d14d7n);
    assert.equal(kindOf(c, 0x48d14d7n, 0), Kind.LEAF);
    assert.equal(pfnOf(c, 0x48d14d7n), 0x12345);
    assert.equal(attrsOf(c, 0x48d14d7n), RW);
  });

  test('read-only user page: V|R|U|A = 0x53; special is RSW bit 8', () => {
    assert.equal(leafOf(c, 0, Attr.VALID | Attr.USER | Attr.YOUNG | nx(c), 0), 0x53n);
    assert.equal(leafOf(c, 0, Attr.VALID | Attr.USER | Attr.SPECIAL | nx(c), 0), 0x113n);
  });

  test('PFN field is bits 10..53 (_PAGE_PFN_MASK = GENMASK(53, 10))', () => {
    const max = 2 ** 44 - 1;
    assert.equal(leafOf(c, max, Attr.VALID | nx(c), 0), (B(54) - 1n) ^ (B(10) - 1n) | 0x3n);
    assert.equal(pfnOf(c, 0x003ffffffffffc03n), max);
  });

  test('table entries are _PAGE_TABLE = _PAGE_PRESENT: V and the PPN, no R/W/X', () => {
    assert.equal(v64(c.table(0x80000)), 0x20000001n);
    for (const level of [1, 2, 3]) assert.equal(kindOf(c, 0x20000001n, level), Kind.TABLE, `level ${level}`);
    // R|W|X != 0 makes a leaf (_PAGE_LEAF): a 2M PMD leaf, a 1G PUD leaf.
    assert.equal(kindOf(c, 0x20000003n, 1), Kind.LEAF);
    assert.equal(leafOf(c, 0x40000, RW, 2), 0x100000d7n);
  });

  test('PROT_NONE is _PAGE_PROT_NONE (G) without V: present to Linux, PAGE_NONE carries R', () => {
    const e = leafOf(c, 0x10, Attr.PROTNONE | Attr.YOUNG, 0);
    assert.equal(e, (0x10n << 10n) | 0x62n); // G | A | R
    assert.equal(kindOf(c, e, 0), Kind.LEAF);
    assert.equal(attrsOf(c, e) & (Attr.VALID | Attr.PROTNONE), Attr.PROTNONE);
    // With V, bit 5 is GLOBAL.
    assert.equal(attrsOf(c, 0x23n) & (Attr.GLOBAL | Attr.PROTNONE), Attr.GLOBAL);
  });

  test('Svrsw60t59b soft-dirty bit 59 and uffd-wp bit 60; Svnapot N bit 63 as CONT', () => {
    assert.equal(leafOf(c, 0, Attr.VALID | Attr.SOFT_DIRTY | nx(c), 0), B(59) | 3n);
    assert.equal(leafOf(c, 0, Attr.VALID | Attr.UFFD_WP | nx(c), 0), B(60) | 3n);
    // pte_mknapot(pte, 4): PPN[3:0] = 1000b (bit 13 set, bits 10-12 clear) and N.
    assert.equal(leafOf(c, 0, Attr.VALID | Attr.CONT | nx(c), 0), B(63) | B(13) | 3n);
    if (CLEAR_ONLY) assert.equal(leafOf(c, 0, Attr.VALID, 0), 0xbn); // executable: X (bit 3)
  });

  test('Svnapot 64K: the 16 PTEs are identical, PPN = group pfn | 1000b; pfn() is the group, pfnAt() the page', () => {
    const a = Attr.VALID | Attr.USER | Attr.YOUNG | Attr.CONT | nx(c);
    const words = new Set<bigint>();
    for (let i = 0; i < 16; i++) words.add(leafOf(c, 0x12340 + i, a, 0));
    assert.equal(words.size, 1, 'every entry of the group stores the same value');
    const w = [...words][0];
    assert.equal((w >> 10n) & ((1n << 44n) - 1n), 0x12348n);
    assert.equal(pfnOf(c, w), 0x12340);
    const lo = Number(w & 0xffffffffn) >>> 0;
    const hi = Number(w >> 32n) >>> 0;
    assert.equal(c.pfnAt(lo, hi, 0x77705), 0x12345, 'the page of the entry mapping vpn ...5');
    // A plain entry is its own pfn whatever the vpn.
    const p = leafOf(c, 0x12345, a & ~Attr.CONT, 0);
    assert.equal(c.pfnAt(Number(p & 0xffffffffn) >>> 0, Number(p >> 32n) >>> 0, 0x77700), 0x12345);
  });

  test('NX is "X clear" only when the codec decodes clear-only attributes', () => {
    assert.equal(c.supports(Attr.NX), CLEAR_ONLY);
  });

  test('swap entries: type 7-11, offset 12+, exclusive = A (6), soft-dirty 3, uffd-wp 4', () => {
    const e = v64(c.swap(3, 0x1234, SwpFlag.EXCLUSIVE | SwpFlag.SOFT_DIRTY | SwpFlag.UFFD_WP));
    assert.equal(e, (3n << 7n) | (0x1234n << 12n) | 0x40n | 0x8n | 0x10n);
    assert.equal(kindOf(c, e, 0), Kind.SWAP);
    const w = words(e);
    assert.deepEqual([c.swpType(w.lo, w.hi), c.swpOffset(w.lo, w.hi), c.swpFlags(w.lo, w.hi)], [3, 0x1234, SwpFlag.EXCLUSIVE | SwpFlag.SOFT_DIRTY | SwpFlag.UFFD_WP]);
    assert.equal(c.isNone(0, 0), true);
    assert.equal(c.isNone(0x40, 0), false); // pte_none is a plain zero test
  });
});

// -------------------------------------------------------------------- 8xx

describe('ppc-8xx codec (nohash/32/pte-8xx.h, nohash/32/pgtable.h)', () => {
  const f = fmt('ppc-8xx');
  const c = f.codec;

  test('a writable dirty page: PRESENT|ACCESSED|DIRTY, PP = 00 (RW), RPN at bit 12: 0xabc121', () => {
    assert.equal(leafOf(c, 0xabc, Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY | nx(c), 0), 0xabc121n);
  });

  test('read-only is _PAGE_RO (0x600): pte_wrprotect sets it', () => {
    assert.equal(leafOf(c, 0xabc, Attr.VALID | Attr.USER | Attr.YOUNG | nx(c), 0), 0xabc621n);
  });

  test('pte_write = !(pte & _PAGE_RO) decodes', { skip: !CLEAR_ONLY && NEEDS_PATCH }, () => {
    assert.equal(attrsOf(c, 0xabc121n) & Attr.WRITE, Attr.WRITE);
    assert.equal(attrsOf(c, 0xabc621n) & Attr.WRITE, 0);
    assert.equal(attrsOf(c, 0xabc161n) & Attr.NX, 0); // _PAGE_EXEC 0x40
    assert.equal(attrsOf(c, 0xabc121n) & Attr.NX, Attr.NX);
  });

  test('16K pages: 4 PTEs with _PAGE_SPS (0x008) as the contiguous bit', () => {
    assert.equal(leafOf(c, 0xd00, Attr.VALID | Attr.YOUNG | Attr.CONT | nx(c), 0) & 0xfffn, 0x629n);
    assert.equal(f.contEntries[0], 4);
  });

  test('user tables: pmd_populate = __pa(pte) | _PMD_USER | _PMD_PRESENT (0x41); no PGD leaves', () => {
    assert.equal(v64(c.table(0x30)), 0x30041n);
    assert.equal(kindOf(c, 0x30041n, 1), Kind.TABLE);
    assert.equal(kindOf(c, 0x3004dn, 1), Kind.TABLE); // _PMD_PAGE_8M still points to a table
  });

  test('swap PTE = swp_entry << 3: type bits 3-7, offset 8-31, exclusive 0x4', () => {
    const e = v64(c.swap(5, 0x123456, SwpFlag.EXCLUSIVE));
    assert.equal(e, (5n << 3n) | (0x123456n << 8n) | 4n);
    assert.equal(kindOf(c, e, 0), Kind.SWAP);
  });

  test('PROT_NONE is PAGE_NONE = _PAGE_BASE | _PAGE_NA (PRESENT|ACCESSED|NA = 0x221): present, no user access, not read-only', () => {
    const e = leafOf(c, 0xabc, Attr.PROTNONE | Attr.YOUNG, 0);
    assert.equal(e, 0xabc221n);
    assert.equal(kindOf(c, e, 0), Kind.LEAF);
    assert.equal(attrsOf(c, e), Attr.PROTNONE | Attr.YOUNG, 'neither VALID nor USER to the model');
    // Round trip, as fork and mprotect re-encode what they decode: still NA, never RO (0x600).
    assert.equal(leafOf(c, 0xabc, attrsOf(c, e) | Attr.DIRTY, 0), 0xabc321n);
    // A read-only page is PP = RO (0x600), which contains NA's bit: not PROT_NONE.
    const ro = leafOf(c, 0xabc, Attr.VALID | Attr.USER | Attr.YOUNG, 0);
    assert.equal(ro & 0x600n, 0x600n);
    assert.equal(attrsOf(c, ro) & Attr.PROTNONE, 0);
  });
});

// --------------------------------------------------------------- book3s64

describe('book3s64 codec (book3s/64/pgtable.h, radix.h, hash.h)', () => {
  const r4 = fmt('ppc64-radix-4k').codec;
  const r64 = fmt('ppc64-radix-64k').codec;
  const h64 = fmt('ppc64-hash-64k').codec;
  const RW = Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY | nx(r4);

  test('radix 4K PTE: PRESENT(63)|PTE(62)|ACCESSED 0x100|DIRTY 0x80|READ 4|WRITE 2 = 0xc000000001234186', () => {
    assert.equal(leafOf(r4, 0x1234, RW, 0), 0xc000000001234186n);
    assert.equal(attrsOf(r4, 0xc000000001234186n), RW);
    assert.equal(pfnOf(r4, 0xc000000001234186n), 0x1234);
  });

  test('64K pages: pfn at bit 16, PTE_RPN_MASK ends at bit 52 (_PAGE_PA_MAX 53)', () => {
    assert.equal(leafOf(h64, 0x1234, RW, 0), 0xc000000012340186n);
    assert.equal(leafOf(r64, 2 ** 37 - 1, Attr.VALID | Attr.USER | nx(r64), 0), 0xc01fffffffff0004n);
  });

  test('PAGE_NONE = PRESENT|ACCESSED|PRIVILEGED with _PAGE_PTE: pte_protnone, not pte_user', () => {
    const e = leafOf(r4, 0x55, Attr.PROTNONE | Attr.YOUNG, 0);
    assert.equal(e, 0xc000000000055108n);
    assert.equal(kindOf(r4, e, 0), Kind.LEAF);
    const a = attrsOf(r4, e);
    assert.equal(a & (Attr.PROTNONE | Attr.USER), Attr.PROTNONE);
  });

  test('table entries: radix V | NLS (RADIX_PMD_VAL_BITS), hash V (HASH_PMD_VAL_BITS)', () => {
    assert.equal(v64(r4.table(0x130)), 0x8000000000130009n);
    assert.equal(v64(h64.table(0x13)), 0x8000000000130000n);
    for (const level of [1, 2, 3]) assert.equal(kindOf(r4, 0x8000000000130009n, level), Kind.TABLE);
    // _PAGE_PTE marks leaves at any level (pmd_leaf, pud_leaf).
    assert.equal(kindOf(r4, 0xc000000040000186n, 1), Kind.LEAF);
    assert.equal(kindOf(r4, 0xc000000040000186n, 2), Kind.LEAF);
  });

  test('swap: type bits 0-4, offset in the RPN field, exclusive _PAGE_NON_IDEMPOTENT (0x20), soft-dirty 0x200, _PAGE_PTE always', () => {
    const PTE = 1n << 62n; // __swp_entry_to_pte ORs _PAGE_PTE; __pte_to_swp_entry masks it off
    const e = v64(r4.swap(5, 0x77, SwpFlag.EXCLUSIVE | SwpFlag.SOFT_DIRTY));
    assert.equal(e, PTE | (0x77n << 12n) | 5n | 0x20n | 0x200n);
    assert.equal(kindOf(r4, e, 0), Kind.SWAP);
    assert.equal(kindOf(r4, e, 1), Kind.SWAP, 'a PMD migration entry: not present, not a table');
    const lo = Number(e & 0xffffffffn) >>> 0;
    const hi = Number(e >> 32n) >>> 0;
    assert.deepEqual([r4.swpType(lo, hi), r4.swpOffset(lo, hi)], [5, 0x77]);
    const e64 = v64(h64.swap(1, 0x77, 0));
    assert.equal(e64, PTE | (0x77n << 16n) | 1n);
  });

  test('pte_none: radix ignores R and C (RADIX_PTE_NONE_MASK); _PAGE_INVALID keeps an entry present', () => {
    assert.equal(r4.isNone(0x180, 0), true);
    assert.equal(h64.isNone(0x180, 0), false);
    const invalidated = 0x6000000001234186n; // INVALID | PTE, PRESENT clear (pmdp_invalidate)
    assert.equal(kindOf(r4, invalidated, 1), Kind.LEAF);
  });
});
