// `mmsim xlat` and `mmsim vtop`: translation through page-table images built
// by hand (test/fixtures/xlat/*.img, each citing the manual and headers it
// follows) for 4K / contiguous / 2M / 1G leaves and invalid entries, on every
// family; the geometry variants (x86 4/5 levels, arm64 granules and VA sizes,
// riscv Sv39/48/57, ppc-8xx hugepd); the CLI (text, --json, exit codes); and
// vtop on scenarios, whose hardware walk must agree with the model's.
// Expected physical addresses are worked out by hand from the images.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { translate, xlatArch, type XlatResult } from '../src/arch/variants.js';
import { formatNames, getFormat } from '../src/arch/index.js';
import { MemImage } from '../src/cli/xlat.js';
import { runFiles, type Io } from '../src/cli/commands.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = `${ROOT}test/fixtures/xlat/`;

function image(name: string, bytes: 4 | 8 = 8): MemImage {
  return MemImage.parse(readFileSync(FIX + name, 'utf8'), bytes, name);
}

/** Translate and reduce to [pa, size] or the error. */
function xl(arch: string, img: MemImage, root: bigint, va: bigint, opts: Parameters<typeof xlatArch>[1] = {}, kroot?: bigint): [bigint, bigint] | string {
  const r: XlatResult = translate(xlatArch(arch, opts), img, root, va, kroot);
  if (r.error !== undefined) return r.error;
  assert.ok(r.pa !== undefined && r.size !== undefined);
  return [r.pa, r.size];
}

const K4 = 0x1000n;
const M2 = 0x200000n;
const G1 = 0x40000000n;

// ------------------------------------------------------------------ x86-64

describe('xlat x86-64 (Intel SDM vol. 3 §4.5)', () => {
  const img = image('x86_64.img');
  const x = (va: bigint): [bigint, bigint] | string => xl('x86_64', img, 0x1000n, va);

  test('4K pages (read-write NX, read-only)', () => {
    assert.deepEqual(x(0x123n), [0xabc123n, K4]);
    assert.deepEqual(x(0x3fffn), [0xabefffn, K4]);
  });
  test('2M and 1G pages', () => {
    assert.deepEqual(x(0x234567n), [0x234567n, M2]);
    assert.deepEqual(x(0x40000010n), [0x40000010n, G1]);
  });
  test('not present: none, P clear at the PTE and the PDE', () => {
    assert.equal(x(0x1000n), 'not present (none) at pte');
    assert.equal(x(0x2000n), 'not present at pte');
    assert.equal(x(0x600000n), 'not present at pmd');
  });
  test('reserved bits: inside a 2M/1G frame, PS in a PML4 entry', () => {
    assert.match(String(x(0x400000n)), /^reserved bits set .* at pmd$/);
    assert.match(String(x(0x80000000n)), /^reserved bits set .* at pud$/);
    assert.equal(x(0x10000000000n), 'reserved bits set (PS in a PML4/PML5 entry) at pgd');
  });
  test('a table that is not in the image', () => {
    assert.equal(x(0x8000000000n), 'bad table at pud: no memory at 0x9000');
  });
  test('kernel (canonical, sign-extended) addresses; non-canonical ones', () => {
    assert.deepEqual(x(0xffff800000012345n), [0x100012345n, G1]);
    assert.match(String(x(0x0000800000000000n)), /not canonical/);
    assert.match(String(x(0xfff0000000000000n)), /not canonical/);
  });
  test('MAXPHYADDR: bits above --pa-bits are reserved', () => {
    const small = MemImage.parse('0x1000: 0x2067\n0x2000: 0x3067\n0x3000: 0x4067\n0x4000: 0x0000010000abc067\n', 8);
    assert.deepEqual(xl('x86_64', small, 0x1000n, 0n), [0x10000abc000n, K4]);
    assert.match(String(xl('x86_64', small, 0x1000n, 0n, { paBits: 40 })), /reserved bits set .* above MAXPHYADDR 40/);
  });
  test('5-level paging: a 57-bit VA above 2^53 and a 52-bit PA stay exact', () => {
    const la = image('x86_64-la57.img');
    assert.deepEqual(xl('x86_64-la57', la, 0x10000n, 0x00fffffffffff123n), [0xffffffffff123n, K4]);
    assert.deepEqual(xl('x86_64', la, 0x10000n, 0x00fffffffffff123n, { levels: 5 }), [0xffffffffff123n, K4]);
    assert.match(String(xl('x86_64', la, 0x10000n, 0x00fffffffffff123n)), /not canonical/); // 4-level
    assert.match(String(xl('x86_64-la57', la, 0x10000n, 0x0100000000000000n)), /not canonical/);
  });
});

// ------------------------------------------------------------------- arm64

describe('xlat arm64 (Arm ARM D8 VMSAv8-64)', () => {
  const img = image('arm64-4k.img');
  const a = (va: bigint): [bigint, bigint] | string => xl('arm64-4k', img, 0x10000n, va, {}, 0x20000n);

  test('4K page, 2M and 1G blocks', () => {
    assert.deepEqual(a(0xabcn), [0xabcabcn, K4]);
    assert.deepEqual(a(0x212345n), [0x212345n, M2]);
    assert.deepEqual(a(0x40001234n), [0x40001234n, G1]);
    assert.deepEqual(a(0x80000000n), [0xc0000000n, G1]);
  });
  test('contiguous groups: 16 x 4K = 64K (CONT_PTES), 16 x 2M = 32M (CONT_PMDS)', () => {
    assert.deepEqual(a(0x14321n), [0xd04321n, 0x10000n]);
    assert.deepEqual(a(0x2345678n), [0x2345678n, 0x2000000n]);
  });
  test('a broken contiguous group is reported', () => {
    assert.match(String(a(0x28000n)), /^inconsistent 64K group at pte\[40\] \(the group is pte\[32\.\.47\]\)$/);
  });
  test('invalid and reserved descriptors', () => {
    assert.equal(a(0x1000n), 'reserved descriptor (0b01 at level 3) at pte');
    assert.equal(a(0x2000n), 'invalid (PROT_NONE: present to Linux only) at pte');
    assert.match(String(a(0x400000n)), /^reserved bits set .* at pmd$/);
    assert.equal(a(0x8000000000n), 'invalid (none) at pgd');
  });
  test('kernel addresses go through TTBR1 (--kroot); 48-bit canonical form', () => {
    assert.deepEqual(a(0xffff000000001234n), [0x80001234n, G1]);
    assert.match(String(a(0x0001000000000000n)), /not canonical/);
  });
  test('16K granule, 47-bit VA: 32M blocks; no level-1 blocks without LPA2', () => {
    const o = image('arm64-other.img');
    assert.deepEqual(xl('arm64-16k', o, 0x40000n, 0x2001234n), [0x2001234n, 0x2000000n]);
    assert.equal(xl('arm64-16k', o, 0x40000n, 0x1000000000n), 'block descriptor not allowed at level 1 with a 16K granule at pgd');
  });
  test('64K granule, 42-bit VA (2 levels): 512M blocks', () => {
    const o = image('arm64-other.img');
    assert.deepEqual(xl('arm64-64k', o, 0x50000n, 0x20000123n, { vaBits: 42 }), [0x20000123n, 0x20000000n]);
    assert.equal(xlatArch('arm64-64k', { vaBits: 42 }).levels.length, 2);
  });
  test('4K granule, 52-bit VA with LPA2 (5 levels, OA[51:50] in bits 9:8)', () => {
    const o = image('arm64-other.img');
    assert.deepEqual(xl('arm64-4k', o, 0x60000n, 0x000f000000001234n, { vaBits: 52 }), [0x4000000abc234n, K4]);
  });
  test('4K granule, 39-bit VA (3 levels)', () => {
    const o = image('arm64-other.img');
    assert.deepEqual(xl('arm64-4k', o, 0x70000n, 0x1abcn, { vaBits: 39 }), [0xfedabcn, K4]);
    assert.match(String(xl('arm64-4k', o, 0x70000n, 0x8000000000n, { vaBits: 39 })), /not canonical/);
  });
  test('level counts of the Linux configurations (ARM64_HW_PGTABLE_LEVELS)', () => {
    const cases: [string, number, number, number][] = [
      ['arm64-4k', 39, 3, 512], ['arm64-4k', 48, 4, 512], ['arm64-4k', 52, 5, 16],
      ['arm64-16k', 36, 2, 2048], ['arm64-16k', 47, 3, 2048], ['arm64-16k', 48, 4, 2], ['arm64-16k', 52, 4, 32],
      ['arm64-64k', 42, 2, 8192], ['arm64-64k', 48, 3, 64], ['arm64-64k', 52, 3, 1024],
    ];
    for (const [arch, va, levels, top] of cases) {
      const x = xlatArch(arch, { vaBits: va });
      assert.equal(x.levels.length, levels, `${arch}/${va}`);
      assert.equal(2 ** x.levels[levels - 1].bits, top, `${arch}/${va} top-level entries`);
    }
    assert.throws(() => xlatArch('arm64-4k', { vaBits: 42 }), /Linux supports 39\/48\/52-bit VA/);
  });
});

// ------------------------------------------------------------------- riscv

describe('xlat riscv64 (privileged spec Sv39/Sv48/Sv57, Svnapot)', () => {
  const img = image('riscv64-sv39.img');
  const r = (va: bigint): [bigint, bigint] | string => xl('riscv64-sv39', img, 0x80000000n, va);

  test('4K, 2M and 1G pages', () => {
    assert.deepEqual(r(0xabcn), [0xabcabcn, K4]);
    assert.deepEqual(r(0x212345n), [0x212345n, M2]);
    assert.deepEqual(r(0x40123456n), [0x40123456n, G1]);
  });
  test('Svnapot 64K: 16 identical PTEs with PPN[3:0] = 1000', () => {
    assert.deepEqual(r(0x14abcn), [0xd04abcn, 0x10000n]);
    assert.equal(r(0x20000n), 'reserved NAPOT encoding (only 64K: PPN[3:0] = 1000 at level 0) at pte');
  });
  test('invalid, reserved and misaligned entries; a pointer at the last level', () => {
    assert.equal(r(0x30000n), 'invalid (PROT_NONE: present to Linux only) at pte');
    assert.equal(r(0x400000n), 'reserved encoding (W without R) at pmd');
    assert.equal(r(0x80000000n), 'misaligned superpage (PPN low bits 0x200) at pgd');
    assert.equal(r(0x1000n), 'bad table (a pointer at the last level) at pte');
  });
  test('canonical form of Sv39: bits 63..38 equal', () => {
    assert.equal(r(0xffffffc000000000n), 'invalid (none) at pgd');
    assert.match(String(r(0x0000004000000000n)), /not canonical/);
  });
  test('Sv48 and Sv57 geometry (3/4/5 levels of 9 bits)', () => {
    assert.deepEqual(xlatArch('riscv64-sv39', { vaBits: 48 }).levels.map((l) => l.shift), [12, 21, 30, 39]);
    assert.deepEqual(xlatArch('riscv64-sv57').levels.map((l) => l.shift), [12, 21, 30, 39, 48]);
    assert.equal(xlatArch('riscv64-sv48', { levels: 3 }).vaBits, 39);
  });
});

// -------------------------------------------------------------------- 8xx

/** A PTE table of 1024 entries starting at `rpn`, advancing 4K, with `flags` (8xx __pte_update). */
function table8xx(at: number, rpn: number, flags: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 1024; i++) lines.push(`0x${(at + 4 * i).toString(16)}: 0x${(rpn + 0x1000 * i + flags).toString(16)}`);
  return lines.join('\n') + '\n';
}

describe('xlat ppc-8xx (nohash/32/pte-8xx.h)', () => {
  const img = image('ppc-8xx.img', 4);
  const p = (va: bigint): [bigint, bigint] | string => xl('ppc-8xx', img, 0x10000n, va);

  test('4K pages (RW and RO); 16K = 4 PTEs with SPS', () => {
    assert.deepEqual(p(0x123n), [0xabc123n, K4]);
    assert.deepEqual(p(0x1fffn), [0xabdfffn, K4]);
    assert.deepEqual(p(0x5678n), [0xd01678n, 0x4000n]);
    assert.match(String(p(0x9000n)), /^inconsistent 16K group at pte\[10\]/);
  });
  test('not present entries and pmd_bad', () => {
    assert.equal(p(0x2000n), 'not present (none) at pte');
    assert.equal(p(0x3000n), 'not present at pte');
    assert.equal(p(0x400000n), 'not present (none) at pgd');
    assert.equal(p(0x800000n), 'bad table (pmd_bad: 0x90) at pgd');
    assert.equal(p(0x100000000n), 'address is above 4G (32-bit effective addresses)');
  });
  test('512K = 128 PTEs with SPS|HUGE', () => {
    const t = table8xx(0x20000, 0x1000000, 0x929);
    const m = MemImage.parse('0x10000: 0x20041\n' + t.split('\n').slice(0, 256).join('\n') + '\n', 4);
    // VA 0x80000 + 0x1234 -> pte[0x81] of the table, which maps 0x1081000.
    assert.deepEqual(xl('ppc-8xx', m, 0x10000n, 0x81234n), [0x1081234n, 0x80000n]);
  });
  test('8M (v6.11+): two PMDs flagged _PMD_PAGE_8M, each over a full PTE table', () => {
    const text = '0x10010: 0x0003004d\n0x10014: 0x0003104d\n' + table8xx(0x30000, 0x2000000, 0x929) + table8xx(0x31000, 0x2400000, 0x929);
    const m = MemImage.parse(text, 4);
    assert.deepEqual(xl('ppc-8xx', m, 0x10000n, 0x1123456n), [0x2123456n, 0x800000n]);
    assert.deepEqual(xl('ppc-8xx', m, 0x10000n, 0x1623456n), [0x2623456n, 0x800000n]);
    const lonely = MemImage.parse('0x10010: 0x0003004d\n0x10014: 0x00031041\n' + table8xx(0x30000, 0x2000000, 0x929), 4);
    assert.match(String(xl('ppc-8xx', lonely, 0x10000n, 0x1123456n)), /^bad 8M page at pgd\[4\]: the other PMD of the pair \(pgd\[5\]\) is not flagged _PMD_PAGE_8M$/);
  });
  test('8M in the legacy hugepd layout (--hugepd): one hugepte shared by both PMDs', () => {
    const hp = image('ppc-8xx-hugepd.img', 4);
    assert.deepEqual(xl('ppc-8xx', hp, 0x10000n, 0x1623456n, { hugepd: true }), [0x2623456n, 0x800000n]);
    assert.deepEqual(xl('ppc-8xx', hp, 0x10000n, 0x1003456n, { hugepd: true }), [0x2003456n, 0x800000n]);
    // Read with the v6.11 layout, the same PMDs point to PTE tables, and the hugepte is only entry 0.
    assert.equal(xl('ppc-8xx', hp, 0x10000n, 0x1623456n), 'not present (none) at pte');
  });
});

// --------------------------------------------------------------- book3s64

describe('xlat ppc64 radix and hash (book3s/64/pgtable.h, radix.h, hash-64k.h)', () => {
  const img = image('ppc64-radix-4k.img');
  const r = (va: bigint): [bigint, bigint] | string => xl('ppc64-radix-4k', img, 0x100000n, va);

  test('radix 4K page, 2M and 1G leaves; PAGE_NONE translates (kernel-only)', () => {
    assert.deepEqual(r(0x123n), [0xabc123n, K4]);
    assert.deepEqual(r(0x3123n), [0xabf123n, K4]);
    assert.deepEqual(r(0x212345n), [0x212345n, M2]);
    assert.deepEqual(r(0x40001234n), [0x40001234n, G1]);
  });
  test('radix invalid, bad and misaligned entries', () => {
    assert.equal(r(0x1000n), 'bad table (an entry without _PAGE_PTE at the last level) at pte');
    assert.equal(r(0x2000n), 'not present at pte');
    assert.equal(r(0x400000n), 'bad table (RADIX_PMD_BAD_BITS 0x80) at pmd');
    assert.equal(r(0x80000000n), 'misaligned 1G leaf (0x200000) at pud');
  });
  test('effective addresses: quadrants and bits 61:52', () => {
    assert.equal(r(0x4000000000001234n), 'address is in quadrant 1 (not translated by these tables)');
    assert.match(String(r(0x0010000000000000n)), /not canonical \(EA bits 61:52/);
    assert.deepEqual(xl('ppc64-radix-4k', img, 0x999000n, 0xc000000000000123n, {}, 0x100000n), [0xabc123n, K4]);
  });
  test('radix 64K: a PMD entry whose NLS is not the PTE index size is noted', () => {
    const m = MemImage.parse('0x100000: 0x8000000000110009\n0x110000: 0x8000000000120009\n0x120000: 0x8000000000130009\n0x130000: 0xc000000000ab0186\n', 8);
    const res = translate(xlatArch('ppc64-radix-64k'), m, 0x100000n, 0x1234n);
    assert.equal(res.pa, 0xab1234n);
    assert.deepEqual(res.steps[2].notes, ['NLS 9, but the pte level has 5 index bits']);
  });
  test('hash 64K Linux tables: 64K page, 16M PMD leaf, 16G PUD leaf', () => {
    const h = image('ppc64-hash-64k.img');
    assert.deepEqual(xl('ppc64-hash-64k', h, 0x100000n, 0x1234n), [0xab1234n, 0x10000n]);
    assert.deepEqual(xl('ppc64-hash-64k', h, 0x100000n, 0x1234567n), [0x1234567n, 0x1000000n]);
    assert.deepEqual(xl('ppc64-hash-64k', h, 0x100000n, 0x400001234n), [0x400001234n, 0x400000000n]);
  });
});

// --------------------------------------------------------------------- CLI

function io(files: Record<string, string>): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    readFile(p: string): string {
      const t = files[p];
      if (t === undefined) {
        const e: NodeJS.ErrnoException = new Error('ENOENT');
        e.code = 'ENOENT';
        throw e;
      }
      return t;
    },
    out(t: string): void {
      o.stdout += t;
    },
    err(t: string): void {
      o.stderr += t;
    },
  };
  return o;
}

describe('mmsim xlat (CLI)', () => {
  const files = { 'x86.img': readFileSync(FIX + 'x86_64.img', 'utf8'), '8xx.img': readFileSync(FIX + 'ppc-8xx-hugepd.img', 'utf8') };

  test('--json prints [{va, pa, size} | {va, error}] and exits 1 when one fails', () => {
    const t = io(files);
    const rc = runFiles(['xlat', '--arch', 'x86_64', '--root', '0x1000', '--mem', 'x86.img', '--json', '0x123', '0x234567', '0x1000'], t);
    assert.equal(rc, 1);
    assert.deepEqual(JSON.parse(t.stdout), [
      { va: '0x123', pa: '0xabc123', size: '0x1000' },
      { va: '0x234567', pa: '0x234567', size: '0x200000' },
      { va: '0x1000', error: 'not present (none) at pte' },
    ]);
  });

  test('text output: one line per level with the entry address, value and flags', () => {
    const t = io(files);
    assert.equal(runFiles(['xlat', '--arch', 'x86_64', '--root', '0x1000', '--mem', 'x86.img', '0x123'], t), 0);
    assert.equal(
      t.stdout,
      [
        '0x123 (x86-64 4-level, root 0x1000)',
        '  pgd[0]   0x0000000000001000: 0x0000000000002067  P RW US A -> table 0x2000',
        '  pud[0]   0x0000000000002000: 0x0000000000003067  P RW US A -> table 0x3000',
        '  pmd[0]   0x0000000000003000: 0x0000000000004067  P RW US A -> table 0x4000',
        '  pte[0]   0x0000000000004000: 0x8000000000abc067  P RW US A D NX -> 4K page 0xabc000',
        '  => pa 0xabc123, 4K page at pte',
        '',
      ].join('\n'),
    );
  });

  test('32-bit entries for ppc-8xx and --hugepd', () => {
    const t = io(files);
    assert.equal(runFiles(['xlat', '--arch', 'ppc-8xx', '--hugepd', '--root', '0x10000', '--mem', '8xx.img', '--json', '0x1623456'], t), 0);
    assert.deepEqual(JSON.parse(t.stdout), [{ va: '0x1623456', pa: '0x2623456', size: '0x800000' }]);
  });

  test('usage errors exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['xlat', '--arch', 'x86_64', '--mem', 'x86.img', '0x1'], /--root is required/],
      [['xlat', '--arch', 'x86_64', '--root', '0x1000', '--mem', 'x86.img'], /no virtual addresses/],
      [['xlat', '--arch', 'vax', '--root', '0', '--mem', 'x86.img', '0'], /unknown architecture 'vax'/],
      [['xlat', '--arch', 'x86_64', '--root', '0', '--mem', 'nope.img', '0'], /cannot read nope.img: ENOENT/],
      [['xlat', '--arch', 'x86_64', '--root', '0', '--mem', 'x86.img', '0x1ffffffffffffffff'], /not an address/],
      [['xlat', '--arch', 'arm64-16k', '--va-bits', '39', '--root', '0', '--mem', 'x86.img', '0'], /16k granule: Linux supports 36\/47\/48\/52-bit VA/],
      [['xlat', '--arch', 'x86_64', '--frobnicate', '--root', '0', '--mem', 'x86.img', '0'], /unknown option '--frobnicate'/],
    ];
    for (const [argv, re] of cases) {
      const t = io(files);
      assert.equal(runFiles(argv, t), 2, argv.join(' '));
      assert.match(t.stderr, re, argv.join(' '));
    }
  });

  test('malformed images are rejected with the line number', () => {
    const cases: [string, number, RegExp][] = [
      ['0x1000 0x2067\n', 8, /bad.img:1: expected 'PADDR: VALUE'/],
      ['# ok\n0x1004: 0x2067\n', 8, /bad.img:2: address 0x1004 is not 8-byte aligned/],
      ['0x1000: 0x100000000\n', 4, /does not fit the 32-bit entries/],
    ];
    for (const [text, bytes, re] of cases) assert.throws(() => MemImage.parse(text, bytes as 4 | 8, 'bad.img'), re);
  });
});

// -------------------------------------------------------------------- vtop

describe('mmsim vtop (scenario context)', () => {
  const run = (scn: string, argv: string[]): { rc: number; out: string; err: string } => {
    const t = io({ 's.mms': scn });
    const rc = runFiles(['vtop', 's.mms', ...argv], t);
    return { rc, out: t.stdout, err: t.stderr };
  };

  test('x86_64: a 4K anonymous page, every level, and the model agrees', () => {
    const r = run('A = mmap 4M rw private anon\nwrite A+0 8K\n', ['A+4K']);
    assert.equal(r.rc, 0, r.err);
    assert.match(r.out, /^A\+4K in main: va 0x10000001000 \(x86_64: x86-64 4-level, root 0x[0-9a-f]+\)\n/);
    for (const l of ['pgd[2]', 'pud[0]', 'pmd[0]', 'pte[1]']) assert.ok(r.out.includes(`  ${l}`), l);
    assert.match(r.out, /=> pa 0x[0-9a-f]+, 4K page at pte\n {2}model: leaf at pte \(1 base page\) -> pa 0x[0-9a-f]+; VALID WRITE USER YOUNG DIRTY NX\n$/);
    assert.ok(!r.out.includes('MISMATCH'));
  });

  test('a THP is one 2M leaf at the PMD; JSON output', () => {
    const r = run('set thp=always\nA = mmap 4M rw private anon\nwrite A+0 4K\n', ['A+8K', '--json']);
    assert.equal(r.rc, 0, r.err);
    const j = JSON.parse(r.out) as { size: string; agrees: boolean; levels: { level: string }[]; model: { kind: string; level: string; pages: number } };
    assert.equal(j.size, '0x200000');
    assert.equal(j.agrees, true);
    assert.deepEqual(j.levels.map((l) => l.level), ['pgd', 'pud', 'pmd']);
    assert.deepEqual([j.model.kind, j.model.level, j.model.pages], ['leaf', 'pmd', 512]);
  });

  test('an address with nothing mapped exits 1; --as picks the process', () => {
    const r = run('A = mmap 8K rw private anon\nfork child\nas child\nwrite A+0 4K\nas main\n', ['A+4K', '--as', 'child']);
    assert.equal(r.rc, 1);
    assert.match(r.out, /in child: .*\n[\s\S]*=> error: not present \(none\) at pte\n {2}model: no entry at pte\n$/);
    assert.equal(run('A = mmap 8K rw private anon\n', ['B+0']).rc, 2);
  });

  test('radix 64K: the model writes NLS 5 in PMD entries and 9 above (RADIX_P?D_VAL_BITS)', { skip: !Array.isArray(getFormat('ppc64-radix-64k').spec.codec.tableBits) && 'needs per-level table bits (codec patch, docs/architectures.md)' }, () => {
    const r = run('arch ppc64-radix-64k\nA = mmap 1M rw private anon\nwrite A+0 4K\n', ['A+0', '--json']);
    assert.equal(r.rc, 0, r.err);
    const j = JSON.parse(r.out) as { levels: { level: string; value: string; notes: string[] }[] };
    assert.deepEqual(j.levels.slice(0, 3).map((l) => [l.level, Number(BigInt(l.value) & 0x1fn), l.notes.length]), [['pgd', 9, 0], ['pud', 9, 0], ['pmd', 5, 0]]);
  });

  for (const arch of ['riscv64-sv48', 'riscv64-sv57', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'x86_64-la57', 'ppc64-radix-4k', 'ppc64-hash-64k']) {
    test(`${arch}: the hardware walk of an anonymous page and of a huge leaf agrees with the model`, { skip: !formatNames().includes(arch) && 'not registered' }, () => {
      const len = arch === 'arm64-64k' ? '1G' : '64M'; // room for one PMD-size THP
      const small = run(`arch ${arch}\nA = mmap ${len} rw private anon\nwrite A+0 64K\n`, ['A+0', '--json']);
      assert.equal(small.rc, 0, small.err + small.out);
      assert.equal((JSON.parse(small.out) as { agrees: boolean }).agrees, true, small.out);
      const huge = run(`arch ${arch}\nset thp=always\nA = mmap ${len} rw private anon\nwrite A+0 4K\n`, ['A+0', '--json']);
      assert.equal(huge.rc, 0, huge.err + huge.out);
      const j = JSON.parse(huge.out) as { agrees: boolean; model: { level: string } };
      assert.equal(j.agrees, true, huge.out);
      assert.equal(j.model.level, 'pmd');
    });
  }
});
