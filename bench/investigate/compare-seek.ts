// INVESTIGATION ONLY: Walker.seek against SeekWalker.seek (no Float64Mod) and
// the specialised lookup, interleaved in one process.
//   node dist/bench/investigate/compare-seek.js [--quick]
import { Kind, getFormat } from '../../src/arch/index.js';
import { type PtRoot } from '../../src/pt/store.js';
import { WalkState } from '../../src/walk/walker.js';
import { GenericLookups } from '../generic.js';
import { measure, median } from '../harness.js';
import { SpecialisedLookups } from '../specialised.js';
import { Sum } from '../sum.js';
import { buildFull, expectedLookups, makeLookups } from '../tree.js';
import { FULL_SIZES, QUICK_SIZES, TsVariant, type Workload } from '../workloads.js';
import { Seek4LiteWalker, Seek4Walker, SeekWalker } from './proto-walker.js';

class ProtoLookups {
  readonly out = new Sum();
  private readonly w: SeekWalker;
  private readonly root: PtRoot;
  private readonly vpns: Float64Array;
  private readonly st: WalkState;
  constructor(w: SeekWalker, root: PtRoot, vpns: Float64Array) {
    this.w = w;
    this.root = root;
    this.vpns = vpns;
    this.st = new WalkState(w.nlevels);
  }
  run(): Sum {
    const c = this.w.fmt.codec;
    const pfnShift = c.pfnLoShift;
    const pfnHiMask = c.pfnHiMask;
    const pfnHiMul = c.pfnHiMul;
    const st = this.st;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let k = 0; k < this.vpns.length; k++) {
      const vpn = this.vpns[k];
      if (this.w.seek(this.root, vpn, st) !== Kind.LEAF) continue;
      n++;
      w += (st.lo >>> 1) & 1;
      s += (st.lo >>> pfnShift) + (st.hi & pfnHiMask) * pfnHiMul + (vpn - st.vpn);
      v += vpn;
    }
    const o = this.out;
    o.n = n;
    o.s = s;
    o.v = v;
    o.w = w;
    return o;
  }
}

/** Same code as ProtoLookups, its own call site (monomorphic on Seek4Walker). */
class ProtoLookups4 {
  readonly out = new Sum();
  private readonly w: Seek4Walker;
  private readonly root: PtRoot;
  private readonly vpns: Float64Array;
  private readonly st: WalkState;
  constructor(w: Seek4Walker, root: PtRoot, vpns: Float64Array) {
    this.w = w;
    this.root = root;
    this.vpns = vpns;
    this.st = new WalkState(w.nlevels);
  }
  run(): Sum {
    const c = this.w.fmt.codec;
    const pfnShift = c.pfnLoShift;
    const pfnHiMask = c.pfnHiMask;
    const pfnHiMul = c.pfnHiMul;
    const st = this.st;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let k = 0; k < this.vpns.length; k++) {
      const vpn = this.vpns[k];
      if (this.w.seek(this.root, vpn, st) !== Kind.LEAF) continue;
      n++;
      w += (st.lo >>> 1) & 1;
      s += (st.lo >>> pfnShift) + (st.hi & pfnHiMask) * pfnHiMul + (vpn - st.vpn);
      v += vpn;
    }
    const o = this.out;
    o.n = n;
    o.s = s;
    o.v = v;
    o.w = w;
    return o;
  }
}

/** Same code as ProtoLookups, its own call site (monomorphic on Seek4LiteWalker). */
class ProtoLookups4L {
  readonly out = new Sum();
  private readonly w: Seek4LiteWalker;
  private readonly root: PtRoot;
  private readonly vpns: Float64Array;
  private readonly st: WalkState;
  constructor(w: Seek4LiteWalker, root: PtRoot, vpns: Float64Array) {
    this.w = w;
    this.root = root;
    this.vpns = vpns;
    this.st = new WalkState(w.nlevels);
  }
  run(): Sum {
    const c = this.w.fmt.codec;
    const pfnShift = c.pfnLoShift;
    const pfnHiMask = c.pfnHiMask;
    const pfnHiMul = c.pfnHiMul;
    const st = this.st;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let k = 0; k < this.vpns.length; k++) {
      const vpn = this.vpns[k];
      if (this.w.seek(this.root, vpn, st) !== Kind.LEAF) continue;
      n++;
      w += (st.lo >>> 1) & 1;
      s += (st.lo >>> pfnShift) + (st.hi & pfnHiMask) * pfnHiMul + (vpn - st.vpn);
      v += vpn;
    }
    const o = this.out;
    o.n = n;
    o.s = s;
    o.v = v;
    o.w = w;
    return o;
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const t = buildFull(getFormat('x86_64'), sizes.fullPages);
  const vpns = makeLookups(t, sizes.lookups);
  const variants = [
    new TsVariant('generic', new GenericLookups(t.walker, t.root, vpns)),
    new TsVariant('proto-seek', new ProtoLookups(new SeekWalker(t.walker), t.root, vpns)),
    new TsVariant('proto-seek4', new ProtoLookups4(new Seek4Walker(t.walker), t.root, vpns)),
    new TsVariant('seek4-nochain', new ProtoLookups4L(new Seek4LiteWalker(t.walker), t.root, vpns)),
    new TsVariant('specialised', new SpecialisedLookups(t.walker.store, t.root.rootSlot, vpns)),
  ];
  const wl: Workload = { name: 'seek', description: 'seek', unit: 'lookups', items: vpns.length, entries: 0, expected: expectedLookups(t, vpns), variants };
  const res = await measure(wl, { rounds: quick ? 5 : 9, warmupMs: quick ? 200 : 600, sampleMs: quick ? 30 : 80 });
  const base = res.timings.length - 1;
  for (let i = 0; i < res.timings.length; i++) {
    const tm = res.timings[i];
    const paired = median(res.rounds.map((row) => row[i] / row[base]));
    console.log(`${tm.variant.padEnd(12)} ${tm.ms.toFixed(3).padStart(9)} ms  ${(vpns.length / tm.ms / 1000).toFixed(1).padStart(6)} M lookups/s  x${(tm.ms / res.timings[base].ms).toFixed(2)} (paired ${paired.toFixed(2)})`);
  }
}

void main();
