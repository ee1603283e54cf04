// INVESTIGATION ONLY: the real walker, a verbatim copy and the proposed
// SplitWalker against the specialised walker, interleaved in one process.
//   node dist/bench/investigate/compare.js [--quick] [--poly] [--arch NAME]
// --poly first runs every walker with nine other visitor classes, so the leaf
// call site is megamorphic, as it is once smaps, pagemap, zap... all walk.
// (All those classes answer the prototype protoLeafTable() hook with WALK_PER_ENTRY.)
import { getFormat } from '../../src/arch/index.js';
import { type PtRoot } from '../../src/pt/store.js';
import { BaseVisitor, WALK_CONTINUE, type Visitor, type Walker } from '../../src/walk/walker.js';
import { SumVisitor } from '../generic.js';
import { MAX_POLY, pollute } from '../poly.js';
import { measure, median } from '../harness.js';
import { SpecialisedWalk } from '../specialised.js';
import { Sum } from '../sum.js';
import { buildFull, buildMixed, type Tree } from '../tree.js';
import { FULL_SIZES, QUICK_SIZES, TsVariant, type Workload } from '../workloads.js';
import { CopyWalker, SplitWalker, WALK_PER_ENTRY } from './proto-walker.js';

interface Walks {
  walk(root: PtRoot, start: number, end: number, v: Visitor): number;
}

class Run {
  readonly out = new Sum();
  private readonly w: Walks;
  private readonly root: PtRoot;
  private readonly top: number;
  private readonly vis: SumVisitor;
  constructor(w: Walks, walker: Walker, root: PtRoot, batch = '') {
    this.w = w;
    this.root = root;
    this.top = walker.topPages;
    this.vis =
      batch === 'split+batch' ? new BatchSumVisitor(walker)
      : batch === 'split+batchw' ? new BatchWordsSumVisitor(walker)
      : batch === 'split+batchx86' ? new BatchX86SumVisitor(walker.fmt)
      : new SumVisitor(walker.fmt);
  }
  run(): Sum {
    const v = this.vis;
    v.n = v.s = v.v = v.w = 0;
    this.w.walk(this.root, 0, this.top, v);
    return this.out.copyFrom(v);
  }
}

/**
 * SumVisitor plus the proposed protoLeafTable() hook: a whole leaf-level table in
 * one call, entries read through Walker.lo()/hi(), decode constants in locals.
 */
class BatchSumVisitor extends SumVisitor {
  private readonly walker: Walker;
  private readonly c: { validLo: number; validHi: number; pfnShift: number; pfnHiMask: number; pfnHiMul: number; wShift: number };
  constructor(walker: Walker) {
    super(walker.fmt);
    this.walker = walker;
    const k = walker.fmt.codec;
    const wr = k.spec.attrs.WRITE?.set.lo ?? 0;
    this.c = { validLo: k.validLo, validHi: k.validHi, pfnShift: k.pfnLoShift, pfnHiMask: k.pfnHiMask, pfnHiMul: k.pfnHiMul, wShift: 31 - Math.clz32(wr) };
  }
  protoLeafTable(slot: number, tableVpn: number, first: number, end: number): number {
    const wk = this.walker;
    const c = this.c;
    const validLo = c.validLo;
    const validHi = c.validHi;
    const pfnShift = c.pfnShift;
    const pfnHiMask = c.pfnHiMask;
    const pfnHiMul = c.pfnHiMul;
    const wShift = c.wShift;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let i = first; i < end; i++) {
      const lo = wk.lo(slot, i);
      const hi = wk.hi(slot, i);
      if (((lo & validLo) | (hi & validHi)) === 0) continue;
      n++;
      w += (lo >>> wShift) & 1;
      s += (lo >>> pfnShift) + (hi & pfnHiMask) * pfnHiMul;
      v += tableVpn + i;
    }
    this.n += n;
    this.s += s;
    this.v += v;
    this.w += w;
    return WALK_CONTINUE;
  }
}

/** BatchSumVisitor reading the table through the words/base the walker hands over. */
class BatchWordsSumVisitor extends SumVisitor {
  private readonly c: { validLo: number; validHi: number; pfnShift: number; pfnHiMask: number; pfnHiMul: number; wShift: number };
  constructor(walker: Walker) {
    super(walker.fmt);
    const k = walker.fmt.codec;
    const wr = k.spec.attrs.WRITE?.set.lo ?? 0;
    this.c = { validLo: k.validLo, validHi: k.validHi, pfnShift: k.pfnLoShift, pfnHiMask: k.pfnHiMask, pfnHiMul: k.pfnHiMul, wShift: 31 - Math.clz32(wr) };
  }
  protoLeafTable(_slot: number, tableVpn: number, first: number, end: number, words: Uint32Array, base: number): number {
    const c = this.c;
    const validLo = c.validLo;
    const validHi = c.validHi;
    const pfnShift = c.pfnShift;
    const pfnHiMask = c.pfnHiMask;
    const pfnHiMul = c.pfnHiMul;
    const wShift = c.wShift;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let i = first; i < end; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      if (((lo & validLo) | (hi & validHi)) === 0) continue;
      n++;
      w += (lo >>> wShift) & 1;
      s += (lo >>> pfnShift) + (hi & pfnHiMask) * pfnHiMul;
      v += tableVpn + i;
    }
    this.n += n;
    this.s += s;
    this.v += v;
    this.w += w;
    return WALK_CONTINUE;
  }
}

/** BatchWordsSumVisitor with the x86-64 constants written in (what the generic decode costs). */
class BatchX86SumVisitor extends SumVisitor {
  protoLeafTable(_slot: number, tableVpn: number, first: number, end: number, words: Uint32Array, base: number): number {
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let i = first; i < end; i++) {
      const lo = words[base + 2 * i];
      if ((lo & 1) === 0) continue;
      n++;
      w += (lo >>> 1) & 1;
      s += (lo >>> 12) + (words[base + 2 * i + 1] & 0xfffff) * 1048576;
      v += tableVpn + i;
    }
    this.n += n;
    this.s += s;
    this.v += v;
    this.w += w;
    return WALK_CONTINUE;
  }
}

class CountLeaves extends BaseVisitor {
  n = 0;
  override leaf(): number {
    this.n++;
    return WALK_CONTINUE;
  }
  protoLeafTable(_s: number, _t: number, _f: number, _e: number, _w: Uint32Array, _b: number): number {
    return WALK_PER_ENTRY;
  }
}
class MaxVpn extends BaseVisitor {
  m = 0;
  override leaf(vpn: number): number {
    if (vpn > this.m) this.m = vpn;
    return WALK_CONTINUE;
  }
  protoLeafTable(_s: number, _t: number, _f: number, _e: number, _w: Uint32Array, _b: number): number {
    return WALK_PER_ENTRY;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const poly = args.includes('--poly');
  const ai = args.indexOf('--arch');
  const arch = ai >= 0 ? args[ai + 1] : 'x86_64';
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const fmt = getFormat(arch);
  const trees: [string, Tree][] = [['full', buildFull(fmt, sizes.fullPages)], ['mixed', buildMixed(fmt, sizes.mixedPages)]];
  for (const [name, t] of trees) {
    const walkers: [string, Walks][] = [['generic', t.walker], ['copy', new CopyWalker(t.walker)], ['split', new SplitWalker(t.walker)], ['split+batch', new SplitWalker(t.walker, true)], ['split+batchw', new SplitWalker(t.walker, true)], ['split+batchx86', new SplitWalker(t.walker, true)]];
    if (poly) {
      for (const [, w] of walkers) {
        for (let k = 0; k < 3; k++) {
          w.walk(t.root, 0, t.walker.topPages, new CountLeaves());
          w.walk(t.root, 0, t.walker.topPages, new MaxVpn());
        }
        pollute(w, t.root, 0, t.walker.topPages, MAX_POLY);
      }
    }
    const variants = walkers.map(([n, w]) => new TsVariant(n, new Run(w, t.walker, t.root, n)));
    if (arch === 'x86_64') variants.push(new TsVariant('specialised', new SpecialisedWalk(t.walker.store, t.root.rootSlot)));
    const wl: Workload = { name, description: name, unit: 'leaves', items: t.expected.n, entries: 0, expected: t.expected, variants };
    const res = await measure(wl, { rounds: quick ? 5 : 9, warmupMs: quick ? 200 : 600, sampleMs: quick ? 30 : 80 });
    const base = res.timings.length - 1;
    for (let i = 0; i < res.timings.length; i++) {
      const tm = res.timings[i];
      const paired = median(res.rounds.map((row) => row[i] / row[base]));
      console.log(`${name.padEnd(6)} ${tm.variant.padEnd(12)} ${tm.ms.toFixed(3).padStart(9)} ms  ${(t.expected.n / tm.ms / 1000).toFixed(1).padStart(7)} M leaves/s  x${(tm.ms / res.timings[base].ms).toFixed(2)} (paired ${paired.toFixed(2)}) vs ${res.timings[base].variant}`);
    }
  }
}

void main();
