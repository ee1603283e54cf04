// The three workloads and their variants, shared by bench/run.ts and
// test/bench-smoke.test.ts; and, for --all-formats, the same three workloads
// with one variant per registered format plus the contiguous-group workloads.
import { Attr, formatNames, getFormat, type Format } from '../src/arch/index.js';
import { CBaseline, type CCommand } from './cbaseline.js';
import { GenericLeafWalk, GenericLookups, GenericWalk } from './generic.js';
import { pollute } from './poly.js';
import { SpecialisedLookups, SpecialisedWalk } from './specialised.js';
import { Sum } from './sum.js';
import { buildFull, buildGroups, buildMixed, expectedLookups, makeLookups, type GroupTree, type Tree } from './tree.js';

export type VariantName = 'generic' | 'specialised' | 'c' | (string & {});

/** Something that runs one workload once and returns its checksum. */
export interface Runner {
  run(): Sum;
}

/** One variant of one workload: `sample(reps)` runs it `reps` times and returns ms per call. */
export interface Variant {
  readonly name: VariantName;
  /** Checksum of the last call. */
  readonly last: Sum;
  /**
   * The variant's own checksum and item count, when the variants of one
   * workload walk different trees (--all-formats: one variant per format);
   * otherwise the workload's apply.
   */
  readonly expected?: Sum;
  readonly items?: number;
  sample(reps: number): Promise<number>;
}

/** A TypeScript variant, timed in this process. */
export class TsVariant implements Variant {
  readonly name: VariantName;
  readonly last = new Sum();
  readonly expected?: Sum;
  readonly items?: number;
  private readonly runner: Runner;

  constructor(name: VariantName, runner: Runner, own?: { expected: Sum; items: number }) {
    this.name = name;
    this.runner = runner;
    if (own) {
      this.expected = own.expected;
      this.items = own.items;
    }
  }

  sample(reps: number): Promise<number> {
    const r = this.runner;
    let out: Sum | null = null;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) out = r.run();
    const ms = (performance.now() - t0) / reps;
    if (out !== null) this.last.copyFrom(out);
    return Promise.resolve(ms);
  }
}

/** The C variant: timed inside the C process (clock_gettime), one command per sample. */
export class CVariant implements Variant {
  readonly name: VariantName = 'c';
  readonly last = new Sum();
  private readonly c: CBaseline;
  private readonly cmd: CCommand;

  constructor(c: CBaseline, cmd: CCommand) {
    this.c = c;
    this.cmd = cmd;
  }

  async sample(reps: number): Promise<number> {
    const r = await this.c.run(this.cmd, reps);
    this.last.copyFrom(r.sum);
    return r.ms;
  }
}

export interface Workload {
  /** e.g. full-4k-1g, mixed-64g, seek-1m. */
  readonly name: string;
  readonly description: string;
  /** What `items` counts: present leaves (walks) or lookups. */
  readonly unit: 'leaves' | 'lookups';
  readonly items: number;
  /** Entries read by a full walk: every entry of every table (walks only, else 0). */
  readonly entries: number;
  readonly expected: Sum;
  readonly variants: Variant[];
}

export interface Sizes {
  /** Tree A: base pages (2^18 = 1 GiB of 4K). */
  readonly fullPages: number;
  /** Tree B: base pages (2^24 = 64 GiB of 4K). */
  readonly mixedPages: number;
  /** Random lookups over tree A. */
  readonly lookups: number;
}

export const FULL_SIZES: Sizes = { fullPages: 2 ** 18, mixedPages: 2 ** 24, lookups: 1_000_000 };
export const QUICK_SIZES: Sizes = { fullPages: 2 ** 15, mixedPages: 2 ** 21, lookups: 100_000 };
/** For the smoke test: still one PUD leaf, PMD leaves and PTE tables in tree B. */
export const TINY_SIZES: Sizes = { fullPages: 2 ** 12, mixedPages: 2 ** 18 + 2 ** 14, lookups: 5_000 };

/**
 * The sizes scaled to a format's geometry. The page counts above are for
 * 512-entry tables; a format with smaller tables gets the same number of
 * tables, not of pages: tree A has at most fullPages/512 PTE tables, tree B
 * at most mixedPages/512 level-1 entries (ppc64-radix-64k's 32-entry PTE
 * tables would otherwise make 8192 tables of A and ~170,000 of B, each in a
 * 64 KiB TableStore slot). Tree B also stays inside the user space
 * (buildMixed). x86-64, arm64 and riscv keep the sizes above unchanged.
 */
export function scaledSizes(fmt: Format, sizes: Sizes): Sizes {
  const fullPages = Math.min(sizes.fullPages, (sizes.fullPages / 512) * fmt.entries[0]);
  const mixedPages = Math.min(sizes.mixedPages, Math.ceil(sizes.mixedPages / 512) * fmt.pagesPerEntry[1]);
  return { ...sizes, fullPages, mixedPages };
}

export interface Setup {
  readonly fmt: Format;
  readonly treeA: Tree;
  readonly treeB: Tree;
  readonly vpns: Float64Array;
  readonly workloads: Workload[];
  /** The running C baseline, or null. */
  readonly c: CBaseline | null;
  /** Why the C rows are skipped (null when C runs or the arch is not x86_64). */
  readonly cSkipped: string | null;
  /** Whether the specialised and C baselines apply (x86_64 only). */
  readonly baselines: boolean;
  readonly buildMs: number;
}

/** "1g", "64g", "128m", "4k" for a byte count. */
export function sizeLabel(bytes: number): string {
  const units: [number, string][] = [[2 ** 40, 't'], [2 ** 30, 'g'], [2 ** 20, 'm'], [2 ** 10, 'k']];
  for (const [u, s] of units) if (bytes >= u && bytes % u === 0) return `${bytes / u}${s}`;
  return `${bytes}b`;
}

function countLabel(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}m`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

function tableEntries(tree: Tree): number {
  const f = tree.fmt;
  let e = 0;
  for (let l = 0; l < f.nlevels; l++) e += tree.root.tables[l] * f.entries[l];
  return e;
}

/**
 * Build the trees and the variants. The specialised TS walker and the C
 * baseline only exist for x86_64; `withC: false` leaves C out. `poly` > 0
 * first walks both trees with that many other visitor classes (see poly.ts).
 */
export function setup(arch: string, sizes: Sizes, withC: boolean, poly = 0): Setup {
  const fmt = getFormat(arch);
  const t0 = performance.now();
  const sz = scaledSizes(fmt, sizes);
  const treeA = buildFull(fmt, sz.fullPages);
  const treeB = buildMixed(fmt, sz.mixedPages);
  const vpns = makeLookups(treeA, sizes.lookups);
  const buildMs = performance.now() - t0;
  if (poly > 0) {
    pollute(treeA.walker, treeA.root, 0, treeA.walker.topPages, poly);
    pollute(treeB.walker, treeB.root, 0, treeB.walker.topPages, poly);
  }
  const baselines = arch === 'x86_64';
  let c: CBaseline | null = null;
  let cSkipped: string | null = null;
  if (baselines && withC) {
    const r = CBaseline.start(treeA, treeB, vpns);
    if (typeof r === 'string') cSkipped = r;
    else c = r;
  } else if (baselines) {
    cSkipped = 'disabled (--no-c)';
  }
  const page = sizeLabel(fmt.pageSize);
  const wA: Workload = {
    name: `full-${page}-${sizeLabel(treeA.pages * fmt.pageSize)}`,
    description: `full walk, ${sizeLabel(treeA.pages * fmt.pageSize)} of ${page} pages (90% present, 5% swap, 5% none)`,
    unit: 'leaves',
    items: treeA.expected.n,
    entries: tableEntries(treeA),
    expected: treeA.expected,
    variants: [new TsVariant('generic', new GenericWalk(treeA.walker, treeA.root))],
  };
  const wB: Workload = {
    name: `mixed-${sizeLabel(treeB.pages * fmt.pageSize)}`,
    description: `full walk, ${sizeLabel(treeB.pages * fmt.pageSize)} mixed ${sizeLabel(fmt.leafSize(2))}/${sizeLabel(fmt.leafSize(1))}/${page} leaves with holes`,
    unit: 'leaves',
    items: treeB.expected.n,
    entries: tableEntries(treeB),
    expected: treeB.expected,
    variants: [new TsVariant('generic', new GenericWalk(treeB.walker, treeB.root))],
  };
  const wL: Workload = {
    name: `seek-${countLabel(sizes.lookups)}`,
    description: `${sizes.lookups} random lookups over the ${wA.name} tree`,
    unit: 'lookups',
    items: sizes.lookups,
    entries: 0,
    expected: expectedLookups(treeA, vpns),
    variants: [new TsVariant('generic', new GenericLookups(treeA.walker, treeA.root, vpns))],
  };
  if (baselines) {
    wA.variants.push(new TsVariant('specialised', new SpecialisedWalk(treeA.walker.store, treeA.root.rootSlot)));
    wB.variants.push(new TsVariant('specialised', new SpecialisedWalk(treeB.walker.store, treeB.root.rootSlot)));
    wL.variants.push(new TsVariant('specialised', new SpecialisedLookups(treeA.walker.store, treeA.root.rootSlot, vpns)));
    if (c !== null) {
      wA.variants.push(new CVariant(c, 'A'));
      wB.variants.push(new CVariant(c, 'B'));
      wL.variants.push(new CVariant(c, 'L'));
    }
  }
  return { fmt, treeA, treeB, vpns, workloads: [wA, wB, wL], c, cSkipped, baselines, buildMs };
}

/** Run every variant once and compare its checksum with the builder's; throws on a mismatch. */
export async function verify(w: Workload): Promise<void> {
  for (const v of w.variants) {
    await v.sample(1);
    checkSum(w, v);
  }
}

export function checkSum(w: Workload, v: Variant): void {
  const x = v.expected ?? w.expected;
  if (!v.last.equals(x)) {
    throw new Error(`checksum mismatch in ${w.name}: ${v.name} computed ${v.last.toString()}, expected ${x.toString()}`);
  }
}

// ------------------------------------------------------------ --all-formats

/** One format's trees in the all-formats run. */
export interface FormatSetup {
  readonly fmt: Format;
  readonly treeA: Tree;
  readonly treeB: Tree;
  /** Entries in every table of each tree (what a full walk reads). */
  readonly entriesA: number;
  readonly entriesB: number;
  readonly lookups: number;
}

/** A contiguous-group workload: the same region mapped by groups and by plain leaves. */
export interface GroupWorkload {
  readonly workload: Workload;
  readonly fmt: Format;
  readonly level: number;
  /** Entries per group, and bytes one group maps. */
  readonly cont: number;
  readonly groupBytes: number;
  readonly grouped: GroupTree;
  readonly plain: GroupTree;
  /** leaf() calls of one per-leaf walk over each tree (counted at setup), and group leaves whose npages was wrong. */
  readonly groupLeafCalls: number;
  readonly plainLeafCalls: number;
  readonly badNpages: number;
}

export interface AllSetup {
  readonly formats: FormatSetup[];
  /** full, mixed, seek: one variant per format, named by the format. */
  readonly workloads: Workload[];
  readonly groups: GroupWorkload[];
  readonly buildMs: number;
}

/** Level-1+ group regions: this many entries (full sizes; scaled like the trees). */
function groupEntriesAbove(sizes: Sizes): number {
  return Math.max(512, sizes.mixedPages / 512);
}

/**
 * The contiguous-group sizes of a format, from its level specs: `cont`
 * entries at `level` whose entries carry `attrs` (the ContSpec's `attrs`
 * where a level has several sizes, e.g. 8xx 16K = CONT and 512K = CONT|HUGE;
 * Attr.CONT otherwise). Huge pages made of flagged tables (8xx 8M) are not
 * contiguous groups of one level and are not included.
 */
export function groupSizes(fmt: Format): { level: number; cont: number; attrs: number; bytes: number }[] {
  const out: { level: number; cont: number; attrs: number; bytes: number }[] = [];
  fmt.spec.levels.forEach((l, level) => {
    if (fmt.leafAllowed[level] !== 1) return;
    for (const c of l.cont ?? []) {
      const attrs = (c as { readonly attrs?: number }).attrs ?? Attr.CONT;
      out.push({ level, cont: c.entries, attrs, bytes: c.entries * fmt.leafSize(level) });
    }
  });
  return out;
}

/**
 * The contiguous-group workloads of one format: for every group size of
 * groupSizes(fmt) (a level's leaf times `cont` entries), a region of
 * `entries` leaves at that level mapped once by groups and once by plain
 * leaves (same pfns and attributes). Variants: `group-leaf` / `base-leaf`,
 * the per-leaf visitor (leafTable answers WALK_PER_ENTRY) on each tree; at
 * level 0 also `group-batch` / `base-batch`, the bench's SumVisitor whose
 * leafTable() takes a whole PTE table (it sees raw entries, groups unfolded).
 * Every variant walks exactly the region.
 */
export function groupWorkloads(fmt: Format, sizes: Sizes): GroupWorkload[] {
  const out: GroupWorkload[] = [];
  const sz = scaledSizes(fmt, sizes);
  for (const g of groupSizes(fmt)) {
    const level = g.level;
    const ppe = fmt.pagesPerEntry[level];
    const cap = Math.floor(fmt.userPages / ppe / g.cont) * g.cont;
    const want = level === 0 ? sz.fullPages : groupEntriesAbove(sizes);
    const entries = Math.min(cap, Math.max(g.cont, Math.floor(want / g.cont) * g.cont));
    const grouped = buildGroups(fmt, level, g.cont, entries, true, 4, g.attrs);
    const plain = buildGroups(fmt, level, g.cont, entries, false, 4, g.attrs);
    const groupWalk = new GenericLeafWalk(grouped.walker, grouped.root, grouped.startVpn, grouped.pages, g.cont * ppe);
    const plainWalk = new GenericLeafWalk(plain.walker, plain.root, plain.startVpn, plain.pages, ppe);
    groupWalk.run();
    plainWalk.run();
    const variants: Variant[] = [
      new TsVariant('group-leaf', groupWalk, { expected: grouped.expected, items: grouped.groups }),
      new TsVariant('base-leaf', plainWalk, { expected: plain.expected, items: plain.leafEntries }),
    ];
    if (level === 0 && !fmt.codec.spec.napotPfn) {
      // The batch visitor reads raw entries, so on the grouped tree it computes the plain tree's sums
      // (not on riscv, whose NAPOT entries all store the group's pfn | 1000b: raw pfns would not add up).
      variants.push(new TsVariant('group-batch', new GenericWalk(grouped.walker, grouped.root, grouped.startVpn, grouped.startVpn + grouped.pages), { expected: plain.expected, items: plain.leafEntries }));
      variants.push(new TsVariant('base-batch', new GenericWalk(plain.walker, plain.root, plain.startVpn, plain.startVpn + plain.pages), { expected: plain.expected, items: plain.leafEntries }));
    }
    const bytes = g.bytes;
    const w: Workload = {
      name: `cont-${fmt.name}-${sizeLabel(bytes)}`,
      description: `${sizeLabel(grouped.bytes)} mapped by ${grouped.groups} groups of ${g.cont} x ${sizeLabel(fmt.leafSize(level))} (level ${level}) vs ${plain.leafEntries} plain leaves`,
      unit: 'leaves',
      items: grouped.groups,
      entries: grouped.leafEntries,
      expected: grouped.expected,
      variants,
    };
    out.push({
      workload: w,
      fmt,
      level,
      cont: g.cont,
      groupBytes: bytes,
      grouped,
      plain,
      groupLeafCalls: groupWalk.visitor.calls,
      plainLeafCalls: plainWalk.visitor.calls,
      badNpages: groupWalk.visitor.badNpages,
    });
  }
  return out;
}

/**
 * --all-formats: trees A and B and the lookups for every registered format
 * (each scaled to its geometry, see scaledSizes), as three workloads whose
 * variants are the formats (`expected`/`items` per variant), and the
 * contiguous-group workloads of every format that has groups. Generic walker
 * only: the specialised and C baselines are x86-64 code.
 */
export function setupAll(sizes: Sizes, poly = 0, archs: readonly string[] = formatNames()): AllSetup {
  const t0 = performance.now();
  const formats: FormatSetup[] = [];
  const full: Variant[] = [];
  const mixed: Variant[] = [];
  const seek: Variant[] = [];
  for (const arch of archs) {
    const fmt = getFormat(arch);
    const sz = scaledSizes(fmt, sizes);
    const treeA = buildFull(fmt, sz.fullPages);
    const treeB = buildMixed(fmt, sz.mixedPages);
    const vpns = makeLookups(treeA, sizes.lookups);
    if (poly > 0) {
      pollute(treeA.walker, treeA.root, 0, treeA.walker.topPages, poly);
      pollute(treeB.walker, treeB.root, 0, treeB.walker.topPages, poly);
    }
    formats.push({ fmt, treeA, treeB, entriesA: tableEntries(treeA), entriesB: tableEntries(treeB), lookups: sizes.lookups });
    full.push(new TsVariant(arch, new GenericWalk(treeA.walker, treeA.root), { expected: treeA.expected, items: treeA.expected.n }));
    mixed.push(new TsVariant(arch, new GenericWalk(treeB.walker, treeB.root), { expected: treeB.expected, items: treeB.expected.n }));
    seek.push(new TsVariant(arch, new GenericLookups(treeA.walker, treeA.root, vpns), { expected: expectedLookups(treeA, vpns), items: sizes.lookups }));
  }
  const first = formats[0];
  const wl = (name: string, description: string, unit: 'leaves' | 'lookups', variants: Variant[]): Workload => ({
    name,
    description,
    unit,
    items: variants[0].items ?? 0,
    entries: 0,
    expected: variants[0].expected ?? first.treeA.expected,
    variants,
  });
  const workloads = [
    wl('full', 'full walk of tree A (base-page leaves, 90% present, 5% swap, 5% none), per format', 'leaves', full),
    wl('mixed', 'full walk of tree B (level-2, level-1 and base-page leaves with holes), per format', 'leaves', mixed),
    wl('seek', 'random lookups over tree A, per format', 'lookups', seek),
  ];
  const groups: GroupWorkload[] = [];
  for (const f of formats) groups.push(...groupWorkloads(f.fmt, sizes));
  return { formats, workloads, groups, buildMs: performance.now() - t0 };
}
