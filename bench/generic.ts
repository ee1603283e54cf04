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
import { BaseVisitor, WALK_CONTINUE, WALK_PER_ENTRY, WalkState, type Walker } from '../src/walk/walker.js';
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
  /** 1 when WRITE is "bits clear" (ppc-8xx: pte_write = !(pte & _PAGE_RO)): the bit read is then inverted. */
  readonly wXor: number;

  constructor(codec: EntryCodec) {
    this.validLo = codec.validLo;
    this.validHi = codec.validHi;
    this.pfnShift = codec.pfnLoShift;
    this.pfnHiMask = codec.pfnHiMask;
    this.pfnHiMul = codec.pfnHiMul;
    const wa = codec.spec.attrs.WRITE;
    if (!wa) throw new Error('format without a WRITE attribute');
    const single = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;
    let wr = wa.set;
    this.wXor = 0;
    if ((wr.lo | wr.hi) === 0 && wa.clear) {
      // Clear-only: writable when the clear bits are 0. The codec sets them
      // together (8xx _PAGE_RO = 0x600), so their lowest bit decides.
      const c = wa.clear;
      wr = c.lo !== 0 ? { lo: (c.lo & -c.lo) >>> 0, hi: 0 } : { lo: 0, hi: (c.hi & -c.hi) >>> 0 };
      this.wXor = 1;
    }
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
  private readonly wXor: number;

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
    this.wXor = d.wXor;
  }

  override leaf(vpn: number, _npages: number, _level: number, lo: number, hi: number): number {
    // Non-present, non-empty entries (swap) are leaves too: skip them.
    if (((lo & this.validLo) | (hi & this.validHi)) === 0) return WALK_CONTINUE;
    this.n++;
    this.w += (((lo >>> this.wLoShift) & this.wLoMask) | ((hi >>> this.wHiShift) & this.wHiMask)) ^ this.wXor;
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
    const wXor = this.wXor;
    let n = 0;
    let w = 0;
    let s = 0;
    let v = 0;
    for (let i = first; i < end; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      if (((lo & validLo) | (hi & validHi)) === 0) continue;
      n++;
      w += (((lo >>> wLoShift) & wLoMask) | ((hi >>> wHiShift) & wHiMask)) ^ wXor;
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

/** Full walk of a tree with the generic walker (or of [start, end) when given). */
export class GenericWalk {
  readonly out = new Sum();
  private readonly walker: Walker;
  private readonly root: PtRoot;
  private readonly visitor: SumVisitor;
  private readonly start: number;
  private readonly end: number;

  constructor(walker: Walker, root: PtRoot, start = 0, end = walker.topPages) {
    this.walker = walker;
    this.root = root;
    this.visitor = new SumVisitor(walker.fmt);
    this.start = start;
    this.end = end;
  }

  run(): Sum {
    const vis = this.visitor;
    vis.n = 0;
    vis.s = 0;
    vis.v = 0;
    vis.w = 0;
    this.walker.walk(this.root, this.start, this.end, vis);
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
    const wXor = d.wXor;
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
      w += (((lo >>> wLoShift) & wLoMask) | ((hi >>> wHiShift) & wHiMask)) ^ wXor;
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

/**
 * The per-leaf checksum visitor: the same sums as SumVisitor, but leafTable()
 * answers WALK_PER_ENTRY (as BaseVisitor does), so the walker calls leaf()
 * for every leaf, a contiguous group once. It also counts the leaf() calls
 * and the calls whose `npages` is not `expectNpages` (when that is set), which
 * is how the bench and its smoke test check "a contiguous group is one walker
 * step".
 */
export class LeafSumVisitor extends BaseVisitor {
  n = 0;
  s = 0;
  v = 0;
  w = 0;
  /** leaf() calls, present or not. */
  calls = 0;
  /** Present-leaf calls whose npages differed from expectNpages (0 = do not check). */
  badNpages = 0;
  expectNpages = 0;
  private readonly d: Decode;
  private readonly codec: Format['codec'];

  constructor(fmt: Format) {
    super();
    this.d = new Decode(fmt.codec);
    this.codec = fmt.codec;
  }

  override leaf(vpn: number, npages: number, _level: number, lo: number, hi: number): number {
    this.calls++;
    const d = this.d;
    if (((lo & d.validLo) | (hi & d.validHi)) === 0) return WALK_CONTINUE;
    if (this.expectNpages !== 0 && npages !== this.expectNpages) this.badNpages++;
    this.n++;
    this.w += (((lo >>> d.wLoShift) & d.wLoMask) | ((hi >>> d.wHiShift) & d.wHiMask)) ^ d.wXor;
    // The codec's pfn: a riscv NAPOT entry stores its group's pfn | 1000b (pte_mknapot).
    this.s += this.codec.pfn(lo, hi);
    this.v += vpn;
    return WALK_CONTINUE;
  }

  override leafTable(): number {
    return WALK_PER_ENTRY;
  }
}

/** Walk [start, start + pages) with the per-leaf visitor (no leafTable batch). */
export class GenericLeafWalk {
  readonly out = new Sum();
  readonly visitor: LeafSumVisitor;
  private readonly walker: Walker;
  private readonly root: PtRoot;
  private readonly start: number;
  private readonly end: number;

  constructor(walker: Walker, root: PtRoot, start: number, pages: number, expectNpages = 0) {
    this.walker = walker;
    this.root = root;
    this.start = start;
    this.end = start + pages;
    this.visitor = new LeafSumVisitor(walker.fmt);
    this.visitor.expectNpages = expectNpages;
  }

  run(): Sum {
    const vis = this.visitor;
    vis.n = 0;
    vis.s = 0;
    vis.v = 0;
    vis.w = 0;
    vis.calls = 0;
    vis.badNpages = 0;
    this.walker.walk(this.root, this.start, this.end, vis);
    return this.out.copyFrom(vis);
  }
}
