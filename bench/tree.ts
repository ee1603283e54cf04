// Benchmark trees, built through the real walker (Walker.seek with an
// allocating observer, then Walker.set for every entry), so every variant
// reads page tables exactly as the simulator lays them out.
//
// Tree A ("full"): `pages` base pages mapped by base-page leaves. Per entry:
// 90% present leaf (random pfn below 2^28, random flags), 5% non-present
// swap-format entry, 5% none. 2^18 pages = 1 GiB with 4K pages.
// Tree B ("mixed"): `pages` base pages (2^24 = 64 GiB with 4K pages) cut in
// units of one level-2 entry (1G on 4K formats). A unit whose index is a
// multiple of 3 is one level-2 leaf where the format allows it; every other
// unit gets a PMD table whose entries are 5% none, 47.5% PMD-level leaves
// (2M on 4K formats) and 47.5% PTE tables filled like tree A. On a 2-level
// format (ppc-8xx) the unit is one top-level entry, and where level 1 holds
// no leaves its "leaf" entries get PTE tables too.
// Groups ("cont"): a region of one level whose entries are all present
// leaves, either as contiguous groups (codec.leaf(pfn, attrs | CONT, level)
// for each entry of a group, consecutive pfns aligned to the group) or, over
// the same pfns and attributes, as plain leaves.
//
// Every tree stays inside the format's user address space (userPages).
//
// While building, the builder adds up the checksum it expects every walker
// to compute, so the variants are checked against the truth, not only
// against each other.
import { Attr, Kind, type Format } from '../src/arch/index.js';
import { PhysMem } from '../src/mem/phys.js';
import { PtRoot } from '../src/pt/store.js';
import { Walker, WalkState, type EntryObserver } from '../src/walk/walker.js';
import { Sum } from './sum.js';

/** The PRNG of ts-walk-perf.md (mulberry32), as a class (no closure state). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

class NullObserver implements EntryObserver {
  entryChanged(): void {}
  tableChanged(): void {}
}

/** Leaf pfns stay below 2^28: they use the entry's high word on every format, and sums over millions of leaves stay exact doubles. */
export const PFN_LIMIT = 2 ** 28;

/** The pfn bound for `fmt`: PFN_LIMIT, or less where the pfn field is narrower (ppc-8xx: 20 bits). */
export function pfnLimit(fmt: Format): number {
  return Math.min(PFN_LIMIT, 2 ** fmt.codec.spec.pfnBits);
}

/** Optional attributes drawn at random (each with probability 1/2) when the format supports them. */
const RANDOM_ATTRS = [Attr.WRITE, Attr.USER, Attr.YOUNG, Attr.DIRTY, Attr.NX, Attr.SPECIAL, Attr.SOFT_DIRTY, Attr.GLOBAL];

export interface Tree {
  readonly fmt: Format;
  readonly walker: Walker;
  readonly root: PtRoot;
  /** First vpn and number of base pages the builder populated. */
  readonly startVpn: number;
  readonly pages: number;
  /** What every full walk must compute. */
  readonly expected: Sum;
  /** Page tables in the tree (root included). */
  readonly tables: number;
  /** Tree A only: per page, the leaf pfn (or -1 when not present) and writability, to check lookups. */
  readonly pagePfn: Float64Array | null;
  readonly pageWritable: Uint8Array | null;
}

class Builder {
  readonly fmt: Format;
  readonly walker: Walker;
  readonly root: PtRoot;
  readonly st: WalkState;
  readonly obs = new NullObserver();
  readonly rng: Rng;
  readonly expected = new Sum();
  private readonly attrs: number[];
  private readonly pfnLimit: number;
  private readonly swapOffsetLimit: number;
  /** Whether the last leaf written was writable. */
  lastWritable = 0;

  constructor(fmt: Format, seed: number) {
    this.fmt = fmt;
    this.walker = new Walker(fmt, new PhysMem());
    this.root = new PtRoot(-1, fmt.nlevels);
    this.walker.newRoot(this.root);
    this.st = new WalkState(fmt.nlevels);
    this.rng = new Rng(seed);
    this.attrs = RANDOM_ATTRS.filter((a) => fmt.codec.supports(a));
    this.pfnLimit = pfnLimit(fmt);
    this.swapOffsetLimit = Math.min(1 << 24, 2 ** fmt.codec.spec.swap.offsetBits - 1);
  }

  randomAttrs(): number {
    let a = Attr.VALID;
    for (const x of this.attrs) if (this.rng.next() < 0.5) a |= x;
    return a;
  }

  /** Write a present leaf at `level` for `vpn` with a random pfn aligned to the leaf size; returns the pfn. */
  leaf(slot: number, index: number, level: number, vpn: number): number {
    const span = this.fmt.pagesPerEntry[level];
    const pfn = (1 + this.rng.int(this.pfnLimit / span - 1)) * span;
    const attrs = this.randomAttrs();
    const e = this.fmt.codec.leaf(pfn, attrs, level);
    this.walker.set(this.root, this.obs, slot, index, level, vpn, e.lo, e.hi);
    const x = this.expected;
    x.n++;
    x.s += pfn;
    x.v += vpn;
    this.lastWritable = (attrs & Attr.WRITE) !== 0 ? 1 : 0;
    x.w += this.lastWritable;
    return pfn;
  }

  /** Fill the base-page table that maps [vpn, vpn + entries[0]); records each page's pfn when asked. */
  fillPteTable(vpn: number, pagePfn: Float64Array | null, pageWritable: Uint8Array | null, pageBase: number): void {
    const w = this.walker;
    w.seek(this.root, vpn, this.st, 0, this.obs);
    if (this.st.level !== 0) throw new Error('builder: expected a PTE table');
    const slot = this.st.slot;
    const n = this.fmt.entries[0];
    for (let i = 0; i < n; i++) {
      const r = this.rng.next();
      const p = vpn + i;
      let pfn = -1;
      let writable = 0;
      if (r < 0.9) {
        pfn = this.leaf(slot, i, 0, p);
        writable = this.lastWritable;
      } else if (r < 0.95) {
        const e = this.fmt.codec.swap(1 + this.rng.int(8), 1 + this.rng.int(this.swapOffsetLimit), this.rng.int(8));
        w.set(this.root, this.obs, slot, i, 0, p, e.lo, e.hi);
      }
      if (pagePfn !== null && pageWritable !== null) {
        pagePfn[p - pageBase] = pfn;
        pageWritable[p - pageBase] = writable;
      }
    }
  }

  tree(startVpn: number, pages: number, pagePfn: Float64Array | null, pageWritable: Uint8Array | null): Tree {
    let tables = 0;
    for (let l = 0; l < this.fmt.nlevels; l++) tables += this.root.tables[l];
    return { fmt: this.fmt, walker: this.walker, root: this.root, startVpn, pages, expected: this.expected, tables, pagePfn, pageWritable };
  }
}

/**
 * Where tree A starts: inside the second entry of level 3 (4-level formats),
 * two level-2 entries in, and half the PTE tables before a level-2 boundary,
 * so the walk crosses table boundaries at every level.
 */
function fullStart(fmt: Format, pages: number): number {
  const ppe = fmt.pagesPerEntry;
  const ptes = Math.ceil(pages / fmt.entries[0]);
  const before = Math.min(fmt.entries[1] - 1, Math.max(1, ptes >> 1));
  const start = (fmt.nlevels >= 4 ? ppe[3] : 0) + (fmt.nlevels >= 3 ? 2 * ppe[2] : 0) + (fmt.entries[1] - before) * ppe[1];
  if (start + pages <= fmt.userPages) return start;
  // A small user space (ppc-8xx: 2 GiB): the highest whole-PTE-table start that fits.
  const e0 = fmt.entries[0];
  const fit = Math.floor((fmt.userPages - pages) / e0) * e0;
  if (fit < 0) throw new Error(`builder: ${pages} pages do not fit in ${fmt.name}'s user space`);
  return fit;
}

/** Tree A: `pages` (rounded up to whole PTE tables) base-page leaves. */
export function buildFull(fmt: Format, pages: number, seed = 1): Tree {
  const b = new Builder(fmt, seed);
  const e0 = fmt.entries[0];
  const n = Math.ceil(pages / e0) * e0;
  const start = fullStart(fmt, n);
  const pagePfn = new Float64Array(n);
  const pageWritable = new Uint8Array(n);
  for (let vpn = start; vpn < start + n; vpn += e0) b.fillPteTable(vpn, pagePfn, pageWritable, start);
  return b.tree(start, n, pagePfn, pageWritable);
}

/** Tree B: `pages` base pages from vpn 0 (at most the user space), a mix of level-2, level-1 and base-page leaves. */
export function buildMixed(fmt: Format, pages: number, seed = 2): Tree {
  const b = new Builder(fmt, seed);
  const ppe = fmt.pagesPerEntry;
  const unitLevel = Math.min(2, fmt.nlevels - 1);
  const unit = ppe[unitLevel];
  const pmdSpan = ppe[1];
  const n = Math.min(Math.ceil(pages / pmdSpan), Math.floor(fmt.userPages / pmdSpan)) * pmdSpan;
  const bigLeaves = unitLevel === 2 && fmt.leafAllowed[2] === 1;
  const pmdLeaves = fmt.leafAllowed[1] === 1;
  for (let u = 0; u * unit < n; u++) {
    const uStart = u * unit;
    if (bigLeaves && u % 3 === 0 && uStart + unit <= n) {
      b.walker.seek(b.root, uStart, b.st, 2, b.obs);
      if (b.st.level !== 2 || b.st.kind !== Kind.NONE) throw new Error('builder: expected an empty level-2 entry');
      b.leaf(b.st.slot, b.st.index, 2, uStart);
      continue;
    }
    const uEnd = Math.min(uStart + unit, n);
    for (let vpn = uStart; vpn < uEnd; vpn += pmdSpan) {
      const r = b.rng.next();
      if (r < 0.05) continue;
      if (r < 0.525 && pmdLeaves) {
        b.walker.seek(b.root, vpn, b.st, 1, b.obs);
        if (b.st.level !== 1 || b.st.kind !== Kind.NONE) throw new Error('builder: expected an empty level-1 entry');
        b.leaf(b.st.slot, b.st.index, 1, vpn);
      } else {
        b.fillPteTable(vpn, null, null, 0);
      }
    }
  }
  return b.tree(0, n, null, null);
}

/** `count` random vpns inside tree A's populated range (uniform base pages). */
export function makeLookups(tree: Tree, count: number, seed = 3): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = tree.startVpn + rng.int(tree.pages);
  return out;
}

/** The checksum every lookup variant must produce over tree A (pfn + offset in the leaf; offset 0 for base pages). */
export function expectedLookups(tree: Tree, vpns: Float64Array): Sum {
  const pagePfn = tree.pagePfn;
  const pageWritable = tree.pageWritable;
  if (pagePfn === null || pageWritable === null) throw new Error('lookups need tree A');
  const x = new Sum();
  for (let k = 0; k < vpns.length; k++) {
    const p = vpns[k] - tree.startVpn;
    if (pagePfn[p] < 0) continue;
    x.n++;
    x.s += pagePfn[p];
    x.v += vpns[k];
    x.w += pageWritable[p];
  }
  return x;
}

/** A region of one level mapped entirely by present leaves: contiguous groups or plain leaves. */
export interface GroupTree extends Tree {
  /** Level of the leaves, entries per group, and whether the CONT bit was set. */
  readonly level: number;
  readonly cont: number;
  readonly grouped: boolean;
  /** Groups in the region (each `cont` entries) and entries written. */
  readonly groups: number;
  readonly leafEntries: number;
  /** Bytes the region maps. */
  readonly bytes: number;
}

/**
 * A region of `entries` (rounded up to whole groups) present leaves at
 * `level`, `cont` entries per group: consecutive pfns aligned to the group,
 * one random attribute set per group, `groupAttrs` (Attr.CONT, or what the
 * level's ContSpec names for a second size) on every entry when `grouped`. The same seed gives the same pfns and attributes either way, so
 * a grouped and a plain tree map exactly the same memory. `expected` is what
 * a per-leaf walk computes: per group when grouped (the walker reports a group
 * as one leaf from its first entry), per entry otherwise.
 */
export function buildGroups(fmt: Format, level: number, cont: number, entries: number, grouped: boolean, seed = 4, groupAttrs: number = Attr.CONT): GroupTree {
  if (fmt.leafAllowed[level] !== 1) throw new Error(`builder: ${fmt.name} has no leaves at level ${level}`);
  if (grouped && !fmt.codec.supports(groupAttrs)) throw new Error(`builder: ${fmt.name} cannot encode the group attributes ${groupAttrs}`);
  const b = new Builder(fmt, seed);
  const ppe = fmt.pagesPerEntry[level];
  const perTable = fmt.entries[level];
  const n = Math.ceil(entries / cont) * cont;
  // One whole table span in where that fits, so the region starts in a table of its own.
  const span = level + 1 < fmt.nlevels ? fmt.pagesPerEntry[level + 1] : 0;
  if (n * ppe > fmt.userPages) throw new Error(`builder: ${n} level-${level} entries do not fit in ${fmt.name}'s user space`);
  const start = span + n * ppe <= fmt.userPages ? span : 0;
  const groupPages = cont * ppe;
  const limit = pfnLimit(fmt);
  const codec = fmt.codec;
  const x = b.expected;
  let slot = -1;
  for (let k = 0; k < n; k += cont) {
    const vpn = start + k * ppe;
    const pfn = (1 + b.rng.int(limit / groupPages - 1)) * groupPages;
    const attrs = b.randomAttrs();
    const writable = (attrs & Attr.WRITE) !== 0 ? 1 : 0;
    for (let j = 0; j < cont; j++) {
      const ev = vpn + j * ppe;
      const index = (k + j + Math.round(start / ppe)) % perTable;
      if (slot < 0 || index === 0) {
        b.walker.seek(b.root, ev, b.st, level, b.obs);
        if (b.st.level !== level || b.st.kind !== Kind.NONE) throw new Error(`builder: expected an empty level-${level} entry`);
        slot = b.st.slot;
      }
      const e = codec.leaf(pfn + j * ppe, grouped ? attrs | groupAttrs : attrs, level);
      b.walker.set(b.root, b.obs, slot, index, level, ev, e.lo, e.hi);
      if (!grouped) {
        x.n++;
        x.s += pfn + j * ppe;
        x.v += ev;
        x.w += writable;
      }
    }
    if (grouped) {
      x.n++;
      x.s += pfn;
      x.v += vpn;
      x.w += writable;
    }
  }
  const t = b.tree(start, n * ppe, null, null);
  return { ...t, level, cont, grouped, groups: n / cont, leafEntries: n, bytes: n * ppe * fmt.pageSize };
}
