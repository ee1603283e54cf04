// The mmsim command line (src/cli/commands.ts runFiles), driven with a fake io:
// files come from a map, stdout and stderr are collected.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runFiles, usage, type Io } from '../src/cli/commands.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Fake {
  io: Io;
  /** Everything written to stdout. */
  out(): string;
  /** Everything written to stderr. */
  err(): string;
}

function fake(files: Record<string, string>): Fake {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      readFile(path: string): string {
        const text = files[path];
        if (text === undefined) {
          const e: NodeJS.ErrnoException = new Error(`ENOENT: no such file or directory, open '${path}'`);
          e.code = 'ENOENT';
          throw e;
        }
        return text;
      },
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const ANON = ['A = mmap 4M rw private anon', 'write A+0 8K', 'show pagemap A+0 16K'].join('\n');
const ANON_OUT = [
  '== pagemap A+0 16K (main) ==',
  'A+0 x2 pm:P,X scan:PR,WR kpf:ANON,SWAPBACKED,MMAP,MAPPEDTODISK cnt:1 frame:#1..#2',
  'A+8K x2 pm:- scan:WR kpf:- cnt:- frame:-',
  '',
].join('\n');
const MAPS = ['B = mmap 64K r private anon', 'show maps'].join('\n');
const MAPS_OUT = '== maps (main) ==\nB+0-B+64K r--p 00000000 anon\n';
const FAILS = ['A = mmap 64K rw private anon', 'assert pagemap A+0 4K present'].join('\n');
const BAD = ['A = mmap 64K rw private anon', 'munmap A+0'].join('\n');

/** A JSON line of `run --json`. */
interface JsonResult {
  file: string;
  exitCode: number;
  error: string | null;
  records: { line: number; kind: string; what: string; process: string; lines: string[] }[];
}

function jsonLines(text: string): JsonResult[] {
  assert.ok(text.endsWith('\n'), 'every JSON object ends its line');
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as JsonResult);
}

describe('mmsim run', () => {
  it('runs one file: its canonical output, no header, exit 0', () => {
    const f = fake({ 'a.mms': ANON });
    assert.equal(runFiles(['run', 'a.mms'], f.io), 0);
    assert.equal(f.out(), ANON_OUT);
    assert.equal(f.err(), '');
  });

  it('runs several files with ==> FILE <== headers; the exit code is the worst one', () => {
    const f = fake({ 'a.mms': ANON, 'b.mms': MAPS });
    assert.equal(runFiles(['run', 'a.mms', 'b.mms'], f.io), 0);
    assert.equal(f.out(), `==> a.mms <==\n${ANON_OUT}==> b.mms <==\n${MAPS_OUT}`);
    assert.equal(f.err(), '');

    const g = fake({ 'a.mms': ANON, 'fails.mms': FAILS, 'b.mms': MAPS });
    assert.equal(runFiles(['run', 'a.mms', 'fails.mms', 'b.mms'], g.io), 1);
    const out = g.out();
    assert.ok(out.startsWith(`==> a.mms <==\n${ANON_OUT}==> fails.mms <==\nfails.mms:2: assertion failed: `), out);
    assert.ok(out.endsWith(`==> b.mms <==\n${MAPS_OUT}`), 'the files after a failing one still run');

    const h = fake({ 'fails.mms': FAILS, 'bad.mms': BAD });
    assert.equal(runFiles(['run', 'fails.mms', 'bad.mms'], h.io), 2);
    assert.ok(h.out().includes('==> bad.mms <==\n'));
    assert.match(h.err(), /^bad\.mms:2:11: /);
  });

  it('--json prints one JSON object per file, with the exit code and the records', () => {
    const f = fake({ 'a.mms': ANON, 'fails.mms': FAILS, 'bad.mms': BAD });
    assert.equal(runFiles(['run', '--json', 'a.mms', 'fails.mms', 'bad.mms'], f.io), 2);
    assert.equal(f.err(), '', 'with --json errors are in the JSON, not on stderr');
    const [a, fails, bad, ...rest] = jsonLines(f.out());
    assert.equal(rest.length, 0);

    assert.equal(a.file, 'a.mms');
    assert.equal(a.exitCode, 0);
    assert.equal(a.error, null);
    assert.deepEqual(a.records, [{ line: 3, kind: 'show', what: 'pagemap', process: 'main', lines: ANON_OUT.slice(0, -1).split('\n') }]);

    assert.equal(fails.exitCode, 1);
    assert.match(fails.error ?? '', /^fails\.mms:2: assertion failed: /);
    assert.equal(fails.records.length, 1);
    assert.equal(fails.records[0].kind, 'assert');
    assert.equal(fails.records[0].line, 2);

    assert.equal(bad.exitCode, 2);
    assert.match(bad.error ?? '', /^bad\.mms:2:11: /);
    assert.deepEqual(bad.records, []);
  });

  it('--no-check runs without the invariant checker and prints the same', () => {
    const f = fake({ 'a.mms': ANON });
    assert.equal(runFiles(['run', '--no-check', 'a.mms'], f.io), 0);
    assert.equal(f.out(), ANON_OUT);
  });

  it('a missing file: exit 2, FILE:1:1: cannot read file', () => {
    const f = fake({ 'a.mms': ANON });
    assert.equal(runFiles(['run', 'missing.mms'], f.io), 2);
    assert.equal(f.out(), '');
    assert.match(f.err(), /^missing\.mms:1:1: cannot read file\b/);
    assert.ok(f.err().includes('ENOENT'), f.err());

    const g = fake({ 'a.mms': ANON });
    assert.equal(runFiles(['run', 'a.mms', 'missing.mms'], g.io), 2);
    assert.equal(g.out(), `==> a.mms <==\n${ANON_OUT}==> missing.mms <==\n`);
  });

  it('runs a scenario from the source tree as the installed command would', () => {
    const f = fake({});
    const io: Io = { ...f.io, readFile: (p) => readFileSync(p, 'utf8') };
    const file = `${ROOT}test/scenarios/anon-write-after-read.mms`;
    assert.equal(runFiles(['run', file], io), 0);
    assert.equal(f.out(), readFileSync(`${ROOT}test/scenarios/anon-write-after-read.out`, 'utf8'));
  });
});

describe('mmsim usage errors', () => {
  it('an unknown command: exit 2 with a message and the usage', () => {
    const f = fake({});
    assert.equal(runFiles(['frobnicate'], f.io), 2);
    assert.equal(f.out(), '');
    assert.ok(f.err().startsWith("mmsim: unknown command 'frobnicate'\n"), f.err());
    assert.ok(f.err().includes(usage));
  });

  it('an unknown option: exit 2 with a message, nothing runs', () => {
    const f = fake({ 'a.mms': ANON });
    assert.equal(runFiles(['run', '--fast', 'a.mms'], f.io), 2);
    assert.equal(f.out(), '');
    assert.equal(f.err(), "mmsim run: unknown option '--fast'\n");
  });

  it('run without files: exit 2', () => {
    const f = fake({});
    assert.equal(runFiles(['run'], f.io), 2);
    assert.equal(f.out(), '');
    assert.match(f.err(), /no scenario files/);
  });
});

describe('mmsim formats and help', () => {
  it('formats lists the arch names, x86_64 and arm64-64k among them', () => {
    const f = fake({});
    assert.equal(runFiles(['formats'], f.io), 0);
    const names = f
      .out()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(/\s+/)[0]);
    assert.ok(names.includes('x86_64'), f.out());
    assert.ok(names.includes('arm64-64k'), f.out());
    assert.equal(names[0], 'x86_64', 'the default arch comes first');
    assert.equal(new Set(names).size, names.length);
    assert.equal(f.err(), '');
  });

  it('help (and --help, -h) prints the usage with exit 0; no command prints it with exit 2', () => {
    for (const arg of ['help', '--help', '-h']) {
      const f = fake({});
      assert.equal(runFiles([arg], f.io), 0, arg);
      assert.equal(f.out(), usage);
      assert.equal(f.err(), '');
    }
    assert.match(usage, /^usage: mmsim /);
    assert.ok(usage.includes('run FILE...') && usage.includes('--json') && usage.includes('formats'));
    const f = fake({});
    assert.equal(runFiles([], f.io), 2);
    assert.equal(f.out(), usage);
  });
});

describe('--arch NAME (run and vtop): the scenario on another page-table format', () => {
  const text = 'A = mmap 64K rw private anon\nwrite A+0 64K\nshow status\n';
  it('run --arch replaces the arch line: the same scenario, another format\'s page-table counts', () => {
    const x = fake({ 'a.mms': text });
    assert.equal(runFiles(['run', 'a.mms'], x.io), 0);
    assert.match(x.out(), /VmPTE:\s+12 kB/, 'x86-64: a PUD, a PMD and a PTE table');
    const r = fake({ 'a.mms': `arch x86_64\n${text}` });
    assert.equal(runFiles(['run', '--arch', 'riscv64-sv39', 'a.mms'], r.io), 0);
    assert.match(r.out(), /VmPTE:\s+8 kB/, 'Sv39: the PUD is folded into the PGD');
    const p = fake({ 'a.mms': text });
    assert.equal(runFiles(['run', 'a.mms', '--arch', 'ppc-8xx'], p.io), 0);
    assert.match(p.out(), /VmPTE:\s+4 kB/, '8xx: one 4K table of 32-bit PTEs');
  });

  it('vtop --arch walks the tables of that format', () => {
    const v = fake({ 'a.mms': text });
    assert.equal(runFiles(['vtop', '--arch', 'arm64-4k', 'a.mms', 'A+4K'], v.io), 0);
    assert.match(v.out(), /\(arm64-4k: arm64 4k granule, 48-bit VA/);
    assert.match(v.out(), /pte\[\d+\].* DBM .*-> 4K page/);
  });

  it('an unknown or missing format is exit code 2 with the list of known ones', () => {
    const u = fake({ 'a.mms': text });
    assert.equal(runFiles(['run', '--arch', 'vax', 'a.mms'], u.io), 2);
    assert.match(u.err(), /^mmsim run: unknown architecture 'vax' \(known: x86_64, /);
    assert.equal(u.out(), '');
    const m = fake({ 'a.mms': text });
    assert.equal(runFiles(['run', 'a.mms', '--arch'], m.io), 2);
    assert.match(m.err(), /--arch needs a format name/);
    const w = fake({ 'a.mms': text });
    assert.equal(runFiles(['vtop', '--arch', 'vax', 'a.mms', 'A+0'], w.io), 2);
    assert.match(w.err(), /unknown architecture 'vax'/);
  });
});
