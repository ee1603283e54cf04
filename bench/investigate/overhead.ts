// INVESTIGATION ONLY: what the range walk costs with visitors of growing
// weight (no-op, count, full checksum), for the real walker and SplitWalker.
//   node dist/bench/investigate/overhead.js [--quick]
import { getFormat } from '../../src/arch/index.js';
import { BaseVisitor, WALK_CONTINUE, type Visitor } from '../../src/walk/walker.js';
import { type PtRoot } from '../../src/pt/store.js';
import { SumVisitor } from '../generic.js';
import { gc, median } from '../harness.js';
import { SpecialisedWalk } from '../specialised.js';
import { buildFull } from '../tree.js';
import { FULL_SIZES, QUICK_SIZES } from '../workloads.js';
import { SplitWalker } from './proto-walker.js';

class Noop extends BaseVisitor {}
class Count extends BaseVisitor {
  n = 0;
  override leaf(): number {
    this.n++;
    return WALK_CONTINUE;
  }
}

class CountW extends BaseVisitor {
  n = 0;
  w = 0;
  override leaf(_vpn: number, _np: number, _l: number, lo: number): number {
    if ((lo & 1) === 0) return WALK_CONTINUE;
    this.n++;
    this.w += (lo >>> 1) & 1;
    return WALK_CONTINUE;
  }
}
class CountWS extends BaseVisitor {
  n = 0;
  w = 0;
  s = 0;
  override leaf(_vpn: number, _np: number, _l: number, lo: number, hi: number): number {
    if ((lo & 1) === 0) return WALK_CONTINUE;
    this.n++;
    this.w += (lo >>> 1) & 1;
    this.s += (lo >>> 12) + (hi & 0xfffff) * 1048576;
    return WALK_CONTINUE;
  }
}
class CountWSV extends BaseVisitor {
  n = 0;
  w = 0;
  s = 0;
  v = 0;
  override leaf(vpn: number, _np: number, _l: number, lo: number, hi: number): number {
    if ((lo & 1) === 0) return WALK_CONTINUE;
    this.n++;
    this.w += (lo >>> 1) & 1;
    this.s += (lo >>> 12) + (hi & 0xfffff) * 1048576;
    this.v += vpn;
    return WALK_CONTINUE;
  }
}

interface Walks {
  walk(root: PtRoot, start: number, end: number, v: Visitor): number;
}

function time(f: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t0) / reps;
}

const quick = process.argv.includes('--quick');
const fmt = getFormat('x86_64');
const t = buildFull(fmt, (quick ? QUICK_SIZES : FULL_SIZES).fullPages);
const top = t.walker.topPages;
const cases: [string, () => void][] = [];
const spec = new SpecialisedWalk(t.walker.store, t.root.rootSlot);
cases.push(['specialised', () => void spec.run()]);
const walkers: [string, Walks][] = [['generic', t.walker], ['split', new SplitWalker(t.walker)]];
// One walker object per visitor kind would be needed to keep each call site monomorphic;
// instead, each (walker, visitor) pair runs in its own process when --only is given.
const only = process.argv.indexOf('--only');
const sel = only >= 0 ? process.argv[only + 1] : '';
for (const [wn, w] of walkers) {
  const vis: [string, Visitor][] = [['noop', new Noop()], ['count', new Count()], ['cw', new CountW()], ['cws', new CountWS()], ['cwsv', new CountWSV()], ['sum', new SumVisitor(fmt)]];
  for (const [vn, v] of vis) {
    if (sel !== '' && `${wn}/${vn}` !== sel) continue;
    cases.push([`${wn}/${vn}`, () => void w.walk(t.root, 0, top, v)]);
  }
}
const reps = quick ? 20 : 50;
for (const [, f] of cases) time(f, reps * 4);
const res = new Map<string, number[]>();
for (let r = 0; r < 7; r++) {
  for (const [n, f] of cases) {
    gc();
    const a = res.get(n) ?? [];
    a.push(time(f, reps));
    res.set(n, a);
  }
}
const base = median(res.get('specialised') ?? [1]);
for (const [n, xs] of res) console.log(`${n.padEnd(16)} ${median(xs).toFixed(3)} ms  x${(median(xs) / base).toFixed(2)}`);
