import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADVICES, ARCH_NAMES, ScenarioError, parseScenario } from '../src/scenario/parse.js';
import type { Address, Loc, Scenario, Size, Statement } from '../src/scenario/parse.js';
import { formatSize, parseSize, parseUnsigned } from '../src/scenario/size.js';

const K = 1024;
const M = 1024 * K;
const G = 1024 * M;
const T = 1024 * G;

const L = (line: number, col: number): Loc => ({ line, col });
const sz = (bytes: number, line: number, col: number): Size => ({ bytes, loc: L(line, col) });
const ad = (region: string, offset: number, line: number, col: number, proc?: string): Address =>
  proc === undefined ? { region, offset, loc: L(line, col) } : { proc, region, offset, loc: L(line, col) };

const parse = (text: string): Scenario => parseScenario(text, 't.mms');

/** The first region every snippet can use. */
const PRE = 'A = mmap 4M rw private anon';

/** Parse `lines` after `pre` and return the statement of the last line (at line pre.length + lines.length). */
function last(text: string, pre: string[] = [PRE]): Statement {
  const s = parse([...pre, text].join('\n')).statements;
  const st = s[s.length - 1];
  assert.ok(st !== undefined);
  return st;
}

/** Parsing must fail with exactly this message. */
function fails(text: string, message: string): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => {
      assert.ok(e instanceof ScenarioError, `not a ScenarioError: ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

describe('parseSize', () => {
  it('reads units, decimal and hex', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['4096', 4096],
      ['5', 5],
      ['4K', 4 * K],
      ['2M', 2 * M],
      ['1G', G],
      ['1T', T],
      ['1028K', 1028 * K],
      ['0x1000', 4096],
      ['0xFFff', 0xffff],
      ['007', 7],
      ['8191T', 8191 * T],
      ['9007199254740991', Number.MAX_SAFE_INTEGER],
      ['0x1fffffffffffff', Number.MAX_SAFE_INTEGER],
    ];
    for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, text);
  });

  it('rejects malformed and unsafe sizes', () => {
    for (const text of [
      '',
      '4Q',
      '4k',
      '4KB',
      'K',
      '1.5M',
      '-4K',
      '+4K',
      '0x',
      '0x1K',
      '0X10',
      ' 4K',
      '8192T', // 2^53: not a safe integer
      '9007199254740992',
      '0x20000000000000',
      '99999999999999999999999',
    ]) {
      assert.equal(parseSize(text), null, text);
    }
  });

  it('parseUnsigned takes plain decimal or hex only', () => {
    assert.equal(parseUnsigned('7'), 7);
    assert.equal(parseUnsigned('0xdead'), 0xdead);
    assert.equal(parseUnsigned('4K'), null);
    assert.equal(parseUnsigned('-1'), null);
    assert.equal(parseUnsigned('9007199254740992'), null);
  });
});

describe('formatSize', () => {
  it('prints the largest exact unit', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [5, '5'],
      [4095, '4095'],
      [4096, '4K'],
      [1028 * K, '1028K'],
      [2 * M, '2M'],
      [1536 * K, '1536K'],
      [3 * G, '3G'],
      [T, '1T'],
      [4 * T + G, '4097G'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatSize(bytes), text, String(bytes));
  });

  it('round-trips through parseSize', () => {
    const values = [0, 1, 5, 4095, 4096, 12288, 65536, 1028 * K, 2 * M + 4 * K, 3 * G, 7 * T, 8191 * T];
    for (let shift = 0; shift < 53; shift++) values.push(2 ** shift, 3 * 2 ** shift);
    for (const v of values) {
      if (!Number.isSafeInteger(v)) continue;
      assert.equal(parseSize(formatSize(v)), v, String(v));
    }
  });

  it('refuses values that are not sizes', () => {
    for (const v of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) assert.throws(() => formatSize(v), RangeError);
  });
});

describe('the spec examples', () => {
  it('parses the header block verbatim', () => {
    const text = `arch x86_64                  # the default; others: x86_64-la57, arm64-4k, arm64-16k, arm64-64k,
                             # riscv64-sv39, riscv64-sv48, riscv64-sv57, ppc-8xx, ppc64-radix-4k,
                             # ppc64-radix-64k, ppc64-hash-64k (and whatever the project adds)
set thp=madvise              # always | madvise | never           (default madvise)
set thp.zero_page=on         # on | off                            (default on)
set mthp.64K=never           # per-size mTHP: never|always|madvise|inherit (default never; PMD size inherit)
set hugetlb.2M=8             # hugetlb pool, pages of that size    (default 0)
set hugetlb.1G=1
set swap=on                  # a swap device exists                (default off)
set option.hgm=on            # model-only options, off by default (e.g. hugetlb high-granularity mapping)
`;
    const s = parse(text);
    assert.equal(s.file, 't.mms');
    assert.equal(s.statements.length, 8);
    assert.deepEqual(s.statements[0], { kind: 'arch', arch: 'x86_64', loc: L(1, 1) });
    assert.deepEqual(s.header.arch, 'x86_64');
    assert.deepEqual(s.header.archLoc, L(1, 1));
    assert.deepEqual(
      s.header.settings.map((x) => x.setting),
      [
        { key: 'thp', mode: 'madvise' },
        { key: 'thp.zero_page', on: true },
        { key: 'mthp', size: sz(64 * K, 6, 10), mode: 'never' },
        { key: 'hugetlb', size: sz(2 * M, 7, 13), pages: 8 },
        { key: 'hugetlb', size: sz(G, 8, 13), pages: 1 },
        { key: 'swap', on: true },
        { key: 'option', name: 'hgm', on: true },
      ],
    );
    assert.deepEqual(s.statements[3], {
      kind: 'set',
      key: 'mthp.64K',
      value: 'never',
      setting: { key: 'mthp', size: sz(64 * K, 6, 10), mode: 'never' },
      loc: L(6, 1),
    });
    assert.deepEqual(s.header.requires, []);
  });

  it('parses every architecture name', () => {
    for (const arch of ARCH_NAMES) assert.equal(parse(`arch ${arch}`).header.arch, arch);
    assert.equal(parse('').header.arch, 'x86_64');
    assert.equal(parse('').header.archLoc, undefined);
  });

  // The spec's operations block, with `file f1` moved before its first use and
  // `as main` before the operations that follow `exit child` (as a catalogue of forms
  // it uses f1 before defining it and keeps acting in the exited child).
  const OPS = `file f1 size=4M                        # a regular file of that size, written with write(2) before use;
A = mmap 4M rw private anon            # PROT: none | r | rw | rx | rwx
H = mmap 4M rw shared anon hugetlb=2M  # hugetlb=2M|1G (arch sizes): MAP_ANONYMOUS|MAP_HUGETLB
F = mmap 1M r private file=f1 off=0    # file mapping (see \`file\` below)
P = mmap 8M rw shared pfnmap           # a driver's VM_PFNMAP region (model only): faults insert
                                       #   pfns, as huge pmd/pud special entries where aligned
X = mmap 2M rw private anon populate   # MAP_POPULATE
                                       #   each 4K page holds its page index as its value tag
munmap A+1M 4K
mprotect A+1M 4K r
madvise A+0 4M hugepage                # hugepage nohugepage dontneed free pageout cold willneed
                                       # collapse populate_read populate_write remove
                                       # guard_install guard_remove dontfork dofork wipeonfork
B = mremap A+0 2M 2M maymove           # [maymove] [fixed=REGION+OFF] [dontunmap]
read A+0 4M                            # one load per base page
write A+0 4M                           # one store per base page; stores a fresh value per page
write A+0 4K value=7                   # store that value: a 32-bit tag in the first 4 bytes of each
                                       #   base page (untouched anonymous memory reads as 0)
fork child                             # the current process forks; the new one is named \`child\`
as child                               # later lines act in process \`child\` (\`as main\` goes back)
exit child                             # the process exits (and is waited for)
as main
uffd A+0 4M register wp                # register modes: wp, missing, minor; flags: wp_unpopulated, async
uffd A+0 8K wp                         # UFFDIO_WRITEPROTECT on
uffd A+0 8K unwp                       # and off
pin A+0 8K write longterm as p1        # pin_user_pages; flags: write, longterm, fast (gup-fast first)
unpin p1
expect EINVAL munmap H+4K 4K           # the operation must fail with that errno (or SIGBUS/SIGSEGV)
`;

  it('parses the operations block', () => {
    const s = parse(OPS).statements;
    assert.deepEqual(
      s.map((x) => x.kind),
      [
        'file',
        'mmap',
        'mmap',
        'mmap',
        'mmap',
        'mmap',
        'munmap',
        'mprotect',
        'madvise',
        'mremap',
        'read',
        'write',
        'write',
        'fork',
        'as',
        'exit',
        'as',
        'uffd',
        'uffd',
        'uffd',
        'pin',
        'unpin',
        'expect',
      ],
    );
    assert.deepEqual(s[0], { kind: 'file', name: 'f1', size: sz(4 * M, 1, 14), loc: L(1, 1) });
    assert.deepEqual(s[1], {
      kind: 'mmap',
      name: 'A',
      len: sz(4 * M, 2, 10),
      prot: 'rw',
      shared: false,
      backing: { kind: 'anon' },
      populate: false,
      flags: [],
      loc: L(2, 1),
    });
    assert.deepEqual(s[2], {
      kind: 'mmap',
      name: 'H',
      len: sz(4 * M, 3, 10),
      prot: 'rw',
      shared: true,
      backing: { kind: 'anon' },
      hugetlb: sz(2 * M, 3, 36),
      populate: false,
      flags: [],
      loc: L(3, 1),
    });
    assert.deepEqual(s[3], {
      kind: 'mmap',
      name: 'F',
      len: sz(M, 4, 10),
      prot: 'r',
      shared: false,
      backing: { kind: 'file', file: 'f1', off: sz(0, 4, 35) },
      populate: false,
      flags: [],
      loc: L(4, 1),
    });
    assert.deepEqual(s[4], {
      kind: 'mmap',
      name: 'P',
      len: sz(8 * M, 5, 10),
      prot: 'rw',
      shared: true,
      backing: { kind: 'pfnmap' },
      populate: false,
      flags: [],
      loc: L(5, 1),
    });
    assert.equal(s[5]?.kind === 'mmap' && s[5].populate, true);
    assert.deepEqual(s[6], { kind: 'munmap', addr: ad('A', M, 9, 8), len: sz(4 * K, 9, 13), loc: L(9, 1) });
    assert.deepEqual(s[7], {
      kind: 'mprotect',
      addr: ad('A', M, 10, 10),
      len: sz(4 * K, 10, 15),
      prot: 'r',
      loc: L(10, 1),
    });
    assert.deepEqual(s[8], {
      kind: 'madvise',
      addr: ad('A', 0, 11, 9),
      len: sz(4 * M, 11, 13),
      advice: 'hugepage',
      loc: L(11, 1),
    });
    assert.deepEqual(s[9], {
      kind: 'mremap',
      name: 'B',
      addr: ad('A', 0, 14, 12),
      oldLen: sz(2 * M, 14, 16),
      newLen: sz(2 * M, 14, 19),
      maymove: true,
      dontunmap: false,
      loc: L(14, 1),
    });
    assert.deepEqual(s[10], { kind: 'read', addr: ad('A', 0, 15, 6), len: sz(4 * M, 15, 10), loc: L(15, 1) });
    assert.deepEqual(s[11], { kind: 'write', addr: ad('A', 0, 16, 7), len: sz(4 * M, 16, 11), loc: L(16, 1) });
    assert.deepEqual(s[12], {
      kind: 'write',
      addr: ad('A', 0, 17, 7),
      len: sz(4 * K, 17, 11),
      value: 7,
      loc: L(17, 1),
    });
    assert.deepEqual(s[13], { kind: 'fork', child: 'child', loc: L(19, 1) });
    assert.deepEqual(s[14], { kind: 'as', proc: 'child', loc: L(20, 1) });
    assert.deepEqual(s[15], { kind: 'exit', proc: 'child', loc: L(21, 1) });
    assert.deepEqual(s[17], {
      kind: 'uffd',
      op: 'register',
      addr: ad('A', 0, 23, 6),
      len: sz(4 * M, 23, 10),
      modes: ['wp'],
      flags: [],
      loc: L(23, 1),
    });
    assert.deepEqual(s[18], { kind: 'uffd', op: 'wp', addr: ad('A', 0, 24, 6), len: sz(8 * K, 24, 10), loc: L(24, 1) });
    assert.deepEqual(s[19], { kind: 'uffd', op: 'unwp', addr: ad('A', 0, 25, 6), len: sz(8 * K, 25, 10), loc: L(25, 1) });
    assert.deepEqual(s[20], {
      kind: 'pin',
      addr: ad('A', 0, 26, 5),
      len: sz(8 * K, 26, 9),
      flags: { write: true, longterm: true, fast: false },
      name: 'p1',
      loc: L(26, 1),
    });
    assert.deepEqual(s[21], { kind: 'unpin', name: 'p1', loc: L(27, 1) });
    assert.deepEqual(s[22], {
      kind: 'expect',
      error: 'EINVAL',
      inner: { kind: 'munmap', addr: ad('H', 4 * K, 28, 22), len: sz(4 * K, 28, 27), loc: L(28, 15) },
      loc: L(28, 1),
    });
  });

  it('parses the assertions block', () => {
    const pre = [PRE, 'B = mmap 2M rw private anon', 'fork child'];
    const text = `assert pagemap A+0 2M present exclusive !swapped   # every base page in the range has these
                                                   # flags; \`!flag\` means the flag is absent
assert content A+0 16K == 7                        # every page in the range holds that value
assert frame A+0 == B+0                            # the same physical frame
assert frame A+0 != child:A+0                      # PROC:REGION+OFF names another process
assert frame A+4K == A+0 next                      # the frame right after that one (contiguous)
assert status RssAnon == 2048                      # a /proc/PID/status field, in kB
assert smaps A+0 AnonHugePages == 2048             # a field of the smaps record of the VMA at A+0
assert maps A count == 3                           # the number of VMAs that overlap region A
`;
    const s = parse([...pre, text].join('\n')).statements.slice(3);
    assert.deepEqual(s, [
      {
        kind: 'assert',
        what: 'pagemap',
        addr: ad('A', 0, 4, 16),
        len: sz(2 * M, 4, 20),
        flags: [
          { flag: 'present', source: 'pagemap', negated: false, loc: L(4, 23) },
          { flag: 'exclusive', source: 'pagemap', negated: false, loc: L(4, 31) },
          { flag: 'swapped', source: 'pagemap', negated: true, loc: L(4, 41) },
        ],
        loc: L(4, 1),
      },
      {
        kind: 'assert',
        what: 'content',
        addr: ad('A', 0, 6, 16),
        len: sz(16 * K, 6, 20),
        cmp: { op: '==', value: 7, loc: L(6, 24) },
        loc: L(6, 1),
      },
      { kind: 'assert', what: 'frame', left: ad('A', 0, 7, 14), op: '==', right: ad('B', 0, 7, 21), next: false, loc: L(7, 1) },
      {
        kind: 'assert',
        what: 'frame',
        left: ad('A', 0, 8, 14),
        op: '!=',
        right: ad('A', 0, 8, 21, 'child'),
        next: false,
        loc: L(8, 1),
      },
      {
        kind: 'assert',
        what: 'frame',
        left: ad('A', 4 * K, 9, 14),
        op: '==',
        right: ad('A', 0, 9, 22),
        next: true,
        loc: L(9, 1),
      },
      { kind: 'assert', what: 'status', field: 'RssAnon', cmp: { op: '==', value: 2048, loc: L(10, 23) }, loc: L(10, 1) },
      {
        kind: 'assert',
        what: 'smaps',
        addr: ad('A', 0, 11, 14),
        field: 'AnonHugePages',
        cmp: { op: '==', value: 2048, loc: L(11, 32) },
        loc: L(11, 1),
      },
      {
        kind: 'assert',
        what: 'maps',
        region: { region: 'A', loc: L(12, 13) },
        cmp: { op: '==', value: 3, loc: L(12, 21) },
        loc: L(12, 1),
      },
    ]);
  });

  it('parses the observations block', () => {
    const text = `show maps                 # the VMAs of the current process, region-relative
show smaps A              # the smaps records of the VMAs in region A
show pagemap A+0 4M       # per base page: pagemap bits, kpageflags subset, kpagecount,
                          #   PAGEMAP_SCAN categories, frame identity
show status               # RssAnon, RssFile, RssShmem, VmPTE, VmSwap, HugetlbPages
show content A+0 16K      # the value tags of those pages
show ptdump               # model only: the page tables, arch ptdump style
`;
    const s = parse([PRE, text].join('\n')).statements.slice(1);
    assert.deepEqual(s, [
      { kind: 'show', what: 'maps', loc: L(2, 1) },
      { kind: 'show', what: 'smaps', region: { region: 'A', loc: L(3, 12) }, loc: L(3, 1) },
      { kind: 'show', what: 'pagemap', addr: ad('A', 0, 4, 14), len: sz(4 * M, 4, 18), loc: L(4, 1) },
      { kind: 'show', what: 'status', loc: L(6, 1) },
      { kind: 'show', what: 'content', addr: ad('A', 0, 7, 14), len: sz(16 * K, 7, 18), loc: L(7, 1) },
      { kind: 'show', what: 'ptdump', loc: L(8, 1) },
    ]);
  });
});

describe('statement forms', () => {
  it('requires: words accumulate in the header without duplicates', () => {
    const s = parse('requires hugetlb.2M uffd-wp\nrequires swap hugetlb.2M\nA = mmap 4K rw private anon');
    assert.deepEqual(s.statements[0], { kind: 'requires', features: ['hugetlb.2M', 'uffd-wp'], loc: L(1, 1) });
    assert.deepEqual(s.header.requires, ['hugetlb.2M', 'uffd-wp', 'swap']);
  });

  it('set: every key form and value', () => {
    const s = parse(
      [
        'set thp=always',
        'set thp.zero_page=off',
        'set mthp.2M=inherit',
        'set mthp.16K=madvise',
        'set hugetlb.0x200000=0',
        'set swap=off',
        'set option.hugepd=off',
      ].join('\n'),
    );
    assert.deepEqual(
      s.header.settings.map((x) => [x.key, x.value, x.setting]),
      [
        ['thp', 'always', { key: 'thp', mode: 'always' }],
        ['thp.zero_page', 'off', { key: 'thp.zero_page', on: false }],
        ['mthp.2M', 'inherit', { key: 'mthp', size: sz(2 * M, 3, 10), mode: 'inherit' }],
        ['mthp.16K', 'madvise', { key: 'mthp', size: sz(16 * K, 4, 10), mode: 'madvise' }],
        ['hugetlb.0x200000', '0', { key: 'hugetlb', size: sz(2 * M, 5, 13), pages: 0 }],
        ['swap', 'off', { key: 'swap', on: false }],
        ['option.hugepd', 'off', { key: 'option', name: 'hugepd', on: false }],
      ],
    );
    // Spaces around `=` are allowed.
    assert.deepEqual(parse('set  thp = never').statements[0], {
      kind: 'set',
      key: 'thp',
      value: 'never',
      setting: { key: 'thp', mode: 'never' },
      loc: L(1, 1),
    });
  });

  it('mmap: every option, in any order', () => {
    const st = last('Z = mmap 0x3000 rwx shared populate locked noreserve file=f off=8K fixed=A+2M hugetlb=1G', [
      PRE,
      'file f size=1M',
    ]);
    assert.deepEqual(st, {
      kind: 'mmap',
      name: 'Z',
      len: sz(3 * 4096, 3, 10),
      prot: 'rwx',
      shared: true,
      backing: { kind: 'file', file: 'f', off: sz(8 * K, 3, 65) },
      hugetlb: sz(G, 3, 87),
      populate: true,
      fixed: ad('A', 2 * M, 3, 74),
      flags: ['locked', 'noreserve'],
      loc: L(3, 1),
    });
    // `key = value` with spaces, and `NAME=mmap` without.
    const sp = last('Y=mmap 4K none private file = f off = 4K', [PRE, 'file f size=1M']);
    assert.ok(sp.kind === 'mmap');
    assert.equal(sp.name, 'Y');
    assert.equal(sp.prot, 'none');
    assert.deepEqual(sp.backing, { kind: 'file', file: 'f', off: sz(4 * K, 3, 39) });
  });

  it('mmap: every protection', () => {
    for (const prot of ['none', 'r', 'w', 'x', 'rw', 'rx', 'wx', 'rwx']) {
      const st = last(`B = mmap 4K ${prot} private anon`);
      assert.ok(st.kind === 'mmap');
      assert.equal(st.prot, prot);
      const mp = last(`mprotect A 4K ${prot}`);
      assert.ok(mp.kind === 'mprotect');
      assert.equal(mp.prot, prot);
    }
  });

  it('mmap: extra MAP_ flags keep their order', () => {
    const st = last('B = mmap 4K rw private anon droppable stack growsdown nonblock sync');
    assert.ok(st.kind === 'mmap');
    assert.deepEqual(st.flags, ['droppable', 'stack', 'growsdown', 'nonblock', 'sync']);
  });

  it('madvise: every advice', () => {
    for (const advice of ADVICES) {
      const st = last(`madvise A+4K 8K ${advice}`);
      assert.deepEqual(st, { kind: 'madvise', addr: ad('A', 4 * K, 2, 9), len: sz(8 * K, 2, 14), advice, loc: L(2, 1) });
    }
  });

  it('mremap: all options and the unnamed form', () => {
    assert.deepEqual(last('B = mremap A 4M 8M dontunmap fixed=A+1G maymove'), {
      kind: 'mremap',
      name: 'B',
      addr: ad('A', 0, 2, 12),
      oldLen: sz(4 * M, 2, 14),
      newLen: sz(8 * M, 2, 17),
      maymove: true,
      fixed: ad('A', G, 2, 36),
      dontunmap: true,
      loc: L(2, 1),
    });
    assert.deepEqual(last('mremap A+0 4M 2M'), {
      kind: 'mremap',
      addr: ad('A', 0, 2, 8),
      oldLen: sz(4 * M, 2, 12),
      newLen: sz(2 * M, 2, 15),
      maymove: false,
      dontunmap: false,
      loc: L(2, 1),
    });
  });

  it('addresses: REGION, REGION+SIZE in every size form', () => {
    const offs: [string, number][] = [
      ['A', 0],
      ['A+0', 0],
      ['A+4096', 4096],
      ['A+0x2000', 8192],
      ['A+3K', 3 * K],
      ['A+1T', T],
    ];
    for (const [text, offset] of offs) {
      assert.deepEqual(last(`read ${text} 4K`), {
        kind: 'read',
        addr: ad('A', offset, 2, 6),
        len: sz(4 * K, 2, 7 + text.length),
        loc: L(2, 1),
      });
    }
  });

  it('write: value in decimal and hex up to 32 bits', () => {
    const st = last('write A 4K value=0xffffffff');
    assert.ok(st.kind === 'write');
    assert.equal(st.value, 0xffffffff);
    const z = last('write A 4K value=0');
    assert.ok(z.kind === 'write');
    assert.equal(z.value, 0);
  });

  it('uffd register: modes and flags', () => {
    assert.deepEqual(last('uffd A 4M register missing wp minor async wp_unpopulated'), {
      kind: 'uffd',
      op: 'register',
      addr: ad('A', 0, 2, 6),
      len: sz(4 * M, 2, 8),
      modes: ['missing', 'wp', 'minor'],
      flags: ['async', 'wp_unpopulated'],
      loc: L(2, 1),
    });
    const bare = last('uffd A 4M register');
    assert.ok(bare.kind === 'uffd' && bare.op === 'register');
    assert.deepEqual(bare.modes, []);
  });

  it('pin: flags, optional name; unpin; a name is reusable after unpin', () => {
    assert.deepEqual(last('pin A 4K fast'), {
      kind: 'pin',
      addr: ad('A', 0, 2, 5),
      len: sz(4 * K, 2, 7),
      flags: { write: false, longterm: false, fast: true },
      loc: L(2, 1),
    });
    const s = parse([PRE, 'pin A 4K longterm fast write as p', 'unpin p', 'pin A 4K as p', 'unpin p'].join('\n'))
      .statements;
    assert.deepEqual(
      s.map((x) => (x.kind === 'pin' ? [x.kind, x.name, x.flags] : x.kind === 'unpin' ? [x.kind, x.name] : [x.kind])),
      [
        ['mmap'],
        ['pin', 'p', { write: true, longterm: true, fast: true }],
        ['unpin', 'p'],
        ['pin', 'p', { write: false, longterm: false, fast: false }],
        ['unpin', 'p'],
      ],
    );
  });

  it('migrate (model only)', () => {
    assert.deepEqual(last('migrate A+2M 2M'), {
      kind: 'migrate',
      addr: ad('A', 2 * M, 2, 9),
      len: sz(2 * M, 2, 14),
      loc: L(2, 1),
    });
  });

  it('fork, as, exit, and PROC: addresses in assert and show', () => {
    const s = parse(
      [PRE, 'fork c1', 'as c1', 'fork c2', 'as main', 'show pagemap c2:A+8K 4K', 'exit c2', 'exit c1', 'fork c1'].join('\n'),
    ).statements;
    assert.deepEqual(s[1], { kind: 'fork', child: 'c1', loc: L(2, 1) });
    assert.deepEqual(s[5], {
      kind: 'show',
      what: 'pagemap',
      addr: ad('A', 8 * K, 6, 14, 'c2'),
      len: sz(4 * K, 6, 22),
      loc: L(6, 1),
    });
    assert.deepEqual(s[8], { kind: 'fork', child: 'c1', loc: L(9, 1) });
  });

  it('regions are one namespace across processes', () => {
    const s = parse([PRE, 'fork c', 'as c', 'C = mmap 4K rw private anon', 'as main', 'read C 4K'].join('\n'));
    assert.deepEqual(s.statements[5], { kind: 'read', addr: ad('C', 0, 6, 6), len: sz(4 * K, 6, 8), loc: L(6, 1) });
  });

  it('expect: errnos, signals, and the inner statement', () => {
    assert.deepEqual(last('expect SIGSEGV read A+4M 4K'), {
      kind: 'expect',
      error: 'SIGSEGV',
      inner: { kind: 'read', addr: ad('A', 4 * M, 2, 21), len: sz(4 * K, 2, 26), loc: L(2, 16) },
      loc: L(2, 1),
    });
    for (const e of ['EINVAL', 'ENOMEM', 'EFAULT', 'EPERM', 'EACCES', 'EEXIST', 'EAGAIN', 'EBUSY', 'ENOENT', 'ENOSPC', 'EOVERFLOW', 'ENODEV', 'ESRCH', 'EBADF', 'SIGBUS']) {
      const st = last(`expect ${e} munmap A 4K`);
      assert.ok(st.kind === 'expect');
      assert.equal(st.error, e);
    }
    // Unnamed mmap, named mmap and mremap inside expect.
    const un = last('expect EINVAL mmap 0 rw private anon');
    assert.ok(un.kind === 'expect' && un.inner.kind === 'mmap');
    assert.equal(un.inner.name, undefined);
    assert.equal(un.inner.loc.col, 15);
    const named = last('expect ENOMEM B = mmap 1T rw private anon');
    assert.ok(named.kind === 'expect' && named.inner.kind === 'mmap');
    assert.equal(named.inner.name, 'B');
    const mr = last('expect EFAULT B = mremap A 4M 8M');
    assert.ok(mr.kind === 'expect' && mr.inner.kind === 'mremap');
    assert.equal(mr.inner.name, 'B');
  });

  it('expect binds nothing: the name stays free', () => {
    const s = parse([PRE, 'expect ENOMEM B = mmap 1T rw private anon', 'B = mmap 4K rw private anon'].join('\n'));
    assert.equal(s.statements.length, 3);
    fails([PRE, 'expect ENOMEM B = mmap 1T rw private anon', 'read B 4K'].join('\n'), "t.mms:3:6: region 'B' is not defined");
    fails([PRE, 'expect EAGAIN fork c', 'as c'].join('\n'), "t.mms:3:4: process 'c' is not defined");
    fails([PRE, 'expect EFAULT pin A 4K as p', 'unpin p'].join('\n'), "t.mms:3:7: pin 'p' is not defined");
    fails(['expect ENOSPC file f size=1T', 'F = mmap 4K r shared file=f'].join('\n'), "t.mms:2:27: file 'f' is not defined");
  });

  it('assert: every operator, kpageflags and PAGEMAP_SCAN flags, smaps_rollup', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      const st = last(`assert status VmPTE ${op} 0x10`);
      assert.deepEqual(st, { kind: 'assert', what: 'status', field: 'VmPTE', cmp: { op, value: 16, loc: L(2, 21) }, loc: L(2, 1) });
    }
    const pm = last('assert pagemap main:A+4K 4K kpf_thp !kpf_zero is_huge !is_pfnzero');
    assert.ok(pm.kind === 'assert' && pm.what === 'pagemap');
    assert.deepEqual(pm.addr, ad('A', 4 * K, 2, 16, 'main'));
    assert.deepEqual(
      pm.flags.map((f) => [f.flag, f.source, f.negated, f.loc.col]),
      [
        ['kpf_thp', 'kpageflags', false, 29],
        ['kpf_zero', 'kpageflags', true, 37],
        ['is_huge', 'scan', false, 47],
        ['is_pfnzero', 'scan', true, 55],
      ],
    );
    const ct = last('assert content A 4K != 0xdeadbeef');
    assert.ok(ct.kind === 'assert' && ct.what === 'content');
    assert.deepEqual(ct.cmp, { op: '!=', value: 0xdeadbeef, loc: L(2, 21) });
    const mp = last('assert maps main:A count>=1');
    assert.deepEqual(mp, {
      kind: 'assert',
      what: 'maps',
      region: { proc: 'main', region: 'A', loc: L(2, 13) },
      cmp: { op: '>=', value: 1, loc: L(2, 25) },
      loc: L(2, 1),
    });
    assert.deepEqual(last('show rollup'), { kind: 'show', what: 'rollup', loc: L(2, 1) });
    assert.deepEqual(last('show smaps_rollup'), { kind: 'show', what: 'rollup', loc: L(2, 1) });
    assert.deepEqual(last('show pins A+0 8K'), {
      kind: 'show',
      what: 'pins',
      addr: ad('A', 0, 2, 11),
      len: sz(8 * K, 2, 15),
      loc: L(2, 1),
    });
  });
});

describe('lexical rules', () => {
  it('comments, blank lines, tabs, CRLF and a BOM', () => {
    const text = '\uFEFF# a comment\r\n\r\n   \t\r\nA = mmap 4M rw private anon# no space needed\r\n\tread\tA+4K\t4K   # tabs\r\n';
    const s = parse(text).statements;
    assert.equal(s.length, 2);
    assert.deepEqual(s[1], { kind: 'read', addr: ad('A', 4 * K, 5, 7), len: sz(4 * K, 5, 12), loc: L(5, 2) });
  });

  it('an empty file is an empty scenario', () => {
    assert.deepEqual(parse(''), {
      file: 't.mms',
      header: { arch: 'x86_64', settings: [], requires: [] },
      statements: [],
    });
    assert.deepEqual(parse('# nothing\n\n').statements, []);
  });
});

describe('errors', () => {
  it('ScenarioError carries file, line, col and the bare detail', () => {
    try {
      parseScenario('\n\nmmapp 4M', 'dir/x.mms');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ScenarioError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, 'ScenarioError');
      assert.equal(e.message, "dir/x.mms:3:1: unknown statement 'mmapp'");
      assert.equal(e.file, 'dir/x.mms');
      assert.equal(e.line, 3);
      assert.equal(e.col, 1);
      assert.equal(e.detail, "unknown statement 'mmapp'");
    }
  });

  it('reports the first error only', () => {
    fails('mmapp\nfoo', "t.mms:1:1: unknown statement 'mmapp'");
    fails('read B 4Q', "t.mms:1:6: region 'B' is not defined");
  });

  it('statements and lexing', () => {
    fails('A = mmap 4M rw private anon\n\nmmapp 4M', "t.mms:3:1: unknown statement 'mmapp'");
    fails('= mmap 4M', "t.mms:1:1: expected a statement, found '='");
    fails('A = munmap A 4K', "t.mms:1:5: expected 'mmap' or 'mremap' after '=', found 'munmap'");
    fails('A =', "t.mms:1:4: missing 'mmap' or 'mremap' after '='");
    fails('1A = mmap 4K rw private anon', "t.mms:1:1: bad region name '1A'");
    fails('mmap 4K rw private anon', "t.mms:1:1: mmap needs a region name: 'NAME = mmap ...'");
    fails(`${PRE}\nread A 4K; show maps`, "t.mms:2:10: unexpected character ';'");
    fails(`${PRE}\nassert pagemap A 4K ! present`, "t.mms:2:21: '!' must be followed by a flag name");
    fails(`${PRE}\nread A 4K é`, "t.mms:2:11: unexpected character 'é'");
  });

  it('sizes and addresses', () => {
    fails('A = mmap 4Q rw private anon', "t.mms:1:10: bad size '4Q'");
    fails('A = mmap 4k rw private anon', "t.mms:1:10: bad size '4k'");
    fails('A = mmap 8192T rw private anon', "t.mms:1:10: bad size '8192T'");
    fails(`${PRE}\nread A+4Q 4K`, "t.mms:2:8: bad size '4Q'");
    fails(`${PRE}\nread A+ 4K`, "t.mms:2:8: missing offset after '+'");
    fails(`${PRE}\nread A-4K 4K`, "t.mms:2:6: bad address 'A-4K' (expected REGION, REGION+OFFSET or PROC:REGION+OFFSET)");
    fails(`${PRE}\nread 0x1000 4K`, "t.mms:2:6: bad address '0x1000' (expected REGION, REGION+OFFSET or PROC:REGION+OFFSET)");
    fails(`${PRE}\nread A+4K+4K 4K`, "t.mms:2:8: bad size '4K+4K'");
    fails(`${PRE}\nfork c\nassert frame A == c:B+4Q`, "t.mms:3:21: region 'B' is not defined");
    fails(`${PRE}\nshow smaps A+4K`, "t.mms:2:12: bad region 'A+4K' (expected REGION or PROC:REGION)");
  });

  it('missing arguments and trailing garbage', () => {
    fails(`${PRE}\nmunmap`, 't.mms:2:7: missing address');
    fails(`${PRE}\nmunmap A`, 't.mms:2:9: missing length');
    fails(`${PRE}\nmunmap A  # comment`, 't.mms:2:9: missing length');
    fails(`${PRE}\nmprotect A 4K`, 't.mms:2:14: missing protection');
    fails(`${PRE}\nmadvise A 4K`, 't.mms:2:13: missing advice');
    fails(`${PRE}\nB = mremap A 4K`, 't.mms:2:16: missing new length');
    fails(`${PRE}\nmunmap A 4K extra`, "t.mms:2:13: unexpected 'extra' after end of statement");
    fails(`${PRE}\nshow maps A`, "t.mms:2:11: unexpected 'A' after end of statement");
    fails(`${PRE}\nread A 4K == 3`, "t.mms:2:11: unexpected '==' after end of statement");
    fails(`${PRE}\nunpin`, 't.mms:2:6: missing pin name');
    fails('fork', 't.mms:1:5: missing process name');
    fails('file f', 't.mms:1:7: missing size=SIZE');
    fails('file f 4M', "t.mms:1:8: expected size=SIZE, found '4M'");
    fails('file f size', "t.mms:1:8: 'size' needs a value, e.g. size=4M");
    fails('file f size=', "t.mms:1:13: missing value after 'size='");
    fails('requires', 't.mms:1:9: missing feature name');
    fails('arch', 't.mms:1:5: missing arch name');
    fails(`${PRE}\nshow`, 't.mms:2:5: missing view');
    fails(`${PRE}\nassert`, 't.mms:2:7: missing assertion kind');
    fails(`${PRE}\nuffd A 4K`, 't.mms:2:10: missing uffd operation (register, wp or unwp)');
  });

  it('header', () => {
    fails(`${PRE}\narch x86_64`, 't.mms:2:1: header statements (arch, set, requires) must come before the first operation');
    fails('show maps\nset thp=never', 't.mms:2:1: header statements (arch, set, requires) must come before the first operation');
    fails('file f size=4K\nrequires swap', 't.mms:2:1: header statements (arch, set, requires) must come before the first operation');
    fails('arch x86', `t.mms:1:6: unknown arch 'x86' (expected one of: ${ARCH_NAMES.join(', ')})`);
    fails('arch arm64-4k\narch arm64-4k', 't.mms:2:1: arch is already set at line 1');
    fails(
      'set thpp=never',
      "t.mms:1:5: unknown setting 'thpp' (expected thp, thp.zero_page, mthp.SIZE, hugetlb.SIZE, swap or option.NAME)",
    );
    fails(
      'set mthp=never',
      "t.mms:1:5: unknown setting 'mthp' (expected thp, thp.zero_page, mthp.SIZE, hugetlb.SIZE, swap or option.NAME)",
    );
    fails('set thp=sometimes', "t.mms:1:9: bad value 'sometimes' for 'thp' (expected one of: always, madvise, never)");
    fails('set thp.zero_page=yes', "t.mms:1:19: bad value 'yes' for 'thp.zero_page' (expected on or off)");
    fails('set mthp.64K=maybe', "t.mms:1:14: bad value 'maybe' for 'mthp.64K' (expected one of: never, always, madvise, inherit)");
    fails('set mthp.4Q=never', "t.mms:1:10: bad size '4Q'");
    fails('set hugetlb.2M=-1', "t.mms:1:16: bad value '-1' for 'hugetlb.2M' (expected a number of pages)");
    fails('set hugetlb.2M=0x10', "t.mms:1:16: bad value '0x10' for 'hugetlb.2M' (expected a number of pages)");
    fails('set hugetlb.2M=2M', "t.mms:1:16: bad value '2M' for 'hugetlb.2M' (expected a number of pages)");
    fails('set swap=1', "t.mms:1:10: bad value '1' for 'swap' (expected on or off)");
    fails('set option.hgm=true', "t.mms:1:16: bad value 'true' for 'option.hgm' (expected on or off)");
    fails('set option.=on', "t.mms:1:12: bad option name ''");
    fails('set thp', "t.mms:1:8: missing '=' after 'thp'");
    fails('set thp==never', "t.mms:1:8: expected '=' after 'thp', found '=='");
    fails('set thp=', "t.mms:1:9: missing value for 'thp'");
    fails('set thp=never always', "t.mms:1:15: unexpected 'always' after end of statement");
    fails('set thp=never\nset thp=always', "t.mms:2:5: 'thp' is already set at line 1");
    fails('set mthp.64K=never\nset mthp.0x10000=always', "t.mms:2:5: 'mthp.0x10000' is already set at line 1");
    fails('set hugetlb.2048K=1\nset hugetlb.2M=2', "t.mms:2:5: 'hugetlb.2M' is already set at line 1");
    fails('requires !swap', "t.mms:1:10: bad feature name '!swap'");
  });

  it('mmap options', () => {
    const opts =
      'private, shared, anon, file=NAME, off=SIZE, pfnmap, hugetlb=SIZE, populate, fixed=ADDRESS, noreserve, locked, growsdown, stack, nonblock, sync, droppable';
    fails('A = mmap 4M rw private anon popluate', `t.mms:1:29: unknown mmap option 'popluate' (expected one of: ${opts})`);
    fails('A = mmap 4M rw anon', 't.mms:1:20: missing private or shared');
    fails('A = mmap 4M rw private', 't.mms:1:23: missing backing (anon, file=NAME or pfnmap)');
    fails('A = mmap 4M rw private shared anon', "t.mms:1:24: 'shared' conflicts with 'private'");
    fails('A = mmap 4M rw private private anon', "t.mms:1:24: 'private' given twice");
    fails('A = mmap 4M rw private anon pfnmap', "t.mms:1:29: 'pfnmap' conflicts with 'anon'");
    fails('A = mmap 4M rw private anon populate populate', "t.mms:1:38: 'populate' given twice");
    fails('A = mmap 4M rw private anon off=4K', "t.mms:1:29: 'off' needs file=NAME");
    fails('A = mmap 4M rw private anon hugetlb', "t.mms:1:29: 'hugetlb' needs a value, e.g. hugetlb=2M");
    fails('A = mmap 4M rw private anon hugetlb=2Q', "t.mms:1:37: bad size '2Q'");
    fails('A = mmap 4M rw private anon populate=1', "t.mms:1:29: 'populate' takes no value");
    fails('A = mmap 4M rw private anon fixed=B', "t.mms:1:35: region 'B' is not defined");
    fails('A = mmap 4M rw private anon fixed=A', "t.mms:1:35: region 'A' is not defined");
    fails(`${PRE}\nB = mmap 4M rw private anon fixed=main:A`, "t.mms:2:35: 'main:' is not allowed here: operations act in the current process (use 'as main')");
    fails('A = mmap 4M rw private file=f1', "t.mms:1:29: file 'f1' is not defined");
    fails('file f1 size=4K\nfile f1 size=8K', "t.mms:2:6: file 'f1' is already defined at line 1");
    fails('A = mmap 4M wr private anon', "t.mms:1:13: bad protection 'wr' (expected one of: none, r, w, x, rw, rx, wx, rwx)");
    fails('A = mmap 4M rwx- private anon', "t.mms:1:13: bad protection 'rwx-' (expected one of: none, r, w, x, rw, rx, wx, rwx)");
    fails(`${PRE}\nA = mmap 4K rw private anon`, "t.mms:2:1: region 'A' is already defined at line 1");
    fails(`${PRE}\nmunmap A 4M\nA = mmap 4K rw private anon`, "t.mms:3:1: region 'A' is already defined at line 1");
    fails(`${PRE}\nB = mremap A 4M 8M maymove maymove`, "t.mms:2:28: 'maymove' given twice");
    fails(`${PRE}\nB = mremap A 4M 8M move`, "t.mms:2:20: unknown mremap option 'move' (expected one of: maymove, fixed=ADDRESS, dontunmap)");
  });

  it('operations', () => {
    const advices = ADVICES.join(', ');
    fails(`${PRE}\nmadvise A+0 4M dontned`, `t.mms:2:16: unknown advice 'dontned' (expected one of: ${advices})`);
    fails(`${PRE}\nmprotect A 4K RW`, "t.mms:2:15: bad protection 'RW' (expected one of: none, r, w, x, rw, rx, wx, rwx)");
    fails(`${PRE}\nwrite A 4K value=0x100000000`, "t.mms:2:18: bad value '0x100000000' (expected a 32-bit unsigned value)");
    fails(`${PRE}\nwrite A 4K value=-1`, "t.mms:2:18: bad value '-1' (expected a 32-bit unsigned value)");
    fails(`${PRE}\nwrite A 4K val=1`, "t.mms:2:12: unknown write option 'val' (expected value=N)");
    fails(`${PRE}\nuffd A 4K protect`, "t.mms:2:11: unknown uffd operation 'protect' (expected register, wp or unwp)");
    fails(
      `${PRE}\nuffd A 4K register wp wp`,
      "t.mms:2:23: 'wp' given twice",
    );
    fails(
      `${PRE}\nuffd A 4K register missing sync`,
      "t.mms:2:28: unknown uffd register mode or flag 'sync' (expected one of: wp, missing, minor, wp_unpopulated, async, event_fork)",
    );
    fails(`${PRE}\nuffd A 4K wp missing`, "t.mms:2:14: unexpected 'missing' after end of statement");
    fails(`${PRE}\npin A 4K rw`, "t.mms:2:10: unknown pin flag 'rw' (expected write, longterm, fast or 'as NAME')");
    fails(`${PRE}\npin A 4K write write`, "t.mms:2:16: 'write' given twice");
    fails(`${PRE}\npin A 4K as`, 't.mms:2:12: missing pin name');
    fails(`${PRE}\npin A 4K as p write`, "t.mms:2:15: unexpected 'write' after end of statement");
    fails(`${PRE}\npin A 4K as p\npin A 4K as p`, "t.mms:3:13: pin 'p' is already defined at line 2");
    fails(`${PRE}\nunpin p1`, "t.mms:2:7: pin 'p1' is not defined");
    fails(`${PRE}\npin A 4K as p1\nunpin p1\nunpin p1`, "t.mms:4:7: pin 'p1' is not defined");
    fails(`${PRE}\nmunmap main:A 4K`, "t.mms:2:8: 'main:' is not allowed here: operations act in the current process (use 'as main')");
    fails(`${PRE}\nmigrate A`, 't.mms:2:10: missing length');
  });

  it('processes', () => {
    fails('as child', "t.mms:1:4: process 'child' is not defined");
    fails('exit child', "t.mms:1:6: process 'child' is not defined");
    fails(`${PRE}\nassert frame A+0 == child:A+0`, "t.mms:2:21: process 'child' is not defined");
    fails(`${PRE}\nshow content child:A 4K`, "t.mms:2:14: process 'child' is not defined");
    fails('fork main', "t.mms:1:6: process 'main' already exists");
    fails('fork c\nfork c', "t.mms:2:6: process 'c' already exists");
    fails('fork 9c', "t.mms:1:6: bad process name '9c'");
    fails('fork c\nexit c\nas c', "t.mms:3:4: process 'c' has exited");
    fails(`${PRE}\nfork c\nexit c\nassert frame A == c:A`, "t.mms:4:19: process 'c' has exited");
    fails(`${PRE}\nfork c\nas c\nexit c\nread A 4K`, "t.mms:5:1: the current process 'c' has exited (switch with 'as')");
    fails(`${PRE}\nfork c\nas c\nexit c\nshow maps`, "t.mms:5:1: the current process 'c' has exited (switch with 'as')");
    fails(`${PRE}\nfork c\nas c\nexit c\nexpect EINVAL read A 4K`, "t.mms:5:15: the current process 'c' has exited (switch with 'as')");
    // What needs no current process still works after it exits.
    const s = parse(`${PRE}\nfork c\nas c\nexit c\nfile f size=4K\nexit main`);
    assert.deepEqual(
      s.statements.map((x) => x.kind),
      ['mmap', 'fork', 'as', 'exit', 'file', 'exit'],
    );
  });

  it('expect', () => {
    const all = 'EINVAL, ENOMEM, EFAULT, EPERM, EACCES, EEXIST, EAGAIN, EBUSY, ENOENT, ENOSPC, EOVERFLOW, ENODEV, ESRCH, EBADF, SIGBUS, SIGSEGV';
    fails(`${PRE}\nexpect EFOO munmap A 4K`, `t.mms:2:8: unknown errno 'EFOO' (expected one of: ${all})`);
    fails(`${PRE}\nexpect einval munmap A 4K`, `t.mms:2:8: unknown errno 'einval' (expected one of: ${all})`);
    fails(`${PRE}\nexpect EINVAL`, "t.mms:2:14: missing statement after 'expect EINVAL'");
    fails(`${PRE}\nexpect`, 't.mms:2:7: missing errno or signal');
    const kinds = 'mmap, mremap, file, munmap, mprotect, madvise, read, write, fork, uffd, pin, unpin, migrate';
    fails(`${PRE}\nexpect EINVAL show maps`, `t.mms:2:15: 'show' cannot be expected to fail (expected one of: ${kinds})`);
    fails(`${PRE}\nexpect EINVAL as main`, `t.mms:2:15: 'as' cannot be expected to fail (expected one of: ${kinds})`);
    fails(`${PRE}\nexpect EINVAL expect EINVAL read A 4K`, `t.mms:2:15: 'expect' cannot be expected to fail (expected one of: ${kinds})`);
    fails(`${PRE}\nexpect EINVAL set thp=never`, `t.mms:2:15: 'set' cannot be expected to fail (expected one of: ${kinds})`);
    fails(`${PRE}\nexpect EINVAL mmapp`, "t.mms:2:15: unknown statement 'mmapp'");
    fails(`${PRE}\nexpect EINVAL munmap A 4K x`, "t.mms:2:27: unexpected 'x' after end of statement");
    fails(`${PRE}\nexpect ENOMEM A = mmap 4K rw private anon`, "t.mms:2:15: region 'A' is already defined at line 1");
  });

  it('assertions and views', () => {
    fails(`${PRE}\nassert foo`, "t.mms:2:8: unknown assertion 'foo' (expected one of: pagemap, content, frame, status, smaps, maps)");
    fails(`${PRE}\nassert pagemap A 4K`, 't.mms:2:20: missing page flags');
    fails(`${PRE}\nassert pagemap A 4K presnt`, "t.mms:2:21: unknown page flag 'presnt' (expected one of: present, swapped, file, exclusive, uffd_wp, guard, soft_dirty, kpf_thp, kpf_huge, kpf_head, kpf_tail, kpf_zero, kpf_anon, kpf_swapbacked, kpf_swapcache, kpf_mmap, kpf_anon_exclusive, is_present, is_written, is_huge, is_pfnzero, is_swapped, is_file, is_wpallowed, is_guard)");
    fails(`${PRE}\nassert pagemap A 4K present !present`, "t.mms:2:29: flag 'present' given twice");
    fails(`${PRE}\nassert pagemap A 4K present == 1`, "t.mms:2:29: expected page flag, found '=='");
    fails(`${PRE}\nassert content A 4K`, 't.mms:2:20: missing a comparison (==, !=, <, <=, >, >=)');
    fails(`${PRE}\nassert content A 4K = 7`, "t.mms:2:21: expected a comparison (==, !=, <, <=, >, >=), found '='");
    fails(`${PRE}\nassert content A 4K is 7`, "t.mms:2:21: expected a comparison (==, !=, <, <=, >, >=), found 'is'");
    fails(`${PRE}\nassert content A 4K ==`, 't.mms:2:23: missing number');
    fails(`${PRE}\nassert content A 4K == 0x100000000`, "t.mms:2:24: bad number '0x100000000' (expected a 32-bit unsigned value)");
    fails(`${PRE}\nassert frame A < A+4K`, "t.mms:2:16: frames can only be compared with == or !=, found '<'");
    fails(`${PRE}\nassert frame A`, 't.mms:2:15: missing == or !=');
    fails(`${PRE}\nassert frame A == A+4K prev`, "t.mms:2:24: expected 'next' or end of statement, found 'prev'");
    fails(`${PRE}\nassert frame A == A next next`, "t.mms:2:26: unexpected 'next' after end of statement");
    fails(`${PRE}\nassert status RSS == 1`, `t.mms:2:15: unknown status field 'RSS' (expected one of: VmPeak, VmSize, VmLck, VmPin, VmHWM, VmRSS, RssAnon, RssFile, RssShmem, VmData, VmStk, VmExe, VmLib, VmPTE, VmSwap, HugetlbPages)`);
    fails(`${PRE}\nassert status RssAnon == 4K`, "t.mms:2:26: bad number '4K'");
    fails(`${PRE}\nassert smaps A Referenced == 0`, "t.mms:2:16: smaps field 'Referenced' is volatile and cannot be asserted");
    fails(`${PRE}\nassert smaps A VmFlags == 0`, "t.mms:2:16: unknown smaps field 'VmFlags' (expected one of: Size, KernelPageSize, MMUPageSize, Rss, Pss, Pss_Dirty, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty, Anonymous, KSM, LazyFree, AnonHugePages, ShmemPmdMapped, FilePmdMapped, Shared_Hugetlb, Private_Hugetlb, Swap, SwapPss, Locked, THPeligible, ProtectionKey)");
    fails(`${PRE}\nassert maps A == 3`, "t.mms:2:15: expected 'count', found '=='");
    fails(`${PRE}\nassert maps A size == 3`, "t.mms:2:15: expected 'count', found 'size'");
    fails(`${PRE}\nshow smap A`, "t.mms:2:6: unknown view 'smap' (expected one of: maps, smaps, pagemap, status, content, ptdump, pins, rollup)");
    fails(`${PRE}\nshow smaps`, 't.mms:2:11: missing region');
    fails(`${PRE}\nshow pagemap A`, 't.mms:2:15: missing length');
    fails(`${PRE}\nshow pins B 4K`, "t.mms:2:11: region 'B' is not defined");
  });

  it('CRLF does not shift columns', () => {
    fails(`${PRE}\r\nread B 4K\r\n`, "t.mms:2:6: region 'B' is not defined");
    fails(`${PRE}\r\nmunmap A\r\n`, 't.mms:2:9: missing length');
  });
});
