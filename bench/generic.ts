// The "generic" variants: the real src/walk/walker.ts, used the way the rest
// of the simulator uses it, on any format.
// - Walk: Walker.walk over the whole address space with one visitor class
//   (the leaf call site stays monomorphic in this process; see BENCHMARKS.md
//   for what a polymorphic call site costs). The visitor decodes with masks
//   taken from the format's codec once (valid bits, pfn field, WRITE bit), so
//   it works on every format and accumulates into its own fields.
// - Lookups: Walker.seek with one reused WalkState per lookup.
import { Kind, type EntryCodec, type Format } from '../src/arch/index.js';
import { type PtRoot } from '../src/pt/store.js';
import { BaseVisitor, WALK_CONTINUE, WalkState, type Walker } from '../src/walk/walker.js';
import { Sum } from './sum.js';

/** Format-generic decoding constants for the checksum. */
class Decode {
  readonly validLo: number;
  readonly validHi: number;
  readonly pfnShift: number;
  readonly pfnHiMask: number;
  readonly pfnHiMul: number;
  /** The WRITE attribute as one bit of lo or of hi: (word >>> shift) & mask. */
  readonly wLoShift: number;
  readonly wLoMask: number;
  readonly wHiShift: number;
  readonly wHiMask: number;

  constructor(codec: EntryCodec) {
    this.validLo = codec.validLo;
    this.validHi = codec.validHi;
    this.pfnShift = codec.pfnLoShift;
    this.pfnHiMask = codec.pfnHiMask;
    this.pfnHiMul = codec.pfnHiMul;
    const wr = codec.spec.attrs.WRITE?.set;
    if (!wr) throw new Error('format without a WRITE attribute');
    const single = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;
    if (wr.lo !== 0 && wr.hi === 0 && single(wr.lo)) {
      this.wLoShift = 31 - Math.clz32(wr.lo);
      this.wLoMask = 1;
      this.wHiShift = 0;
      this.wHiMask = 0;
    } else if (wr.lo === 0 && single(wr.hi)) {
      this.wLoShift = 0;
      this.wLoMask = 0;
      this.wHiShift = 31 - Math.clz32(wr.hi);
      this.wHiMask = 1;
    } else {
      throw new Error('the bench expects WRITE to be one bit');
    }
  }
}

/** The checksum visitor: one class, so Walker.walk's leaf call site is monomorphic. */
export class SumVisitor extends BaseVisitor {
  n = 0;
  s = 0;
  v = 0;
  w = 0;
  private readonly validLo: number;
  private readonly validHi: number;
  private readonly pfnShift: number;
  private readonly pfnHiMask: number;
  private readonly pfnHiMul: number;
  private readonly wLoShift: number;
  private readonly wLoMask: number;
  private readonly wHiShift: number;
  private readonly wHiMask: number;

  constructor(fmt: Format) {
    super();
    const d = new Decode(fmt.codec);
    this.validLo = d.validLo;
    this.validHi = d.validHi;
    this.pfnShift = d.pfnShift;
    this.pfnHiMask = d.pfnHiMask;
    this.pfnHiMul = d.pfnHiMul;
    this.wLoShift = d.wLoShift;
    this.wLoMask = d.wLoMask;
    this.wHiShift = d.wHiShift;
    this.wHiMask = d.wHiMask;
  }

  override leaf(vpn: number, _npages: number, _level: number, lo: number, hi: number): number {
    // Non-present, non-empty entries (swap) are leaves too: skip them.
    if (((lo & this.validLo) | (hi & this.validHi)) === 0) return WALK_CONTINUE;
    this.n++;
    this.w += ((lo >>> this.wLoShift) & this.wLoMask) | ((hi >>> this.wHiShift) & this.wHiMask);
    this.s += (lo >>> this.pfnShift) + (hi & this.pfnHiMask) * this.pfnHiMul;
    this.v += vpn;
    return WALK_CONTINUE;
  }

  /** The per-table batch (pmd_entry style): one call per PTE table, a tight loop over its entries. */
  override leafTable(_slot: number, vpn: number, first: number, end: number, words: Uint32Array, base: number): number {
    const validLo = this.validLo;
    const validHi = this.validHi;
    const pfnShift = this.pfnShift;
    const pfnHiMask = this.pfnHiMask;
    const pfnHiMul = this.pfnHiMul;
    const wLoShift = this.wLoShift;
    const wLoMask = this.wLoMask;
    const wHiShift = this.wHiShift;
    const wHiMask = this.wHiMask;
    let n = 0;
    let w = 0;
    let s = 0;
    let v = 0;
    for (let i = first; i < end; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      if (((lo & validLo) | (hi & validHi)) === 0) continue;
      n++;
      w += ((lo >>> wLoShift) & wLoMask) | ((hi >>> wHiShift) & wHiMask);
      s += (lo >>> pfnShift) + (hi & pfnHiMask) * pfnHiMul;
      v += vpn + i;
    }
    this.n += n;
    this.w += w;
    this.s += s;
    this.v += v;
    return WALK_CONTINUE;
  }
}

/** Full walk of a tree with the generic walker. */
export class GenericWalk {
  readonly out = new Sum();
  private readonly walker: Walker;
  private readonly root: PtRoot;
  private readonly visitor: SumVisitor;

  constructor(walker: Walker, root: PtRoot) {
    this.walker = walker;
    this.root = root;
    this.visitor = new SumVisitor(walker.fmt);
  }

  run(): Sum {
    const vis = this.visitor;
    vis.n = 0;
    vis.s = 0;
    vis.v = 0;
    vis.w = 0;
    this.walker.walk(this.root, 0, this.walker.topPages, vis);
    return this.out.copyFrom(vis);
  }
}

/** Point lookups with Walker.seek and one reused WalkState; sums pfn + offset in the leaf. */
export class GenericLookups {
  readonly out = new Sum();
  private readonly walker: Walker;
  private readonly root: PtRoot;
  private readonly vpns: Float64Array;
  private readonly st: WalkState;
  private readonly d: Decode;

  constructor(walker: Walker, root: PtRoot, vpns: Float64Array) {
    this.walker = walker;
    this.root = root;
    this.vpns = vpns;
    this.st = new WalkState(walker.fmt.nlevels);
    this.d = new Decode(walker.fmt.codec);
  }

  run(): Sum {
    const walker = this.walker;
    const root = this.root;
    const vpns = this.vpns;
    const st = this.st;
    const d = this.d;
    const pfnShift = d.pfnShift;
    const pfnHiMask = d.pfnHiMask;
    const pfnHiMul = d.pfnHiMul;
    const wLoShift = d.wLoShift;
    const wLoMask = d.wLoMask;
    const wHiShift = d.wHiShift;
    const wHiMask = d.wHiMask;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let k = 0; k < vpns.length; k++) {
      const vpn = vpns[k];
      if (walker.seek(root, vpn, st) !== Kind.LEAF) continue;
      const lo = st.lo;
      const hi = st.hi;
      n++;
      w += ((lo >>> wLoShift) & wLoMask) | ((hi >>> wHiShift) & wHiMask);
      s += (lo >>> pfnShift) + (hi & pfnHiMask) * pfnHiMul + (vpn - st.vpn);
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
