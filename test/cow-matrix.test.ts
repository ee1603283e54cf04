// The cow.c matrix (tools/testing/selftests/mm/cow.c, ../shared/docs/peers-and-tests.md
// §3.1) replayed on the model.
//
// test/cow/CASE--SETUP.mms is one cow.c test case on one memory set-up:
// - CASE: cow, cow-mprotect (Basic COW after fork, with the mprotect
//   optimization), vmsplice-child(-mprotect), vmsplice-before-fork,
//   vmsplice-after-fork (vmsplice as a R/O GUP-fast pin), iouring-ro,
//   iouring-fork (FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM), ro-pin-shared,
//   ro-pin-prev-shared, ro-pin-ro-excl (each also -fast: gup_test's R/O
//   FOLL_LONGTERM pins), collapse-* (the anon THP collapse cases), nonanon-*
//   (the shared zeropage, a tmpfile, the huge zeropage);
// - SETUP: base, thp-pmd, thp-pte, thp-single-pte, thp-mremap, thp-pshared
//   (the THP shapes of do_run_with_thp), mthp64-pte (a 64K mTHP), hugetlb-2m.
// The swap set-ups need swap (not modelled yet); memfd and memfd-hugetlb
// cannot be written in the scenario language, so the memfd cases are unit
// tests below (memfd hugetlb: the model cannot map a hugetlbfs file
// privately).
//
// Each NAME.out was written by hand from what cow.c expects and the kernel's
// rules (the .mms comment says which): no leak between parent and child
// (assert content), the pinned frame is the mapped frame after the write
// (show pins before and after), and the exact refcount/pincount/mapcount.
// Scenarios where the model is known to differ are in KNOWN_MODEL_BUGS and
// run as `todo`.
//
// Also here: cow.c's expected failures (hugetlb with vmsplice's FOLL_GET),
// which need FOLL_GET and so are unit tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Attr, Kind } from '../src/arch/index.js';
import { FOLL, getUserPagesFast, pinUserPages, pinUserPagesFast, releaseRecord, type GupResult } from '../src/gup/gup.js';
import { fork } from '../src/mm/fork.js';
import { setPoolSize } from '../src/mm/hugetlb.js';
import { checkInvariants } from '../src/mm/invariants.js';
import { Kernel } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { MAP, PROT, madvise, mmap, mprotect, munmap, readRange, writeRange } from '../src/mm/syscalls.js';
import { runLikeCli } from './helpers/scenario.js';

/** The repository root: this file runs as dist/test/cow-matrix.test.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = `${ROOT}test/cow/`;

/** Scenario name -> why the model's output differs from the kernel's. */
export const KNOWN_MODEL_BUGS: ReadonlyMap<string, string> = new Map<string, string>([]);

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.mms'))
  .map((f) => f.slice(0, -'.mms'.length))
  .sort();

describe('cow.c matrix (test/cow)', () => {
  it('has every case on every set-up, each with an expected output', () => {
    const outs = new Set(readdirSync(DIR).filter((f) => f.endsWith('.out')).map((f) => f.slice(0, -'.out'.length)));
    for (const n of names) assert.ok(outs.has(n), `${n}.mms has no ${n}.out`);
    for (const n of outs) assert.ok(names.includes(n), `${n}.out has no ${n}.mms`);
    for (const n of KNOWN_MODEL_BUGS.keys()) assert.ok(names.includes(n), `KNOWN_MODEL_BUGS lists '${n}', which is not a scenario`);
    const cases = ['cow', 'cow-mprotect', 'vmsplice-child', 'vmsplice-child-mprotect', 'vmsplice-before-fork', 'vmsplice-after-fork', 'iouring-ro', 'iouring-fork'];
    for (const n of ['', '-fast']) cases.push(`ro-pin-shared${n}`, `ro-pin-prev-shared${n}`, `ro-pin-ro-excl${n}`);
    const setups = ['base', 'thp-pmd', 'thp-pte', 'thp-single-pte', 'thp-mremap', 'thp-pshared', 'mthp64-pte', 'hugetlb-2m'];
    for (const c of cases) for (const s of setups) assert.ok(names.includes(`${c}--${s}`), `missing ${c}--${s}`);
    for (const c of ['collapse-unshared', 'collapse-fully-shared', 'collapse-lower-shared', 'collapse-upper-shared']) assert.ok(names.includes(`${c}--thp-pmd`));
    for (const c of ['nonanon-cow', 'nonanon-ro-pin', 'nonanon-ro-pin-fast']) for (const s of ['zeropage', 'tmpfile', 'huge-zeropage']) assert.ok(names.includes(`${c}--${s}`), `missing ${c}--${s}`);
  });

  for (const name of names) {
    const todo = KNOWN_MODEL_BUGS.get(name);
    it(name, todo === undefined ? {} : { todo }, () => {
      const text = readFileSync(`${DIR}${name}.mms`, 'utf8');
      const expected = readFileSync(`${DIR}${name}.out`, 'utf8');
      const r = runLikeCli(text, `test/cow/${name}.mms`);
      assert.equal(r.error, undefined, `${name}: ${r.error ?? ''}`);
      assert.equal(r.exitCode, 0);
      assert.equal(r.output, expected);
    });
  }
});

/** A kernel on x86_64 (the reference machine) with one process. */
class X {
  readonly k = new Kernel({ arch: 'x86_64' });
  readonly mm: Mm = this.k.spawn('main');
  readonly P = this.k.pageSize;
  readonly H = 2 ** 21;
  private slots = 0;

  at(): number {
    return ++this.slots * 2 ** 34;
  }

  pfn(addr: number, mm: Mm = this.mm): number {
    const vpn = addr / this.P;
    assert.equal(this.k.lookup(mm, vpn), Kind.LEAF);
    return this.k.fmt.codec.pfn(this.k.st.lo, this.k.st.hi) + (vpn - this.k.st.vpn);
  }

  fill(addr: number, len: number, value: number, mm: Mm = this.mm): void {
    writeRange(this.k, mm, addr, len, () => value);
  }

  /** What the pages a GUP record holds contain: what the pipe would read back. */
  contents(r: GupResult): number[] {
    return [...new Set(r.pfns.map((p) => this.k.mem.content[p]))];
  }

  done(): void {
    assert.deepEqual(checkInvariants(this.k), []);
  }
}

type Mem = 'base' | 'thp' | 'hugetlb';

/** cow.c's memory: a written base page, PMD-mapped THP or 2M hugetlb page (value 1); returns [addr, size]. */
function setup(x: X, mem: Mem): [number, number] {
  const k = x.k;
  const addr = x.at();
  if (mem === 'hugetlb') {
    setPoolSize(k, x.H, 2);
    mmap(k, x.mm, { addr, length: x.H, prot: PROT.READ | PROT.WRITE, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB | MAP.FIXED });
  } else {
    const len = mem === 'thp' ? x.H : x.P;
    mmap(k, x.mm, { addr, length: len, prot: PROT.READ | PROT.WRITE, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED });
    madvise(k, x.mm, addr, len, mem === 'thp' ? 'hugepage' : 'nohugepage');
  }
  const size = mem === 'base' ? x.P : x.H;
  x.fill(addr, size, 1);
  return [addr, size];
}

describe('cow.c vmsplice cases with FOLL_GET, as the real vmsplice() takes them', () => {
  // hugetlb_wp() reuses a page whose mapcount is 1 ("we don't rely on the
  // (safer) folio refcount here ... there can still be leaks between
  // processes, for example, with FOLL_GET users"), so on hugetlb the pipe
  // sees the write: cow.c's XFAIL ("Leak from parent into child" / "from
  // child into parent"). Base pages and THP copy on refcount: PASS.
  const leaks: Record<Mem, boolean> = { base: false, thp: false, hugetlb: true };

  for (const mem of ['base', 'thp', 'hugetlb'] as const) {
    const outcome = leaks[mem] ? 'leaks (cow.c XFAIL)' : 'no leak (PASS)';
    it(`${mem}: vmsplice() + unmap in child, the parent writes: ${outcome}`, () => {
      const x = new X();
      const [a, size] = setup(x, mem);
      const child = fork(x.k, x.mm, 'child');
      const r = getUserPagesFast(x.k, child, a, size / x.P, 0);
      assert.equal(r.pfns.length, size / x.P);
      munmap(x.k, child, a, size);
      x.fill(a, size, 2);
      assert.deepEqual(x.contents(r), leaks[mem] ? [2] : [1]);
      x.done();
      releaseRecord(x.k, r.record);
      x.done();
    });

    it(`${mem}: vmsplice() before fork(), unmap in the parent, the child writes: ${outcome}`, () => {
      const x = new X();
      const [a, size] = setup(x, mem);
      const r = getUserPagesFast(x.k, x.mm, a, size / x.P, 0);
      const child = fork(x.k, x.mm, 'child');
      munmap(x.k, x.mm, a, size);
      x.fill(a, size, 2, child);
      assert.deepEqual(x.contents(r), leaks[mem] ? [2] : [1]);
      releaseRecord(x.k, r.record);
      x.done();
    });

    it(`${mem}: vmsplice() after fork(), unmap in the parent, the child writes: ${outcome}`, () => {
      const x = new X();
      const [a, size] = setup(x, mem);
      const child = fork(x.k, x.mm, 'child');
      const r = getUserPagesFast(x.k, x.mm, a, size / x.P, 0);
      munmap(x.k, x.mm, a, size);
      x.fill(a, size, 2, child);
      assert.deepEqual(x.contents(r), leaks[mem] ? [2] : [1]);
      releaseRecord(x.k, r.record);
      x.done();
    });
  }
});

describe('cow.c non-anonymous cases with memfd (a private and a shared mapping of a shmem file)', () => {
  function memfd(x: X): { a: number; s: number } {
    const obj = x.k.newObject('memfd:test', true);
    obj.sizePages = 1;
    const a = x.at();
    const s = x.at();
    mmap(x.k, x.mm, { addr: a, length: x.P, prot: PROT.READ | PROT.WRITE, flags: MAP.PRIVATE | MAP.FIXED, file: obj });
    mmap(x.k, x.mm, { addr: s, length: x.P, prot: PROT.READ, flags: MAP.SHARED | MAP.FIXED, file: obj });
    // "Fault the page in": both map the shmem page.
    assert.deepEqual([readRange(x.k, x.mm, a, x.P), readRange(x.k, x.mm, s, x.P)], [[0], [0]]);
    assert.equal(x.pfn(a), x.pfn(s));
    return { a, s };
  }

  it('Basic COW: the write through the private mapping is not visible through the shared one', () => {
    const x = new X();
    const { a, s } = memfd(x);
    const shared = x.pfn(s);
    x.fill(a, x.P, 9);
    assert.notEqual(x.pfn(a), shared);
    assert.deepEqual([readRange(x.k, x.mm, a, x.P), readRange(x.k, x.mm, s, x.P), x.pfn(s)], [[9], [0], shared]);
    x.done();
  });

  for (const [name, pin] of [['GUP', pinUserPages], ['GUP-fast', pinUserPagesFast]] as const) {
    it(`R/O longterm ${name} pin: unshared into an anonymous copy, so the later write is visible through the pin`, () => {
      const x = new X();
      const { a, s } = memfd(x);
      const shared = x.pfn(s);
      const r = pin(x.k, x.mm, a, 1, FOLL.LONGTERM);
      assert.equal(r.error, null);
      const p = r.pfns[0];
      assert.notEqual(p, shared);
      assert.equal(x.pfn(a), p);
      x.fill(a, x.P, 9);
      assert.deepEqual([x.pfn(a), x.k.mem.content[p], readRange(x.k, x.mm, s, x.P)], [p, 9, [0]]);
      releaseRecord(x.k, r.record);
      x.done();
    });
  }
});

describe('hugetlb and mprotect (iouring-ro / ro-pin-ro-excl on hugetlb)', () => {
  it('mprotect(RW) leaves a private hugetlb page read-only until the write fault reuses it', {
  }, () => {
    const x = new X();
    const [a, size] = setup(x, 'hugetlb');
    const h = x.pfn(a);
    mprotect(x.k, x.mm, a, size, PROT.READ);
    mprotect(x.k, x.mm, a, size, PROT.READ | PROT.WRITE);
    x.k.lookup(x.mm, a / x.P);
    assert.equal(x.k.fmt.codec.has(x.k.st.lo, x.k.st.hi, Attr.WRITE), false);
    x.fill(a, x.P, 3);
    x.k.lookup(x.mm, a / x.P);
    assert.deepEqual([x.pfn(a), x.k.fmt.codec.has(x.k.st.lo, x.k.st.hi, Attr.WRITE)], [h, true]);
    x.done();
  });
});
