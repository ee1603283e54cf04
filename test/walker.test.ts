// The generic walker, run against every format (like generic_pt's kunit suite,
// which instantiates the same tests per format). Physical memory is a PhysMem;
// an EntryObserver records every entry and table change.
//
// Layout notation: B is the first vpn of root entry 1 (so root entry 0 is an
// unpopulated top-level hole), P1 the pages of one PMD entry (the span of a
// PTE table), P2 the pages of one entry one level up (the span of a PMD table).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Kind, formatNames, getFormat, toBigInt, type Format } from '../src/arch/index.js';
import { FrameKind, PhysMem } from '../src/mem/phys.js';
import { PtRoot } from '../src/pt/store.js';
import { BaseVisitor, WALK_AGAIN, WALK_CONTINUE, WALK_SKIP, WALK_STOP, WalkState, Walker, type EntryObserver } from '../src/walk/walker.js';

const RW = Attr.VALID | Attr.USER | Attr.YOUNG | Attr.WRITE | Attr.DIRTY;

// ------------------------------------------------------------------ helpers

class RecObs implements EntryObserver {
  /** Entry and table changes, in order: "entry L<level> <vpn> <old> -> <new>" / "table L<level> <delta>". */
  log: string[] = [];
  roots = new Set<PtRoot>();
  entryChanged(root: PtRoot, vpn: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void {
    this.roots.add(root);
    this.log.push(entryLine(level, vpn, toBigInt(oldLo, oldHi), toBigInt(newLo, newHi)));
    // Values reach the observer as unsigned words.
    assert.ok(oldLo >= 0 && oldHi >= 0 && newLo >= 0 && newHi >= 0, 'observer words must be unsigned');
  }
  tableChanged(root: PtRoot, level: number, delta: number): void {
    this.roots.add(root);
    this.log.push(tableLine(level, delta));
  }
}
const entryLine = (level: number, vpn: number, o: bigint, n: bigint): string => `entry L${level} ${vpn} 0x${o.toString(16)} -> 0x${n.toString(16)}`;
const tableLine = (level: number, delta: number): string => `table L${level} ${delta > 0 ? '+' : ''}${delta}`;

interface Step {
  t: 'leaf' | 'hole';
  vpn: number;
  n: number;
  level: number;
  lo: number;
  hi: number;
  slot: number;
  index: number;
}

/** Records visitor calls as strings relative to `base` (for readable diffs) and as Steps. */
class Recorder extends BaseVisitor {
  readonly log: string[] = [];
  readonly steps: Step[] = [];
  constructor(
    readonly base: number,
    readonly tables: boolean,
  ) {
    super();
  }
  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
    this.steps.push({ t: 'leaf', vpn, n: npages, level, lo, hi, slot, index });
    this.log.push(lf(vpn - this.base, npages, level));
    return WALK_CONTINUE;
  }
  override hole(vpn: number, npages: number, level: number): number {
    this.steps.push({ t: 'hole', vpn, n: npages, level, lo: 0, hi: 0, slot: -1, index: -1 });
    this.log.push(hl(vpn - this.base, npages, level));
    return WALK_CONTINUE;
  }
  override tablePre(_slot: number, level: number, vpn: number): number {
    if (this.tables) this.log.push(pre(vpn - this.base, level));
    return WALK_CONTINUE;
  }
  override tablePost(_slot: number, level: number, vpn: number): void {
    if (this.tables) this.log.push(post(vpn - this.base, level));
  }
}
const lf = (vpn: number, n: number, level: number): string => `leaf ${vpn} +${n} L${level}`;
const hl = (vpn: number, n: number, level: number): string => `hole ${vpn} +${n} L${level}`;
const pre = (vpn: number, level: number): string => `pre ${vpn} L${level}`;
const post = (vpn: number, level: number): string => `post ${vpn} L${level}`;

/**
 * The leaves and holes of a walk over [start, end) must tile the range: holes
 * are non-empty and inside it, each leaf covers the next unvisited page, and
 * together they reach `end` exactly (so leaf pages + hole pages = end - start).
 */
function assertTiles(steps: readonly Step[], start: number, end: number): void {
  let at = start;
  for (const s of steps) {
    if (at >= end) assert.fail(`${s.t} [${s.vpn}, +${s.n}) after the range [${start}, ${end}) was covered`);
    if (s.t === 'hole') {
      assert.ok(s.n > 0, `hole [${s.vpn}, +${s.n}) is empty or negative (range [${start}, ${end}))`);
      assert.equal(s.vpn, at, `hole [${s.vpn}, +${s.n}) does not start at the next unvisited page ${at}`);
      assert.ok(s.vpn + s.n <= end, `hole [${s.vpn}, +${s.n}) ends past ${end}`);
      at += s.n;
    } else {
      assert.ok(s.vpn <= at && at < s.vpn + s.n, `leaf [${s.vpn}, +${s.n}) L${s.level} does not cover the next unvisited page ${at} (range [${start}, ${end}))`);
      assert.equal(s.vpn % s.n, 0, `leaf [${s.vpn}, +${s.n}) is not naturally aligned`);
      at = Math.min(s.vpn + s.n, end);
    }
  }
  assert.equal(at, end, `the walk of [${start}, ${end}) stopped at ${at}`);
}

/** Pages of [start, end) covered by leaves (clipped) and by holes. */
function pageSums(steps: readonly Step[], start: number, end: number): { leaf: number; hole: number } {
  let leaf = 0;
  let hole = 0;
  for (const s of steps) {
    if (s.t === 'hole') hole += s.n;
    else leaf += Math.min(s.vpn + s.n, end) - Math.max(s.vpn, start);
  }
  return { leaf, hole };
}

class Fx {
  readonly fmt: Format;
  readonly mem = new PhysMem();
  readonly w: Walker;
  readonly root: PtRoot;
  readonly obs = new RecObs();
  readonly st: WalkState;
  readonly top: number;
  readonly B: number;
  readonly P1: number;
  readonly P2: number;
  /** Whether level 2 is a leaf-capable level below the root (x86 PUD, arm64-4k 1G blocks). */
  readonly hasPud: boolean;

  constructor(name: string) {
    this.fmt = getFormat(name);
    this.w = new Walker(this.fmt, this.mem);
    this.root = new PtRoot(-1, this.fmt.nlevels);
    this.w.newRoot(this.root);
    this.st = new WalkState(this.fmt.nlevels);
    this.top = this.fmt.nlevels - 1;
    this.B = this.fmt.pagesPerEntry[this.top];
    this.P1 = this.fmt.pagesPerEntry[1];
    this.P2 = this.fmt.pagesPerEntry[2];
    this.hasPud = this.fmt.nlevels >= 4 && this.fmt.leafAllowed[2] === 1;
  }

  /** Store a raw entry at `level` for `vpn`, allocating tables on the way (as faults do). */
  put(level: number, vpn: number, lo: number, hi: number): void {
    const k = this.w.seek(this.root, vpn, this.st, level, this.obs);
    assert.equal(this.st.level, level, `seek for ${vpn} stopped at level ${this.st.level}, not ${level}`);
    assert.equal(k, Kind.NONE, `entry for ${vpn} at level ${level} is not empty`);
    this.w.set(this.root, this.obs, this.st.slot, this.st.index, level, vpn, lo, hi);
  }

  map(level: number, vpn: number, pfn: number, attrs = RW): void {
    assert.equal(vpn % this.fmt.pagesPerEntry[level], 0, 'unaligned leaf');
    const e = this.fmt.codec.leaf(pfn, attrs, level);
    this.put(level, vpn, e.lo, e.hi);
  }

  clear(level: number, vpn: number): void {
    this.w.seek(this.root, vpn, this.st, level);
    assert.equal(this.st.level, level);
    assert.notEqual(this.st.kind, Kind.NONE);
    this.w.set(this.root, this.obs, this.st.slot, this.st.index, level, vpn, 0, 0);
  }

  walk(start: number, end: number, tables = false, base = this.B): Recorder {
    const r = new Recorder(base, tables);
    assert.equal(this.w.walk(this.root, start, end, r), WALK_CONTINUE);
    return r;
  }

  tables(): number[] {
    return [...this.root.tables];
  }

  /** PTE leaves at B+3, B+4, B+10; a PMD leaf at M = B+32*P1; a PUD leaf at U = B+2*P2 where the format has them. */
  base(): { M: number; U: number } {
    const { B, P1, P2 } = this;
    this.map(0, B + 3, 0x1003);
    this.map(0, B + 4, 0x1004);
    this.map(0, B + 10, 0x100a);
    const M = B + 32 * P1;
    this.map(1, M, P1 * 7);
    const U = B + 2 * P2;
    if (this.hasPud) this.map(2, U, P2 * 3);
    return { M, U };
  }

  /** Pre events of the chain of tables from the root down to `to` (tables at levels top-1..to all start at B). */
  chainPre(to: number): string[] {
    const out = [pre(-this.B, this.top)];
    for (let l = this.top - 1; l >= to; l--) out.push(pre(0, l));
    return out;
  }

  chainPost(from: number): string[] {
    const out: string[] = [];
    for (let l = from; l <= this.top - 1; l++) out.push(post(0, l));
    out.push(post(-this.B, this.top));
    return out;
  }
}

/** Mask and value of the non-address bits of a table entry, per architecture family. */
function tableBits(name: string): [bigint, bigint] {
  if (name.startsWith('x86')) return [0xfffn | (1n << 63n), 0x67n]; // _PAGE_TABLE = P|RW|US|A|D
  if (name.startsWith('arm64')) return [0xfffn | (0xfffn << 52n), 0x3n]; // PMD_TYPE_TABLE, no attributes
  if (name.startsWith('riscv')) return [0x3ffn | (0x3ffn << 54n), 0x1n]; // _PAGE_TABLE = _PAGE_PRESENT; pfn from bit 10
  if (name === 'ppc-8xx') return [0xfffn, 0x41n]; // pmd_populate: _PMD_USER | _PMD_PRESENT (nohash/32/pte-8xx.h); pfn from bit 12
  return [1n << 63n, 1n << 63n]; // book3s RADIX/HASH_P?D_VAL_BITS: bit 63
}

/** An offset whose bit lands on the format's CONT bit in a swap entry, when the offset field covers it. */
function offsetOverCont(fmt: Format): number {
  const s = fmt.codec.spec.swap;
  const m = fmt.codec.spec.attrs.CONT?.set;
  if (m !== undefined) {
    const b = m.lo !== 0 ? Math.log2(m.lo) : 32 + Math.log2(m.hi);
    if (b >= s.offsetShift && b < s.offsetShift + s.offsetBits) return 2 ** (b - s.offsetShift) + 5;
  }
  return Math.min(2 ** 40, 2 ** s.offsetBits - 8) + 5;
}

/** A small deterministic PRNG (LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// -------------------------------------------------------------------- tests

/**
 * The fixture of several tests puts a PMD leaf at M = B + 32 * P1 and uses P2,
 * the span of an entry two levels up: it needs 3+ levels with PMD leaves.
 * ppc-8xx (2 levels, every page size through a PTE table) skips them.
 */
function needsPmdLeaves(name: string): string | false {
  const fmt = getFormat(name);
  return fmt.nlevels >= 3 && fmt.leafAllowed[1] ? false : `${name}: the fixture needs 3+ levels and PMD leaves (fmt.nlevels, fmt.leafAllowed)`;
}

for (const name of formatNames()) {
  describe(`walker: ${name}`, () => {
    test('seek with allocation builds one table per level; the chain matches the index formula', () => {
      const fx = new Fx(name);
      const { fmt, w, root, st } = fx;
      const n = fmt.nlevels;
      assert.equal(w.store.live, 1);
      assert.deepEqual(fx.tables(), [...Array<number>(n - 1).fill(0), 1]);
      // A vpn with a different, non-zero index at every level, inside user space.
      const idx = Array.from({ length: n }, (_, l) => Math.min(fmt.entries[l] - 1, 5 + 7 * l));
      const vpn = idx.reduce((sum, i, l) => sum + i * fmt.pagesPerEntry[l], 0);
      assert.ok(vpn < fmt.userPages);
      for (let l = 0; l < n; l++) assert.equal(Math.floor(vpn / fmt.pagesPerEntry[l]) % fmt.entries[l], idx[l]);

      assert.equal(w.seek(root, vpn, st, 0, fx.obs), Kind.NONE);
      assert.equal(st.level, 0);
      assert.equal(st.vpn, vpn);
      assert.equal(st.npages, 1);
      assert.deepEqual([...st.indices], idx);
      assert.equal(st.slots[n - 1], root.rootSlot);
      for (let l = n - 1; l > 0; l--) {
        const lo = w.lo(st.slots[l], st.indices[l]);
        const hi = w.hi(st.slots[l], st.indices[l]);
        assert.equal(fmt.codec.kind(lo, hi, l), Kind.TABLE);
        assert.equal(w.child(lo, hi), st.slots[l - 1], `level ${l} points at the level ${l - 1} table`);
        assert.equal(w.store.slotLevel[st.slots[l - 1]], l - 1);
        assert.equal(w.store.slotUsed[st.slots[l]], 1);
      }
      assert.equal(st.slot, st.slots[0]);
      assert.equal(st.index, idx[0]);
      assert.deepEqual(fx.tables(), Array<number>(n).fill(1));
      assert.equal(w.store.live, n);
      assert.equal(fx.mem.inUse[FrameKind.TABLE], n);

      // Same PTE table: nothing new.
      const changes = fx.obs.log.length;
      w.seek(root, vpn + 1, st, 0, fx.obs);
      assert.equal(st.index, idx[0] + 1);
      assert.equal(fx.obs.log.length, changes);
      assert.equal(w.store.live, n);
      // Next PMD entry: exactly one new PTE table.
      w.seek(root, vpn + fx.P1, st, 0, fx.obs);
      assert.deepEqual(fx.tables(), [2, ...Array<number>(n - 1).fill(1)]);
      assert.equal(w.store.live, n + 1);
      assert.equal(fx.obs.log.length, changes + 2);

      // Without allocation, seek stops at the first none entry and reports its whole span.
      // Two top-level entries on: on a 2-level format (ppc-8xx) the next one
      // is the PMD entry just populated above.
      const far = vpn + 2 * fmt.pagesPerEntry[n - 1] + 5;
      assert.equal(w.seek(root, far, st), Kind.NONE);
      assert.equal(st.level, n - 1);
      assert.equal(st.npages, fmt.pagesPerEntry[n - 1]);
      assert.equal(st.vpn, far - (far % fmt.pagesPerEntry[n - 1]));
      // stopLevel = 1 allocates down to the PMD table only.
      const live = w.store.live;
      w.seek(root, far, st, 1, fx.obs);
      assert.equal(st.level, 1);
      assert.equal(st.kind, Kind.NONE);
      assert.equal(st.npages, fx.P1);
      assert.equal(w.store.live, live + n - 2);
    });

    test('the observer sees every set with old and new values; slotUsed counts non-none entries', () => {
      const fx = new Fx(name);
      const { fmt, w, root, st, B } = fx;
      const c = fmt.codec;
      fx.map(0, B + 3, 0x1003);
      assert.deepEqual([...fx.obs.roots], [root]);
      w.seek(root, B + 3, st);
      const tableVal = (level: number): bigint => {
        const t = c.table(w.store.slotPfn[st.slots[level]], level + 1);
        return toBigInt(t.lo, t.hi);
      };
      const leaf1 = c.leaf(0x1003, RW, 0);
      const v1 = toBigInt(leaf1.lo, leaf1.hi);
      const expected: string[] = [];
      for (let l = fx.top - 1; l >= 0; l--) expected.push(tableLine(l, 1), entryLine(l + 1, B, 0n, tableVal(l)));
      expected.push(entryLine(0, B + 3, 0n, v1));
      assert.deepEqual(fx.obs.log, expected);
      const [mask, value] = tableBits(name);
      for (let l = 0; l < fx.top; l++) assert.equal(tableVal(l) & mask, value, `table entry bits of the level-${l + 1} entry`);

      const slot = st.slot;
      assert.equal(w.store.slotUsed[slot], 1);
      fx.obs.log = [];
      // Overwrite (old value reported), a second entry, a swap entry, then clears.
      // (NX puts bit 63 in the high word on x86: the observer must see it unsigned.)
      const l2 = c.leaf(0x2003, c.supports(Attr.NX) ? RW | Attr.NX : RW & ~Attr.WRITE, 0);
      const v2 = toBigInt(l2.lo, l2.hi);
      w.set(root, fx.obs, slot, st.index, 0, B + 3, l2.lo, l2.hi);
      assert.equal(w.store.slotUsed[slot], 1);
      fx.map(0, B + 7, 0x2007);
      assert.equal(w.store.slotUsed[slot], 2);
      const sw = c.swap(2, 0x4242, 0);
      const vs = toBigInt(sw.lo, sw.hi);
      fx.put(0, B + 8, sw.lo, sw.hi);
      assert.equal(w.store.slotUsed[slot], 3);
      fx.clear(0, B + 3);
      fx.clear(0, B + 8);
      assert.equal(w.store.slotUsed[slot], 1);
      const l7 = c.leaf(0x2007, RW, 0);
      assert.deepEqual(fx.obs.log, [
        entryLine(0, B + 3, v1, v2),
        entryLine(0, B + 7, 0n, toBigInt(l7.lo, l7.hi)),
        entryLine(0, B + 8, 0n, vs),
        entryLine(0, B + 3, v2, 0n),
        entryLine(0, B + 8, vs, 0n),
      ]);
      // Upper tables each hold one table pointer.
      for (let l = 1; l < fmt.nlevels; l++) assert.equal(w.store.slotUsed[st.slots[l]], 1);
    });

    test('installTable / freeTable: counters, observer order, frames', () => {
      const fx = new Fx(name);
      const { w, root, st, B } = fx;
      w.seek(root, B, st, 1, fx.obs);
      assert.equal(st.level, 1);
      fx.obs.log = [];
      const child = w.installTable(root, fx.obs, st.slot, st.index, 0, B);
      const t = fx.fmt.codec.table(w.store.slotPfn[child]);
      const tv = toBigInt(t.lo, t.hi);
      assert.deepEqual(fx.obs.log, [tableLine(0, 1), entryLine(1, B, 0n, tv)]);
      assert.equal(fx.root.tables[0], 1);
      assert.equal(w.store.slotLevel[child], 0);
      const tablesInUse = fx.mem.inUse[FrameKind.TABLE];
      fx.obs.log = [];
      w.freeTable(root, fx.obs, st.slot, st.index, 0, B);
      assert.deepEqual(fx.obs.log, [entryLine(1, B, tv, 0n), tableLine(0, -1)]);
      assert.equal(fx.root.tables[0], 0);
      assert.equal(w.store.slotLevel[child], -1);
      assert.equal(fx.mem.inUse[FrameKind.TABLE], tablesInUse - 1);
      assert.equal(w.store.slotUsed[st.slot], 0);
    });

    test('leaves at every leaf-capable level: seek finds each with its size', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { w, root, st, B, P1, P2 } = fx;
      const { M, U } = fx.base();
      const probe = (vpn: number, level: number, first: number, n: number): void => {
        assert.equal(w.seek(root, vpn, st), Kind.LEAF, `seek ${vpn - B}`);
        assert.equal(st.level, level);
        assert.equal(st.vpn, first);
        assert.equal(st.npages, n);
      };
      probe(B + 4, 0, B + 4, 1);
      probe(M + P1 - 1, 1, M, P1);
      if (fx.hasPud) probe(U + 12345, 2, U, P2);
      assert.equal(fx.fmt.codec.pfn(st.lo, st.hi), fx.hasPud ? P2 * 3 : P1 * 7);
      // A seek with allocation through a leaf stops at the leaf and allocates nothing.
      const live = w.store.live;
      assert.equal(w.seek(root, M + 5, st, 0, fx.obs), Kind.LEAF);
      assert.equal(st.level, 1);
      assert.equal(w.store.live, live);
      // Tables: one PTE table, one PMD table, and one table per level above.
      assert.deepEqual(fx.tables(), [1, ...Array<number>(fx.top).fill(1)]);
    });

    test('walk: each leaf of any size is ONE step, holes at the level of the none entry', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, P1, P2 } = fx;
      const { M } = fx.base();
      const end = B + (fx.hasPud ? 3 : 1) * P2;
      const r = fx.walk(B, end, true);
      const want = [
        ...fx.chainPre(0),
        hl(0, 3, 0),
        lf(3, 1, 0),
        lf(4, 1, 0),
        hl(5, 5, 0),
        lf(10, 1, 0),
        hl(11, P1 - 11, 0),
        post(0, 0),
        hl(P1, 31 * P1, 1),
        lf(M - B, P1, 1),
        hl(33 * P1, P2 - 33 * P1, 1),
        post(0, 1),
      ];
      if (fx.hasPud) want.push(hl(P2, P2, 2), lf(2 * P2, P2, 2), post(0, 2));
      want.push(...fx.chainPost(fx.hasPud ? 3 : 2));
      assert.deepEqual(r.log, want);
      assert.equal(r.steps.filter((s) => s.t === 'leaf').length, fx.hasPud ? 5 : 4);
      assertTiles(r.steps, B, end);
      const sums = pageSums(r.steps, B, end);
      assert.equal(sums.leaf, 3 + P1 + (fx.hasPud ? P2 : 0));
      assert.equal(sums.leaf + sums.hole, end - B);
      // Leaf steps locate their entry.
      const pmdLeaf = r.steps.find((s) => s.t === 'leaf' && s.level === 1);
      assert.ok(pmdLeaf !== undefined);
      assert.equal(pmdLeaf.index, 32);
      assert.equal(fx.fmt.codec.pfn(pmdLeaf.lo, pmdLeaf.hi), P1 * 7);
    });

    test('walk: ranges that start or end inside a table or a huge leaf', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, P1, P2 } = fx;
      const { M, U } = fx.base();
      const check = (start: number, end: number, want: string[]): void => {
        const r = fx.walk(start, end);
        assert.deepEqual(r.log, want, `[${start - B}, ${end - B})`);
        assertTiles(r.steps, start, end);
      };
      check(B + 2, B + 11, [hl(2, 1, 0), lf(3, 1, 0), lf(4, 1, 0), hl(5, 5, 0), lf(10, 1, 0)]);
      check(M + 7, M + 9, [lf(M - B, P1, 1)]);
      check(B + 2, M + 9, [hl(2, 1, 0), lf(3, 1, 0), lf(4, 1, 0), hl(5, 5, 0), lf(10, 1, 0), hl(11, P1 - 11, 0), hl(P1, 31 * P1, 1), lf(M - B, P1, 1)]);
      const r = fx.walk(B + 2, M + 9);
      assert.deepEqual(pageSums(r.steps, B + 2, M + 9), { leaf: 3 + 9, hole: M + 9 - (B + 2) - 12 });
      if (fx.hasPud) {
        check(U + 100, U + 200, [lf(2 * P2, P2, 2)]);
        check(M + P1 - 1, U + 1, [lf(M - B, P1, 1), hl(33 * P1, P2 - 33 * P1, 1), hl(P2, P2, 2), lf(2 * P2, P2, 2)]);
      }
      // Missing tables: a hole at the level of the none entry.
      check(B - 5, B + 3, [hl(-5, 5, fx.top), hl(0, 3, 0)]);
      check(B + 64 * P1, B + 66 * P1 + 2, [hl(64 * P1, 2 * P1 + 2, 1)]);
      check(B + P2 + 5, B + P2 + 9, [hl(P2 + 5, 4, 2)]);
      // The walk ends at the top of the tables.
      const tp = fx.w.topPages;
      const rt = fx.walk(tp - 2, tp + 7, true, 0);
      assert.deepEqual(rt.log, [pre(0, fx.top), hl(tp - 2, 2, fx.top), post(0, fx.top)]);
      // An empty range calls nothing at all.
      assert.deepEqual(fx.walk(B + 5, B + 5, true).log, []);
    });

    test('walk: WALK_STOP ends the walk (tables still get tablePost)', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, root, w } = fx;
      fx.base();
      class StopAtSecondLeaf extends Recorder {
        override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
          super.leaf(vpn, npages, level, lo, hi, slot, index);
          return this.steps.filter((s) => s.t === 'leaf').length === 2 ? WALK_STOP : WALK_CONTINUE;
        }
      }
      const r1 = new StopAtSecondLeaf(B, true);
      assert.equal(w.walk(root, B, B + fx.P2, r1), WALK_STOP);
      assert.deepEqual(r1.log, [...fx.chainPre(0), hl(0, 3, 0), lf(3, 1, 0), lf(4, 1, 0), post(0, 0), ...fx.chainPost(1)]);

      class StopAtHole extends Recorder {
        override hole(vpn: number, npages: number, level: number): number {
          super.hole(vpn, npages, level);
          return WALK_STOP;
        }
      }
      const r2 = new StopAtHole(B, true);
      assert.equal(w.walk(root, B, B + fx.P2, r2), WALK_STOP);
      assert.deepEqual(r2.log, [...fx.chainPre(0), hl(0, 3, 0), post(0, 0), ...fx.chainPost(1)]);

      class StopAtPteTable extends Recorder {
        override tablePre(slot: number, level: number, vpn: number): number {
          super.tablePre(slot, level, vpn);
          return level === 0 ? WALK_STOP : WALK_CONTINUE;
        }
      }
      const r3 = new StopAtPteTable(B, true);
      assert.equal(w.walk(root, B, B + fx.P2, r3), WALK_STOP);
      assert.deepEqual(r3.log, [...fx.chainPre(0), ...fx.chainPost(1)]);
    });

    test('walk: WALK_AGAIN re-reads the entry (a PMD leaf split into a PTE table on the first visit)', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, P1, root, w, obs } = fx;
      const c = fx.fmt.codec;
      const M = B + 32 * P1;
      fx.map(1, M, P1 * 7);
      class Splitter extends Recorder {
        split = false;
        override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
          super.leaf(vpn, npages, level, lo, hi, slot, index);
          if (level !== 1 || this.split) return WALK_CONTINUE;
          this.split = true;
          const pfn = c.pfn(lo, hi);
          w.set(root, obs, slot, index, 1, vpn, 0, 0);
          const child = w.installTable(root, obs, slot, index, 0, vpn);
          for (let j = 0; j < 3; j++) {
            const e = c.leaf(pfn + j, RW, 0);
            w.set(root, obs, child, j, 0, vpn + j, e.lo, e.hi);
          }
          return WALK_AGAIN;
        }
      }
      const r = new Splitter(B, true);
      assert.equal(w.walk(root, M, M + P1, r), WALK_CONTINUE);
      const m = M - B;
      assert.deepEqual(r.log, [...fx.chainPre(1), lf(m, P1, 1), pre(m, 0), lf(m, 1, 0), lf(m + 1, 1, 0), lf(m + 2, 1, 0), hl(m + 3, P1 - 3, 0), post(m, 0), ...fx.chainPost(1)]);
      assert.deepEqual(
        r.steps.filter((s) => s.level === 0 && s.t === 'leaf').map((s) => c.pfn(s.lo, s.hi)),
        [P1 * 7, P1 * 7 + 1, P1 * 7 + 2],
      );
      assert.equal(root.tables[0], 1);

      // WALK_AGAIN on a PTE: the visitor sees the new value on the second call.
      class Aging extends Recorder {
        override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
          super.leaf(vpn, npages, level, lo, hi, slot, index);
          if (!c.has(lo, hi, Attr.YOUNG)) return WALK_CONTINUE;
          const e = c.leaf(c.pfn(lo, hi), c.attrs(lo, hi) & ~Attr.YOUNG, level);
          w.set(root, obs, slot, index, level, vpn, e.lo, e.hi);
          return WALK_AGAIN;
        }
      }
      const r2 = new Aging(B, false);
      w.walk(root, M, M + 2, r2);
      assert.deepEqual(r2.log, [lf(m, 1, 0), lf(m, 1, 0), lf(m + 1, 1, 0), lf(m + 1, 1, 0)]);
      assert.deepEqual(r2.steps.map((s) => c.has(s.lo, s.hi, Attr.YOUNG)), [true, false, true, false]);
    });

    test('walk: WALK_SKIP from tablePre skips that table (no leaves, holes or tablePost inside) and goes on', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, P1, P2, root, w } = fx;
      const { M } = fx.base();
      class SkipPte extends Recorder {
        override tablePre(slot: number, level: number, vpn: number): number {
          super.tablePre(slot, level, vpn);
          return level === 0 ? WALK_SKIP : WALK_CONTINUE;
        }
      }
      const r = new SkipPte(B, true);
      assert.equal(w.walk(root, B, B + P2, r), WALK_CONTINUE);
      assert.deepEqual(r.log, [...fx.chainPre(0), hl(P1, 31 * P1, 1), lf(M - B, P1, 1), hl(33 * P1, P2 - 33 * P1, 1), ...fx.chainPost(1)]);
    });

    test('splitLeaf / deposit: a huge leaf becomes a table of next-level leaves, new entries first', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { fmt, B, P1, root, w, st, obs } = fx;
      const c = fmt.codec;
      const M = B + 32 * P1;
      const M2 = B + 64 * P1;
      fx.map(1, M, P1 * 7);
      fx.map(1, M2, P1 * 9);
      w.seek(root, M, st);
      const old = toBigInt(st.lo, st.hi);
      obs.log = [];
      const child = w.splitLeaf(root, obs, st.slot, st.index, 1, M, P1 * 7, 1, RW);
      const tw = c.table(w.store.slotPfn[child]);
      const tv = toBigInt(tw.lo, tw.hi); // codec.out is reused by the next encode
      // table +1, then the P1 new entries in order, then the huge entry becomes the table pointer.
      const pte = (i: number): string => {
        const e = c.leaf(P1 * 7 + i, RW, 0);
        return entryLine(0, M + i, 0n, toBigInt(e.lo, e.hi));
      };
      assert.equal(obs.log.length, P1 + 2);
      assert.deepEqual([obs.log[0], obs.log[1], obs.log[2], obs.log[P1], obs.log[P1 + 1]], [tableLine(0, 1), pte(0), pte(1), pte(P1 - 1), entryLine(1, M, old, tv)]);
      assert.equal(root.tables[0], 1);
      assert.equal(w.store.slotUsed[child], P1);
      const r = fx.walk(M, M + P1);
      assert.equal(r.steps.length, P1);
      assert.deepEqual(r.steps.map((x) => c.pfn(x.lo, x.hi)), Array.from({ length: P1 }, (_, i) => P1 * 7 + i));
      assert.ok(r.steps.every((x) => x.t === 'leaf' && x.level === 0 && x.n === 1));

      // A deposited table is counted when deposited and reused (not counted again) by the split.
      w.deposit(root, obs, M2);
      assert.equal(root.tables[0], 2);
      assert.throws(() => w.deposit(root, obs, M2), { message: `a table is already deposited at vpn ${M2}` });
      const dep = w.withdraw(root, M2);
      assert.ok(dep >= 0);
      assert.equal(w.withdraw(root, M2), -1);
      w.seek(root, M2, st);
      obs.log = [];
      assert.equal(w.splitLeaf(root, obs, st.slot, st.index, 1, M2, P1 * 9, 0, RW, dep), dep);
      assert.equal(root.tables[0], 2);
      assert.equal(obs.log.filter((l) => l.startsWith('table')).length, 0);
      const r2 = fx.walk(M2, M2 + P1);
      assert.ok(r2.steps.every((x) => c.pfn(x.lo, x.hi) === P1 * 9), 'pfnStep 0: every entry maps the same frame');
      // freeDeposit frees a deposited table and ignores a missing one.
      const live = w.store.live;
      w.deposit(root, obs, B);
      w.freeDeposit(root, obs, B);
      w.freeDeposit(root, obs, B);
      assert.equal(w.store.live, live);
      assert.equal(root.tables[0], 2);
    });

    test('a swap entry is one PTE whatever its offset bits (pte_valid_cont needs a valid entry)', () => {
      // arm64 keeps the swap offset in bits 12-61, so offset bit 40 is bit 52 = PTE_CONT
      const fx = new Fx(name);
      const { B, fmt, w, root, st } = fx;
      // (riscv: offset bit 51 is bit 63 = _PAGE_NAPOT.)
      const off = offsetOverCont(fmt);
      const sw = fmt.codec.swap(1, off, 0);
      fx.put(0, B, sw.lo, sw.hi);
      fx.map(0, B + 1, 0x1001);
      const r = fx.walk(B, B + 2);
      assert.deepEqual(r.log, [lf(0, 1, 0), lf(1, 1, 0)]);
      assert.equal(w.seek(root, B, st), Kind.SWAP);
      assert.equal(st.npages, 1);
      assert.equal(fmt.codec.swpOffset(st.lo, st.hi), off);
    });

    describe('ranges that start inside a contiguous-group window (any format: the answers do not depend on CONT)', () => {
      test('entries before the start are not visited', () => {
        const fx = new Fx(name);
        fx.map(0, fx.B + 1, 0x1001);
        const r = fx.walk(fx.B + 5, fx.B + 8);
        assert.deepEqual(r.log, [hl(5, 3, 0)]);
        assertTiles(r.steps, fx.B + 5, fx.B + 8);
      });

      test('a range starting on a leaf has no empty hole before it', () => {
        const fx = new Fx(name);
        fx.map(0, fx.B + 3, 0x1003);
        const r = fx.walk(fx.B + 3, fx.B + 5);
        assert.deepEqual(r.log, [lf(3, 1, 0), hl(4, 1, 0)]);
      });

      test('no negative hole and no table outside the range at the PMD level', () => {
        const fx = new Fx(name);
        const { B, P1 } = fx;
        fx.map(0, B + 1, 0x1001); // a PTE table at PMD index 0
        fx.map(0, B + 40 * P1 + 1, 0x2001); // and one at PMD index 40
        const r = fx.walk(B + 40 * P1 + 1, B + 40 * P1 + 2, true);
        assert.deepEqual(r.log, [...fx.chainPre(0).slice(0, -1), pre(40 * P1, 0), lf(40 * P1 + 1, 1, 0), post(40 * P1, 0), ...fx.chainPost(1)]);
        const r2 = fx.walk(B + 5 * P1, B + 5 * P1 + 1, true);
        assert.deepEqual(r2.log, [...fx.chainPre(1), hl(5 * P1, 1, 1), ...fx.chainPost(1)]);
      });
    });

    test('walks of random layouts tile every range and report each leaf once', () => {
      const fx = new Fx(name);
      const { fmt, w, root, st, B, P1 } = fx;
      const c = fmt.codec;
      const cont = fmt.contEntries[0];
      const rnd = lcg(0x5eed + name.length);
      const span = 6 * P1;
      /** Reference: leaf start vpn -> [npages, level]. */
      const ref = new Map<number, [number, number]>();
      let pfn = 0x10000;
      for (let op = 0; op < 120; op++) {
        const r = rnd();
        if (r < 0.5) {
          const vpn = B + Math.floor(rnd() * span);
          w.seek(root, vpn, st, 1);
          if (st.level === 1 && st.kind !== Kind.NONE && st.kind !== Kind.TABLE) continue;
          w.seek(root, vpn, st, 0, fx.obs);
          if (st.level !== 0 || st.kind !== Kind.NONE) continue;
          const e = c.leaf(pfn++, RW, 0);
          w.set(root, fx.obs, st.slot, st.index, 0, vpn, e.lo, e.hi);
          ref.set(vpn, [1, 0]);
        } else if (r < 0.62) {
          const vpn = B + Math.floor(rnd() * 6) * P1;
          if (w.seek(root, vpn, st, 1) !== Kind.NONE) continue;
          fx.map(1, vpn, P1 * 8);
          ref.set(vpn, [P1, 1]);
        } else if (r < 0.8 && cont > 0) {
          const g = B + Math.floor((rnd() * span) / cont) * cont;
          w.seek(root, g, st, 1);
          if (st.level === 1 && st.kind !== Kind.NONE && st.kind !== Kind.TABLE) continue;
          w.seek(root, g, st, 0, fx.obs);
          let free = true;
          for (let i = 0; i < cont; i++) if (w.lo(st.slot, st.index + i) !== 0 || w.hi(st.slot, st.index + i) !== 0) free = false;
          if (!free) continue;
          const p0 = Math.ceil(pfn / cont) * cont;
          pfn = p0 + cont;
          for (let i = 0; i < cont; i++) {
            const e = c.leaf(p0 + i, RW | Attr.CONT, 0);
            w.set(root, fx.obs, st.slot, st.index + i, 0, g + i, e.lo, e.hi);
          }
          ref.set(g, [cont, 0]);
        } else if (ref.size > 0) {
          const keys = [...ref.keys()];
          const vpn = keys[Math.floor(rnd() * keys.length)];
          const [n, level] = ref.get(vpn) ?? [0, 0];
          w.seek(root, vpn, st, level);
          for (let i = 0; i < (level === 0 ? n : 1); i++) w.set(root, fx.obs, st.slot, st.index + i, level, vpn + i, 0, 0);
          ref.delete(vpn);
        }
      }
      assert.ok(ref.size > 10, `layout too sparse (${ref.size} leaves)`);
      for (let k = 0; k < 150; k++) {
        const a = B - 3 + Math.floor(rnd() * (span + 6));
        const len = rnd() < 0.5 ? 1 + Math.floor(rnd() * 40) : 1 + Math.floor(rnd() * span);
        const start = a;
        const end = a + len;
        const rec = fx.walk(start, end);
        assertTiles(rec.steps, start, end);
        const seen = rec.steps.filter((s) => s.t === 'leaf').map((s) => `${s.vpn}+${s.n}L${s.level}`);
        const want = [...ref.entries()]
          .filter(([v, [n]]) => v < end && v + n > start)
          .sort((x, y) => x[0] - y[0])
          .map(([v, [n, level]]) => `${v}+${n}L${level}`);
        assert.deepEqual(seen, want, `leaves of [${start - B}, ${end - B})`);
      }
    });

    test('top of user space: vpn arithmetic at userPages - 1 and at the top of the tables', () => {
      const fx = new Fx(name);
      const { fmt, w, root, st } = fx;
      // The last page below the user-space top (on x86-64 that is TASK_SIZE_MAX's guard page, still in the tables).
      const T = 2 ** (fmt.spec.userVaBits - fmt.pageShift) - 1;
      w.seek(root, T, st, 0, fx.obs);
      const idx = Array.from({ length: fmt.nlevels }, (_, l) => Math.floor(T / fmt.pagesPerEntry[l]) % fmt.entries[l]);
      assert.deepEqual([...st.indices], idx);
      const expected: Record<string, number[]> = {
        x86_64: [511, 511, 511, 255],
        'x86_64-la57': [511, 511, 511, 511, 255],
        'arm64-4k': [511, 511, 511, 511],
        'arm64-16k': [2047, 2047, 2047],
        'arm64-64k': [8191, 8191, 63],
        'riscv64-sv39': [511, 511, 255],
        'riscv64-sv48': [511, 511, 511, 255],
        'riscv64-sv57': [511, 511, 511, 511, 255],
        'ppc-8xx': [1023, 511], // TASK_SIZE 0x80000000: 4K pages, 1024-entry tables
        'ppc64-radix-4k': [511, 511, 511, 127],
        'ppc64-radix-64k': [31, 511, 511, 8191],
        'ppc64-hash-64k': [255, 1023, 1023, 255],
      };
      assert.ok(name in expected, `no expected top-of-user-space indices for ${name}`);
      assert.deepEqual([...st.indices], expected[name]);
      fx.map(0, T, 0x1234);
      const r = fx.walk(T - 2, T + 1, false, 0);
      assert.deepEqual(r.log, [hl(T - 2, 2, 0), lf(T, 1, 0)]);
      assert.equal(w.seek(root, T, st), Kind.LEAF);
      assert.equal(st.vpn, T);
      const TT = w.topPages - 1;
      assert.equal(w.topPages, fmt.pagesPerEntry[fx.top] * fmt.entries[fx.top]);
      w.seek(root, TT, st, 0, fx.obs);
      assert.deepEqual([...st.indices], Array.from({ length: fmt.nlevels }, (_, l) => fmt.entries[l] - 1));
    });

    test('freeRange: PTE tables shared with a neighbour stay (floor/ceiling inside the same PMD span)', () => {
      const fx = new Fx(name);
      const { B, P1, w, root, obs } = fx;
      const n = fx.fmt.nlevels;
      // Three mappings in one PTE table: a (below), b (the one unmapped), c (above).
      const a = B + 5;
      const b = B + P1 / 2;
      const c = B + P1 - 5;
      fx.map(0, a, 1);
      fx.map(0, b, 2);
      fx.map(0, c, 3);
      const all = Array<number>(n).fill(1);
      fx.clear(0, b);
      obs.log = [];
      w.freeRange(root, obs, b, b + 1, a + 1, c);
      assert.deepEqual(fx.tables(), all);
      fx.clear(0, c);
      w.freeRange(root, obs, c, c + 1, a + 1, w.topPages);
      assert.deepEqual(fx.tables(), all);
      assert.deepEqual(obs.log.filter((l) => l.startsWith('table')), []);
      fx.map(0, c, 3);
      fx.clear(0, a);
      w.freeRange(root, obs, a, a + 1, 0, c);
      assert.deepEqual(fx.tables(), all);
      assert.equal(w.store.live, n);
      // The last mapping goes with floor = 0 and ceiling = top: everything below the root.
      fx.clear(0, c);
      obs.log = [];
      w.freeRange(root, obs, c, c + 1, 0, w.topPages);
      assert.deepEqual(fx.tables(), [...Array<number>(n - 1).fill(0), 1]);
      assert.deepEqual(
        obs.log.filter((l) => l.startsWith('table')),
        Array.from({ length: n - 1 }, (_, l) => tableLine(l, -1)),
      );
      assert.equal(w.store.live, 1);
      assert.equal(fx.mem.inUse[FrameKind.TABLE], 1);
      w.freeRoot(root);
      assert.equal(w.store.live, 0);
      assert.equal(root.rootSlot, -1);
      assert.deepEqual(fx.tables(), Array<number>(n).fill(0));
      assert.equal(fx.mem.inUse[FrameKind.TABLE], 0);
    });

    test('freeRange: a PMD table goes only when its whole span is inside [floor, ceiling)', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, P1, P2, w, root, obs, st } = fx;
      const n = fx.fmt.nlevels;
      const up = Array<number>(n - 2).fill(1);
      const N = B + 5; // neighbour below
      const Up = B + 5 * P1 + 3; // neighbour above, same PMD table
      const C = B + P2 + 10; // a mapping under another PMD table
      fx.map(0, N, 1);
      fx.map(0, B + P1 / 2, 2);
      fx.map(0, B + P1 + 7, 3);
      fx.map(1, B + 3 * P1, P1 * 9);
      fx.map(0, Up, 4);
      fx.map(0, C, 5);
      assert.deepEqual(fx.tables(), [4, 2, ...up]);
      // Unmap [B+P1/2, B+4*P1) between N and Up.
      fx.clear(0, B + P1 / 2);
      fx.clear(0, B + P1 + 7);
      fx.clear(1, B + 3 * P1);
      obs.log = [];
      w.freeRange(root, obs, B + P1 / 2, B + 4 * P1, N + 1, Up);
      assert.deepEqual(fx.tables(), [3, 2, ...up]);
      assert.deepEqual(obs.log.filter((l) => l.startsWith('table')), [tableLine(0, -1)]);
      assert.equal(w.seek(root, B + P1 + 7, st), Kind.NONE);
      assert.equal(st.level, 1);
      assert.equal(w.seek(root, N, st), Kind.LEAF);
      // N goes; Up is still in the PMD table's span, so only N's PTE table is freed.
      fx.clear(0, N);
      w.freeRange(root, obs, B, N + 1, 0, Up);
      assert.deepEqual(fx.tables(), [2, 2, ...up]);
      // Up goes; the next mapping is in the next PMD span: the PMD table goes too.
      fx.clear(0, Up);
      obs.log = [];
      w.freeRange(root, obs, B + 5 * P1, B + 5 * P1 + 4, 0, C);
      assert.deepEqual(fx.tables(), [1, 1, ...up]);
      assert.deepEqual(obs.log.filter((l) => l.startsWith('table')), [tableLine(0, -1), tableLine(1, -1)]);
      assert.equal(w.seek(root, B, st), Kind.NONE);
      assert.equal(st.level, 2);
      assert.equal(w.seek(root, C, st), Kind.LEAF);
      // C goes: everything below the root.
      fx.clear(0, C);
      w.freeRange(root, obs, 0, w.topPages, 0, w.topPages);
      assert.deepEqual(fx.tables(), [...Array<number>(n - 1).fill(0), 1]);
      assert.equal(w.store.live, 1);
    });

    test('reclaimEmptyLeafTables frees only empty PTE tables whose whole span is in the range', { skip: needsPmdLeaves(name) }, () => {
      const fx = new Fx(name);
      const { B, P1, w, root, obs, st } = fx;
      const n = fx.fmt.nlevels;
      const up = Array<number>(n - 1).fill(1);
      fx.map(0, B + 1, 1); // T_a, stays populated
      fx.map(0, B + P1 + 1, 2); // T_b
      fx.map(0, B + 2 * P1 + 1, 3); // T_c
      fx.map(1, B + 3 * P1, P1 * 5); // a PMD leaf
      fx.map(0, B + 4 * P1 + 1, 4); // T_e
      fx.clear(0, B + P1 + 1);
      fx.clear(0, B + 2 * P1 + 1);
      fx.clear(0, B + 4 * P1 + 1);
      assert.deepEqual(fx.tables(), [4, ...up]);
      obs.log = [];
      w.reclaimEmptyLeafTables(root, obs, B, B + 2 * P1 + P1 / 2);
      assert.deepEqual(fx.tables(), [3, ...up]);
      assert.deepEqual(obs.log.filter((l) => l.startsWith('table')), [tableLine(0, -1)]);
      w.seek(root, B + P1 + 1, st);
      assert.deepEqual([st.level, st.kind], [1, Kind.NONE]);
      w.seek(root, B + 2 * P1 + 1, st);
      assert.deepEqual([st.level, st.kind], [0, Kind.NONE]); // T_c is still there
      w.reclaimEmptyLeafTables(root, obs, B + 1, B + 5 * P1);
      assert.deepEqual(fx.tables(), [1, ...up]);
      w.seek(root, B + 1, st);
      assert.deepEqual([st.level, st.kind], [0, Kind.LEAF]);
      w.seek(root, B + 3 * P1, st);
      assert.deepEqual([st.level, st.kind], [1, Kind.LEAF]);
      w.seek(root, B + 4 * P1 + 1, st);
      assert.deepEqual([st.level, st.kind], [1, Kind.NONE]);
    });

    if (getFormat(name).contEntries[0] > 0) {
      test('contiguous PTE group: ONE leaf of the group size, also from the middle of the group', () => {
        const fx = new Fx(name);
        const { fmt, w, root, st, B, P1 } = fx;
        const cont = fmt.contEntries[0];
        // arm64 CONT_PTES (4K: 16, 16K: 128, 64K: 32); riscv Svnapot 64K = 16 PTEs.
        // 8xx 16K = 4 PTEs with _PAGE_SPS.
        const CONT: Record<string, number> = { 'arm64-4k': 16, 'arm64-16k': 128, 'arm64-64k': 32, 'riscv64-sv39': 16, 'riscv64-sv48': 16, 'riscv64-sv57': 16, 'ppc-8xx': 4 };
        assert.equal(cont, CONT[name]);
        const C = B + 96 * P1; // a fresh PTE table at a PMD index aligned to the cont-PMD windows
        const G = C + 2 * cont;
        for (let k = 0; k < cont; k++) fx.map(0, G + k, cont * 64 + k, RW | Attr.CONT);
        const r = fx.walk(C, C + P1, false, C);
        assert.deepEqual(r.log, [hl(0, 2 * cont, 0), lf(2 * cont, cont, 0), hl(3 * cont, P1 - 3 * cont, 0)]);
        const one = r.steps.filter((s) => s.t === 'leaf');
        assert.equal(one.length, 1);
        assert.equal(one[0].index, 2 * cont);
        assert.equal(fmt.codec.pfn(one[0].lo, one[0].hi), cont * 64);
        // A page inside the group with two more after it (8xx groups are only 4 PTEs).
        const a = Math.min(5, cont - 3);
        const mid = fx.walk(G + a, G + a + 2, false, C);
        assert.deepEqual(mid.log, [lf(2 * cont, cont, 0)]);
        assert.equal(mid.steps[0].index, 2 * cont);
        const tail = fx.walk(G + a, G + cont + 3, false, C);
        assert.deepEqual(tail.log, [lf(2 * cont, cont, 0), hl(3 * cont, 3, 0)]);
        assert.deepEqual(pageSums(tail.steps, G + a, G + cont + 3), { leaf: cont - a, hole: 3 });
        assert.equal(w.seek(root, G + a, st), Kind.LEAF);
        assert.deepEqual([st.level, st.vpn, st.npages, st.index], [0, G, cont, 2 * cont]);
        assert.equal(fmt.codec.pfn(st.lo, st.hi), cont * 64);
        assert.equal(w.seek(root, G - 1, st), Kind.NONE);
        assert.deepEqual([st.vpn, st.npages], [G - 1, 1]);
        assert.equal(w.store.slotUsed[st.slot], cont);
      });

      test('a PROT_NONE contiguous group is still ONE leaf (hugetlb: huge_ptep_get tests pte_present && pte_cont)', () => {
        // arm64/riscv set_huge_pte_at keep PTE_CONT/_PAGE_NAPOT on present-invalid (PROT_NONE) entries.
        const fx = new Fx(name);
        const { fmt, w, root, st, B, P1 } = fx;
        const cont = fmt.contEntries[0];
        const G = B + 96 * P1;
        // 8xx PTEs have no user bit: the codec writes USER as _PAGE_PRESENT
        // (ppc.ts), which a PROT_NONE entry must not carry; the model's
        // PROT_NONE entries carry no USER either (src/mm/pte.ts).
        const user = name === 'ppc-8xx' ? 0 : Attr.USER;
        for (let k = 0; k < cont; k++) fx.map(0, G + k, cont * 64 + k, Attr.PROTNONE | user | Attr.YOUNG | Attr.CONT);
        w.seek(root, G + 1, st);
        assert.equal(st.kind, Kind.LEAF);
        assert.equal(fmt.codec.has(st.lo, st.hi, Attr.VALID), false);
        assert.deepEqual([st.vpn, st.npages], [G, cont]);
        assert.deepEqual(fx.walk(G + 1, G + 2, false, G).log, [lf(0, cont, 0)]);
      });

    }

    if (getFormat(name).contEntries[1] > 0) {
      test('contiguous PMD group: ONE leaf of cont x PMD size', () => {
        const fx = new Fx(name);
        const { fmt, w, root, st, B, P1 } = fx;
        const cont = fmt.contEntries[1];
        const CP = B + 128 * P1;
        for (let k = 0; k < cont; k++) fx.map(1, CP + k * P1, P1 * cont * 3 + k * P1, RW | Attr.CONT);
        const r = fx.walk(CP + 3 * P1 + 5, CP + 3 * P1 + 6, false, CP);
        assert.deepEqual(r.log, [lf(0, cont * P1, 1)]);
        const r2 = fx.walk(CP, CP + cont * P1 + 1, false, CP);
        assert.deepEqual(r2.log, [lf(0, cont * P1, 1), hl(cont * P1, 1, 1)]);
        assert.equal(w.seek(root, CP + 3 * P1 + 5, st), Kind.LEAF);
        assert.deepEqual([st.level, st.vpn, st.npages, st.index], [1, CP, cont * P1, 128]);
      });
    }
  });
}
