// The three workloads and their variants, shared by bench/run.ts and
// test/bench-smoke.test.ts.
import { getFormat, type Format } from '../src/arch/index.js';
import { CBaseline, type CCommand } from './cbaseline.js';
import { GenericLookups, GenericWalk } from './generic.js';
import { pollute } from './poly.js';
import { SpecialisedLookups, SpecialisedWalk } from './specialised.js';
import { Sum } from './sum.js';
import { buildFull, buildMixed, expectedLookups, makeLookups, type Tree } from './tree.js';

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
  sample(reps: number): Promise<number>;
}

/** A TypeScript variant, timed in this process. */
export class TsVariant implements Variant {
  readonly name: VariantName;
  readonly last = new Sum();
  private readonly runner: Runner;

  constructor(name: VariantName, runner: Runner) {
    this.name = name;
    this.runner = runner;
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
  const treeA = buildFull(fmt, sizes.fullPages);
  const treeB = buildMixed(fmt, sizes.mixedPages);
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
  if (!v.last.equals(w.expected)) {
    throw new Error(`checksum mismatch in ${w.name}: ${v.name} computed ${v.last.toString()}, expected ${w.expected.toString()}`);
  }
}
