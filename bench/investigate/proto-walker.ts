// INVESTIGATION ONLY (not used by `npm run bench`): copies of the range walk
// of src/walk/walker.ts, to measure candidate changes side by side with the
// real walker in one process. They read the real TableStore of a real Walker.
//
// - CopyWalker: walkTable verbatim (checks that a copy measures like the original).
// - SplitWalker: the proposed shape: per-level constants in locals, and the
//   leaf level (level 0, which holds no tables) in its own tight loop; same
//   Visitor contract (leaf per leaf, hole per run, WALK_AGAIN/STOP, words
//   re-read after every callback).
import { Kind, type EntryCodec, type Format } from '../../src/arch/index.js';
import { type PtRoot } from '../../src/pt/store.js';
import { WALK_AGAIN, WALK_CONTINUE, WALK_STOP, type Visitor, type Walker, type WalkState } from '../../src/walk/walker.js';
import { type TableStore } from '../../src/pt/store.js';

class Fields {
  readonly fmt: Format;
  readonly store: TableStore;
  readonly nlevels: number;
  readonly stride2: number;
  readonly entries: Int32Array;
  readonly ppe: Float64Array;
  readonly inv: Float64Array;
  readonly contEntries: Int32Array;
  readonly validLo: number;
  readonly validHi: number;
  readonly leafMaskLo: EntryCodec['leafMaskLo'];
  readonly leafValLo: EntryCodec['leafValLo'];
  readonly leafMaskHi: EntryCodec['leafMaskHi'];
  readonly leafValHi: EntryCodec['leafValHi'];
  readonly contLo: number;
  readonly contHi: number;
  readonly topPages: number;

  constructor(w: Walker) {
    const fmt = w.fmt;
    this.fmt = fmt;
    this.store = w.store;
    this.nlevels = fmt.nlevels;
    this.stride2 = fmt.maxEntries * 2;
    this.entries = fmt.entries;
    this.ppe = fmt.pagesPerEntry;
    this.inv = fmt.invPagesPerEntry;
    this.contEntries = fmt.contEntries;
    const c = fmt.codec;
    this.validLo = c.validLo;
    this.validHi = c.validHi;
    this.leafMaskLo = c.leafMaskLo;
    this.leafValLo = c.leafValLo;
    this.leafMaskHi = c.leafMaskHi;
    this.leafValHi = c.leafValHi;
    const cont = c.spec.attrs.CONT?.set;
    this.contLo = cont?.lo ?? 0;
    this.contHi = cont?.hi ?? 0;
    this.topPages = fmt.pagesPerEntry[fmt.nlevels - 1] * fmt.entries[fmt.nlevels - 1];
  }

  child(lo: number, hi: number): number {
    const s = this.store.slotOfPfn(this.fmt.codec.pfn(lo, hi));
    if (s < 0) throw new Error(`corrupt page table: entry points to pfn ${this.fmt.codec.pfn(lo, hi)}, which is not a table`);
    return s;
  }
}

/** walkTable of src/walk/walker.ts, verbatim. */
export class CopyWalker extends Fields {
  walk(root: PtRoot, start: number, end: number, v: Visitor): number {
    if (end > this.topPages) end = this.topPages;
    if (start >= end) return WALK_CONTINUE;
    return this.walkTable(root.rootSlot, this.nlevels - 1, 0, start, end, v);
  }

  private walkTable(slot: number, level: number, tableVpn: number, start: number, end: number, v: Visitor): number {
    if (v.tablePre(slot, level, tableVpn) === WALK_STOP) return WALK_STOP;
    const ppe = this.ppe[level];
    const inv = this.inv[level];
    let i = Math.floor((start - tableVpn) * inv);
    const iEnd = Math.min(this.entries[level], Math.ceil((end - tableVpn) * inv));
    const cont = this.contEntries[level];
    if (cont !== 0) i -= i % cont;
    let words = this.store.words;
    const base = slot * this.stride2;
    let holeStart = -1;
    let r = WALK_CONTINUE;
    for (; i < iEnd; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      const vpn = tableVpn + i * ppe;
      if (lo === 0 && hi === 0) {
        if (holeStart < 0) holeStart = vpn < start ? start : vpn;
        continue;
      }
      if (holeStart >= 0) {
        r = v.hole(holeStart, vpn - holeStart, level);
        holeStart = -1;
        if (r === WALK_STOP) break;
      }
      if (level > 0 && ((lo & this.validLo) !== 0 || (hi & this.validHi) !== 0) &&
        ((lo & this.leafMaskLo[level]) !== this.leafValLo[level] || (hi & this.leafMaskHi[level]) !== this.leafValHi[level])) {
        const cs = vpn < start ? start : vpn;
        const ce = vpn + ppe > end ? end : vpn + ppe;
        r = this.walkTable(this.child(lo, hi), level - 1, vpn, cs, ce, v);
        words = this.store.words;
        if (r === WALK_STOP) break;
        continue;
      }
      let n = ppe;
      let step = 0;
      if (cont !== 0 && ((lo & this.contLo) !== 0 || (hi & this.contHi) !== 0)) {
        n = ppe * cont;
        step = cont - 1;
      }
      r = v.leaf(vpn, n, level, lo, hi, slot, i);
      words = this.store.words;
      if (r === WALK_AGAIN) {
        i--;
        continue;
      }
      if (r === WALK_STOP) break;
      i += step;
    }
    if (r !== WALK_STOP && holeStart >= 0) {
      const holeEnd = tableVpn + iEnd * ppe;
      r = v.hole(holeStart, (holeEnd > end ? end : holeEnd) - holeStart, level);
    }
    v.tablePost(slot, level, tableVpn);
    return r;
  }
}

/** Returned by protoLeafTable() when the visitor wants the entries one by one. */
export const WALK_PER_ENTRY = -1;

/**
 * The proposed optional batch hook (Linux pmd_entry style): called once per
 * leaf-level table with the range of entries the walk covers; the visitor
 * reads them in its own loop, either with Walker.lo()/hi() or (read-only)
 * as words[base + 2 * i] / words[base + 2 * i + 1], or returns WALK_PER_ENTRY
 * to get leaf()/hole() calls as before.
 */
export interface BatchVisitor extends Visitor {
  protoLeafTable(slot: number, tableVpn: number, first: number, end: number, words: Uint32Array, base: number): number;
}

/** The proposed shape: upper levels in walkTable, level 0 in walkLeafTable (a tight loop). */
export class SplitWalker extends Fields {
  /** Whether visitors have the protoLeafTable() hook (the real change would put it in Visitor/BaseVisitor). */
  private readonly batch: boolean;

  constructor(w: Walker, batch = false) {
    super(w);
    this.batch = batch;
  }

  walk(root: PtRoot, start: number, end: number, v: Visitor): number {
    if (end > this.topPages) end = this.topPages;
    if (start >= end) return WALK_CONTINUE;
    return this.walkTable(root.rootSlot, this.nlevels - 1, 0, start, end, v);
  }

  private walkTable(slot: number, level: number, tableVpn: number, start: number, end: number, v: Visitor): number {
    if (v.tablePre(slot, level, tableVpn) === WALK_STOP) return WALK_STOP;
    const ppe = this.ppe[level];
    const inv = this.inv[level];
    let i = Math.floor((start - tableVpn) * inv);
    const iEnd = Math.min(this.entries[level], Math.ceil((end - tableVpn) * inv));
    const cont = this.contEntries[level];
    if (cont !== 0) i -= i % cont;
    const validLo = this.validLo;
    const validHi = this.validHi;
    const leafMaskLo = this.leafMaskLo[level];
    const leafValLo = this.leafValLo[level];
    const leafMaskHi = this.leafMaskHi[level];
    const leafValHi = this.leafValHi[level];
    const contLo = cont !== 0 ? this.contLo : 0;
    const contHi = cont !== 0 ? this.contHi : 0;
    let words = this.store.words;
    const base = slot * this.stride2;
    let holeStart = -1;
    let r = WALK_CONTINUE;
    for (; i < iEnd; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      const vpn = tableVpn + i * ppe;
      if ((lo | hi) === 0) {
        if (holeStart < 0) holeStart = vpn < start ? start : vpn;
        continue;
      }
      if (holeStart >= 0) {
        r = v.hole(holeStart, vpn - holeStart, level);
        holeStart = -1;
        if (r === WALK_STOP) break;
      }
      if (((lo & validLo) | (hi & validHi)) !== 0 && ((lo & leafMaskLo) !== leafValLo || (hi & leafMaskHi) !== leafValHi)) {
        const cs = vpn < start ? start : vpn;
        const ce = vpn + ppe > end ? end : vpn + ppe;
        const child = this.child(lo, hi);
        r = level === 1 ? this.walkLeafTable(child, vpn, cs, ce, v) : this.walkTable(child, level - 1, vpn, cs, ce, v);
        words = this.store.words;
        if (r === WALK_STOP) break;
        continue;
      }
      let n = ppe;
      let step = 0;
      if (((lo & contLo) | (hi & contHi)) !== 0) {
        n = ppe * cont;
        step = cont - 1;
      }
      r = v.leaf(vpn, n, level, lo, hi, slot, i);
      words = this.store.words;
      if (r === WALK_AGAIN) {
        i--;
        continue;
      }
      if (r === WALK_STOP) break;
      i += step;
    }
    if (r !== WALK_STOP && holeStart >= 0) {
      const holeEnd = tableVpn + iEnd * ppe;
      r = v.hole(holeStart, (holeEnd > end ? end : holeEnd) - holeStart, level);
    }
    v.tablePost(slot, level, tableVpn);
    return r;
  }

  /** Level 0: no tables below, one page per entry (pagesPerEntry[0] = 1). */
  private walkLeafTable(slot: number, tableVpn: number, start: number, end: number, v: Visitor): number {
    if (v.tablePre(slot, 0, tableVpn) === WALK_STOP) return WALK_STOP;
    if (this.batch) {
      const rb = (v as BatchVisitor).protoLeafTable(slot, tableVpn, start - tableVpn, Math.min(this.entries[0], end - tableVpn), this.store.words, slot * this.stride2);
      if (rb !== WALK_PER_ENTRY) {
        v.tablePost(slot, 0, tableVpn);
        return rb;
      }
    }
    const i0 = start - tableVpn;
    let i = i0;
    const iEnd = Math.min(this.entries[0], end - tableVpn);
    const cont = this.contEntries[0];
    if (cont !== 0) i -= i % cont;
    const contLo = cont !== 0 ? this.contLo : 0;
    const contHi = cont !== 0 ? this.contHi : 0;
    let words = this.store.words;
    const base = slot * this.stride2;
    let holeStart = -1;
    let r = WALK_CONTINUE;
    for (; i < iEnd; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      if ((lo | hi) === 0) {
        if (holeStart < 0) holeStart = i < i0 ? i0 : i;
        continue;
      }
      if (holeStart >= 0) {
        r = v.hole(tableVpn + holeStart, i - holeStart, 0);
        holeStart = -1;
        if (r === WALK_STOP) break;
      }
      if (((lo & contLo) | (hi & contHi)) === 0) {
        r = v.leaf(tableVpn + i, 1, 0, lo, hi, slot, i);
      } else {
        r = v.leaf(tableVpn + i, cont, 0, lo, hi, slot, i);
        if (r === WALK_CONTINUE) i += cont - 1;
      }
      if (r !== WALK_CONTINUE) {
        if (r === WALK_STOP) break;
        if (r === WALK_AGAIN) i--;
      }
      words = this.store.words;
    }
    if (r !== WALK_STOP && holeStart >= 0) r = v.hole(tableVpn + holeStart, iEnd - holeStart, 0);
    v.tablePost(slot, 0, tableVpn);
    return r;
  }
}

/**
 * Walker.seek with index arithmetic that avoids Float64Mod: `(vpn * inv) & (entries - 1)`
 * (vpn * inv is a non-negative double below 2^53; ToInt32 keeps its low 32 bits and
 * entries is a power of two), and the leaf's first vpn as `vpn - (vpn & (n - 1))`.
 */
export class SeekWalker extends Fields {
  private readonly idxMask: Int32Array;
  private readonly pfnShift: number;
  private readonly pfnHiMask: number;
  private readonly pfnHiMul: number;

  constructor(w: Walker) {
    super(w);
    this.idxMask = new Int32Array(this.nlevels);
    for (let l = 0; l < this.nlevels; l++) this.idxMask[l] = this.entries[l] - 1;
    const c = this.fmt.codec;
    this.pfnShift = c.pfnLoShift;
    this.pfnHiMask = c.pfnHiMask;
    this.pfnHiMul = c.pfnHiMul;
  }

  seek(root: PtRoot, vpn: number, st: WalkState, stopLevel = 0): number {
    // Everything the loop reads, loaded once: TurboFan does not hoist these
    // loads out of the loop, and the typed-array stores into the chain make
    // it reload them every level.
    const words = this.store.words;
    const map = this.store.slotOfPfnPlus1;
    const slots = st.slots;
    const indices = st.indices;
    const inv = this.inv;
    const idxMask = this.idxMask;
    const leafMaskLo = this.leafMaskLo;
    const leafValLo = this.leafValLo;
    const leafMaskHi = this.leafMaskHi;
    const leafValHi = this.leafValHi;
    const stride2 = this.stride2;
    const validLo = this.validLo;
    const validHi = this.validHi;
    const pfnShift = this.pfnShift;
    const pfnHiMask = this.pfnHiMask;
    const pfnHiMul = this.pfnHiMul;
    let slot = root.rootSlot;
    let level = this.nlevels - 1;
    for (;;) {
      let index = (vpn * inv[level]) & idxMask[level];
      let off = slot * stride2 + 2 * index;
      let lo = words[off];
      let hi = words[off + 1];
      slots[level] = slot;
      indices[level] = index;
      const valid = ((lo & validLo) | (hi & validHi)) !== 0;
      const table = valid && level > 0 && ((lo & leafMaskLo[level]) !== leafValLo[level] || (hi & leafMaskHi[level]) !== leafValHi[level]);
      if (table && level > stopLevel) {
        // A valid table pointer: its pfn is never inverted.
        const pfn = (lo >>> pfnShift) + (hi & pfnHiMask) * pfnHiMul;
        const s1 = pfn < map.length ? map[pfn] : 0;
        if (s1 === 0) throw new Error(`corrupt page table: entry points to pfn ${pfn}, which is not a table`);
        slot = s1 - 1;
        level--;
        continue;
      }
      let n = this.ppe[level];
      const cont = this.contEntries[level];
      if (cont !== 0 && ((lo & this.contLo) | (hi & this.contHi)) !== 0) {
        index -= index & (cont - 1);
        off = slot * stride2 + 2 * index;
        lo = words[off];
        hi = words[off + 1];
        n *= cont;
      }
      st.level = level;
      st.slot = slot;
      st.index = index;
      st.lo = lo;
      st.hi = hi;
      st.vpn = n <= 2147483648 ? vpn - (vpn & (n - 1)) : vpn - (vpn % n);
      st.npages = n;
      st.kind = table ? Kind.TABLE : valid ? Kind.LEAF : this.fmt.codec.kind(lo, hi, level);
      return st.kind;
    }
  }
}

/**
 * SeekWalker plus an unrolled path for 4-level formats (x86_64, arm64-4k) and
 * stopLevel 0: per-level constants in scalar fields, one step per level, no
 * loop-carried level; falls back to SeekWalker.seek for everything else.
 */
export class Seek4Walker extends SeekWalker {
  private readonly four: boolean;
  private readonly inv3: number;
  private readonly inv2: number;
  private readonly inv1: number;
  private readonly m3: number;
  private readonly m2: number;
  private readonly m1: number;
  private readonly m0: number;
  private readonly lml2: number;
  private readonly lvl2: number;
  private readonly lmh2: number;
  private readonly lvh2: number;
  private readonly lml1: number;
  private readonly lvl1: number;
  private readonly lmh1: number;
  private readonly lvh1: number;
  private readonly lml3: number;
  private readonly lvl3: number;
  private readonly lmh3: number;
  private readonly lvh3: number;
  private readonly ps: number;
  private readonly phm: number;
  private readonly phx: number;
  private readonly hasCont: boolean;

  constructor(w: Walker) {
    super(w);
    this.four = this.nlevels === 4;
    const l = (a: ArrayLike<number>, i: number): number => (i < a.length ? a[i] : 0);
    this.inv3 = l(this.inv, 3);
    this.inv2 = l(this.inv, 2);
    this.inv1 = l(this.inv, 1);
    this.m3 = l(this.entries, 3) - 1;
    this.m2 = l(this.entries, 2) - 1;
    this.m1 = l(this.entries, 1) - 1;
    this.m0 = l(this.entries, 0) - 1;
    this.lml3 = l(this.leafMaskLo, 3);
    this.lvl3 = l(this.leafValLo, 3);
    this.lmh3 = l(this.leafMaskHi, 3);
    this.lvh3 = l(this.leafValHi, 3);
    this.lml2 = l(this.leafMaskLo, 2);
    this.lvl2 = l(this.leafValLo, 2);
    this.lmh2 = l(this.leafMaskHi, 2);
    this.lvh2 = l(this.leafValHi, 2);
    this.lml1 = l(this.leafMaskLo, 1);
    this.lvl1 = l(this.leafValLo, 1);
    this.lmh1 = l(this.leafMaskHi, 1);
    this.lvh1 = l(this.leafValHi, 1);
    const c = this.fmt.codec;
    this.ps = c.pfnLoShift;
    this.phm = c.pfnHiMask;
    this.phx = c.pfnHiMul;
    this.hasCont = (this.contLo | this.contHi) !== 0;
  }

  override seek(root: PtRoot, vpn: number, st: WalkState, stopLevel = 0): number {
    if (!this.four || stopLevel !== 0 || this.hasCont) return super.seek(root, vpn, st, stopLevel);
    const words = this.store.words;
    const map = this.store.slotOfPfnPlus1;
    const slots = st.slots;
    const indices = st.indices;
    const stride2 = this.stride2;
    const vl = this.validLo;
    const vh = this.validHi;
    let slot = root.rootSlot;
    let index = (vpn * this.inv3) & this.m3;
    let off = slot * stride2 + 2 * index;
    let lo = words[off];
    let hi = words[off + 1];
    slots[3] = slot;
    indices[3] = index;
    let level = 3;
    if (((lo & vl) | (hi & vh)) !== 0 && ((lo & this.lml3) !== this.lvl3 || (hi & this.lmh3) !== this.lvh3)) {
      slot = map[(lo >>> this.ps) + (hi & this.phm) * this.phx] - 1;
      index = (vpn * this.inv2) & this.m2;
      off = slot * stride2 + 2 * index;
      lo = words[off];
      hi = words[off + 1];
      slots[2] = slot;
      indices[2] = index;
      level = 2;
      if (((lo & vl) | (hi & vh)) !== 0 && ((lo & this.lml2) !== this.lvl2 || (hi & this.lmh2) !== this.lvh2)) {
        slot = map[(lo >>> this.ps) + (hi & this.phm) * this.phx] - 1;
        index = (vpn * this.inv1) & this.m1;
        off = slot * stride2 + 2 * index;
        lo = words[off];
        hi = words[off + 1];
        slots[1] = slot;
        indices[1] = index;
        level = 1;
        if (((lo & vl) | (hi & vh)) !== 0 && ((lo & this.lml1) !== this.lvl1 || (hi & this.lmh1) !== this.lvh1)) {
          slot = map[(lo >>> this.ps) + (hi & this.phm) * this.phx] - 1;
          index = vpn & this.m0;
          off = slot * stride2 + 2 * index;
          lo = words[off];
          hi = words[off + 1];
          slots[0] = slot;
          indices[0] = index;
          level = 0;
        }
      }
    }
    // (A corrupt pointer gives slot -1 and reads undefined -> 0 entries; the real patch would check s1 === 0 and throw.)
    const n = this.ppe[level];
    st.level = level;
    st.slot = slot;
    st.index = index;
    st.lo = lo;
    st.hi = hi;
    st.vpn = vpn - (vpn & (n - 1));
    st.npages = n;
    st.kind = ((lo & vl) | (hi & vh)) !== 0 ? Kind.LEAF : this.fmt.codec.kind(lo, hi, level);
    return st.kind;
  }
}

/** INVESTIGATION: Seek4Walker without the chain and slot/index/npages stores (what the WalkState API costs). */
export class Seek4LiteWalker extends SeekWalker {
  private readonly four: boolean;
  private readonly inv3: number;
  private readonly inv2: number;
  private readonly inv1: number;
  private readonly m3: number;
  private readonly m2: number;
  private readonly m1: number;
  private readonly m0: number;
  private readonly lml2: number;
  private readonly lvl2: number;
  private readonly lmh2: number;
  private readonly lvh2: number;
  private readonly lml1: number;
  private readonly lvl1: number;
  private readonly lmh1: number;
  private readonly lvh1: number;
  private readonly lml3: number;
  private readonly lvl3: number;
  private readonly lmh3: number;
  private readonly lvh3: number;
  private readonly ps: number;
  private readonly phm: number;
  private readonly phx: number;
  private readonly hasCont: boolean;

  constructor(w: Walker) {
    super(w);
    this.four = this.nlevels === 4;
    const l = (a: ArrayLike<number>, i: number): number => (i < a.length ? a[i] : 0);
    this.inv3 = l(this.inv, 3);
    this.inv2 = l(this.inv, 2);
    this.inv1 = l(this.inv, 1);
    this.m3 = l(this.entries, 3) - 1;
    this.m2 = l(this.entries, 2) - 1;
    this.m1 = l(this.entries, 1) - 1;
    this.m0 = l(this.entries, 0) - 1;
    this.lml3 = l(this.leafMaskLo, 3);
    this.lvl3 = l(this.leafValLo, 3);
    this.lmh3 = l(this.leafMaskHi, 3);
    this.lvh3 = l(this.leafValHi, 3);
    this.lml2 = l(this.leafMaskLo, 2);
    this.lvl2 = l(this.leafValLo, 2);
    this.lmh2 = l(this.leafMaskHi, 2);
    this.lvh2 = l(this.leafValHi, 2);
    this.lml1 = l(this.leafMaskLo, 1);
    this.lvl1 = l(this.leafValLo, 1);
    this.lmh1 = l(this.leafMaskHi, 1);
    this.lvh1 = l(this.leafValHi, 1);
    const c = this.fmt.codec;
    this.ps = c.pfnLoShift;
    this.phm = c.pfnHiMask;
    this.phx = c.pfnHiMul;
    this.hasCont = (this.contLo | this.contHi) !== 0;
  }

  override seek(root: PtRoot, vpn: number, st: WalkState, stopLevel = 0): number {
    if (!this.four || stopLevel !== 0 || this.hasCont) return super.seek(root, vpn, st, stopLevel);
    const words = this.store.words;
    const map = this.store.slotOfPfnPlus1;
    const stride2 = this.stride2;
    const vl = this.validLo;
    const vh = this.validHi;
    let slot = root.rootSlot;
    let index = (vpn * this.inv3) & this.m3;
    let off = slot * stride2 + 2 * index;
    let lo = words[off];
    let hi = words[off + 1];
    let level = 3;
    if (((lo & vl) | (hi & vh)) !== 0 && ((lo & this.lml3) !== this.lvl3 || (hi & this.lmh3) !== this.lvh3)) {
      slot = map[(lo >>> this.ps) + (hi & this.phm) * this.phx] - 1;
      index = (vpn * this.inv2) & this.m2;
      off = slot * stride2 + 2 * index;
      lo = words[off];
      hi = words[off + 1];
      level = 2;
      if (((lo & vl) | (hi & vh)) !== 0 && ((lo & this.lml2) !== this.lvl2 || (hi & this.lmh2) !== this.lvh2)) {
        slot = map[(lo >>> this.ps) + (hi & this.phm) * this.phx] - 1;
        index = (vpn * this.inv1) & this.m1;
        off = slot * stride2 + 2 * index;
        lo = words[off];
        hi = words[off + 1];
        level = 1;
        if (((lo & vl) | (hi & vh)) !== 0 && ((lo & this.lml1) !== this.lvl1 || (hi & this.lmh1) !== this.lvh1)) {
          slot = map[(lo >>> this.ps) + (hi & this.phm) * this.phx] - 1;
          index = vpn & this.m0;
          off = slot * stride2 + 2 * index;
          lo = words[off];
          hi = words[off + 1];
          level = 0;
        }
      }
    }
    // (A corrupt pointer gives slot -1 and reads undefined -> 0 entries; the real patch would check s1 === 0 and throw.)
    const n = this.ppe[level];
    st.level = level;
    st.lo = lo;
    st.hi = hi;
    st.vpn = vpn - (vpn & (n - 1));
    st.kind = ((lo & vl) | (hi & vh)) !== 0 ? Kind.LEAF : this.fmt.codec.kind(lo, hi, level);
    return st.kind;
  }
}
