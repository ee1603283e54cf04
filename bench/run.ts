// `npm run bench`: the generic walker (src/walk/walker.ts: Walker.walk with a
// visitor, Walker.seek) against a hand-specialised TypeScript walker and a C
// (gcc -O2) baseline, on the same page tables. See BENCHMARKS.md.
//
//   npm run -s bench                      readable table
//   npm run -s bench -- --json            one JSON object on stdout, nothing else
//   npm run -s bench -- --quick           smaller trees, 3 rounds (smoke-sized)
//   npm run -s bench -- --arch arm64-4k   the generic walker on another format
//   npm run -s bench -- --poly 6          first walk with 6 other visitor classes:
//                                         the leaf call site megamorphic, as in the simulator
//   npm run -s bench -- --processes 5     5 fresh processes, one after the other; reports
//                                         the median over processes of each ratio and time
//   npm run -s bench -- --all-formats     (or --arch all) the generic walker on every registered
//                                         format in one process, the formats interleaved in each
//                                         round, ns per leaf/entry/lookup and ratios to x86_64;
//                                         plus the contiguous-group workloads
//   options: --rounds N, --warmup MS, --sample MS, --no-c
import { spawnSync } from 'node:child_process';
import { arch as cpuArch, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatNames } from '../src/arch/index.js';
import { measure, median, pairedRatio, type TimingOptions, type WorkloadTiming } from './harness.js';
import { MAX_POLY } from './poly.js';
import { FULL_SIZES, QUICK_SIZES, setup, setupAll, sizeLabel, type AllSetup, type Setup } from './workloads.js';

interface Options extends TimingOptions {
  json: boolean;
  quick: boolean;
  arch: string;
  allFormats: boolean;
  c: boolean;
  poly: number;
  processes: number;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: node dist/bench/run.js [--json] [--quick] [--arch NAME|all] [--all-formats] [--poly N] [--processes N] [--rounds N] [--warmup MS] [--sample MS] [--no-c]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, quick: false, arch: 'x86_64', allFormats: false, c: true, poly: 0, processes: 1, rounds: 7, warmupMs: 400, sampleMs: 60 };
  let rounds: number | null = null;
  let warm: number | null = null;
  let sample: number | null = null;
  const num = (i: number): number => {
    const v = Number(argv[i]);
    if (!Number.isFinite(v) || v <= 0) usage(`${argv[i - 1]} needs a positive number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--no-c') o.c = false;
    else if (a === '--all-formats') o.allFormats = true;
    else if (a === '--arch') o.arch = argv[++i] ?? usage('--arch needs a name');
    else if (a === '--rounds') rounds = Math.round(num(++i));
    else if (a === '--processes') o.processes = Math.round(num(++i));
    else if (a === '--poly') o.poly = Math.min(MAX_POLY, Math.round(num(++i)));
    else if (a === '--warmup') warm = num(++i);
    else if (a === '--sample') sample = num(++i);
    else usage(`unknown argument ${a}`);
  }
  if (o.arch === 'all') o.allFormats = true;
  if (o.allFormats) {
    if (o.arch !== 'x86_64' && o.arch !== 'all') usage('--all-formats runs every format; drop --arch');
    if (o.processes > 1) usage('--processes is not supported with --all-formats (run it several times)');
    o.arch = 'all';
  } else if (!formatNames().includes(o.arch)) usage(`unknown arch '${o.arch}' (known: ${formatNames().join(', ')})`);
  if (o.quick) {
    o.rounds = 3;
    o.warmupMs = 60;
    o.sampleMs = 10;
  }
  o.rounds = rounds ?? o.rounds;
  o.warmupMs = warm ?? o.warmupMs;
  o.sampleMs = sample ?? o.sampleMs;
  return o;
}

const PAIRS: readonly [string, string][] = [
  ['generic', 'specialised'],
  ['generic', 'c'],
  ['specialised', 'c'],
];

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r4 = (x: number): number => Math.round(x * 10000) / 10000;

interface ResultRow {
  name: string;
  arch: string;
  variant: string;
  baseline: string | null;
  ratio: number | null;
  [extra: string]: unknown;
}

function perSec(t: WorkloadTiming, ms: number): number {
  return Math.round(t.workload.items / (ms / 1000));
}

function results(s: Setup, o: Options, timings: WorkloadTiming[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const t of timings) {
    const w = t.workload;
    const rate = w.unit === 'leaves' ? 'leavesPerSec' : 'lookupsPerSec';
    if (!s.baselines) {
      const g = t.timings[0];
      rows.push({ name: w.name, arch: o.arch, variant: g.variant, baseline: null, ratio: null, ms: r4(g.ms), [rate]: perSec(t, g.ms) });
      continue;
    }
    for (const [a, b] of PAIRS) {
      const ia = t.timings.findIndex((x) => x.variant === a);
      const ib = t.timings.findIndex((x) => x.variant === b);
      if (ia < 0) continue;
      if (ib < 0) {
        rows.push({ name: w.name, arch: o.arch, variant: a, baseline: b, ratio: null, skipped: s.cSkipped ?? 'not run' });
        continue;
      }
      const ta = t.timings[ia];
      const tb = t.timings[ib];
      rows.push({
        name: w.name,
        arch: o.arch,
        variant: a,
        baseline: b,
        ratio: r3(ta.ms / tb.ms),
        pairedRatio: r3(pairedRatio(t, ia, ib)),
        variantMs: r4(ta.ms),
        baselineMs: r4(tb.ms),
        [`variant${rate[0].toUpperCase()}${rate.slice(1)}`]: perSec(t, ta.ms),
        [`baseline${rate[0].toUpperCase()}${rate.slice(1)}`]: perSec(t, tb.ms),
      });
    }
  }
  return rows;
}

function meta(s: Setup, o: Options): Record<string, unknown> {
  const cpu = cpus();
  return {
    arch: o.arch,
    node: process.version,
    v8: process.versions.v8,
    cpu: cpu.length > 0 ? cpu[0].model : 'unknown',
    cpus: cpu.length,
    machine: cpuArch(),
    quick: o.quick,
    poly: o.poly,
    rounds: o.rounds,
    warmupMs: o.warmupMs,
    sampleMs: o.sampleMs,
    buildMs: Math.round(s.buildMs),
    c: s.c !== null ? 'gcc -O2' : (s.cSkipped ?? 'not applicable'),
    trees: {
      A: { tables: s.treeA.tables, leaves: s.treeA.expected.n, pages: s.treeA.pages },
      B: { tables: s.treeB.tables, leaves: s.treeB.expected.n, pages: s.treeB.pages },
    },
  };
}

function pad(x: string, n: number, right = false): string {
  return right ? x.padStart(n) : x.padEnd(n);
}

function table(s: Setup, o: Options, timings: WorkloadTiming[], rows: ResultRow[]): string {
  const out: string[] = [];
  const m = meta(s, o);
  out.push(`mmsim bench: arch ${o.arch}, node ${process.version} (V8 ${process.versions.v8}), ${String(m.cpu)} x${String(m.cpus)}`);
  if (o.poly > 0) out.push(`walker call sites made polymorphic first: ${o.poly} other visitor classes (--poly)`);
  out.push(`${o.rounds} interleaved rounds after ${o.warmupMs} ms warm-up per variant, ~${o.sampleMs} ms per sample; median per variant; C: ${String(m.c)}`);
  out.push(`trees built in ${Math.round(s.buildMs)} ms: A ${s.treeA.tables} tables / ${s.treeA.expected.n} leaves, B ${s.treeB.tables} tables / ${s.treeB.expected.n} leaves; all checksums equal the builder's`);
  out.push('');
  out.push(`${pad('workload', 16)}${pad('variant', 13)}${pad('median ms', 11, true)}${pad('min..max ms', 20, true)}${pad('M items/s', 11, true)}  items`);
  for (const t of timings) {
    for (const v of t.timings) {
      const mn = Math.min(...v.samples);
      const mx = Math.max(...v.samples);
      out.push(
        `${pad(t.workload.name, 16)}${pad(v.variant, 13)}${pad(v.ms.toFixed(3), 11, true)}${pad(`${mn.toFixed(3)}..${mx.toFixed(3)}`, 20, true)}` +
          `${pad((t.workload.items / v.ms / 1000).toFixed(1), 11, true)}  ${t.workload.unit}`,
      );
    }
  }
  if (s.baselines) {
    out.push('');
    out.push(`${pad('workload', 16)}${pad('generic/specialised', 21, true)}${pad('generic/C', 16, true)}${pad('specialised/C', 16, true)}   (paired-ratio median in parentheses)`);
    for (const t of timings) {
      const cell = (a: string, b: string, width: number): string => {
        const r = rows.find((x) => x.name === t.workload.name && x.variant === a && x.baseline === b);
        if (!r || r.ratio === null) return pad('skipped', width, true);
        return pad(`${r.ratio.toFixed(2)} (${Number(r.pairedRatio).toFixed(2)})`, width, true);
      };
      out.push(`${pad(t.workload.name, 16)}${cell('generic', 'specialised', 21)}${cell('generic', 'c', 16)}${cell('specialised', 'c', 16)}`);
    }
    if (s.c === null) out.push(`C baseline skipped: ${s.cSkipped ?? ''}`);
  }
  return out.join('\n');
}

interface ChildOutput {
  results: ResultRow[];
  variants: { name: string; variant: string; ms: number; unit: string; perSec: number }[];
  meta: Record<string, unknown>;
}

/** --processes N: run N fresh processes of this script with --json, report medians over them. */
function multiProcess(o: Options, argv: string[]): void {
  const childArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--processes') i++;
    else if (argv[i] !== '--json') childArgs.push(argv[i]);
  }
  const runs: ChildOutput[] = [];
  for (let k = 0; k < o.processes; k++) {
    if (!o.json) process.stderr.write(`process ${k + 1}/${o.processes}...\n`);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...childArgs, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`bench process ${k + 1} failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout) as ChildOutput);
  }
  const rows: ResultRow[] = runs[0].results.map((row, i) => {
    const all = runs.map((x) => x.results[i]);
    if (row.ratio === null) return { ...row, processes: runs.length };
    const med = (key: string): number => r3(median(all.map((x) => Number(x[key]))));
    const out: ResultRow = { ...row, ratio: med('ratio'), pairedRatio: med('pairedRatio'), processes: runs.length, ratios: all.map((x) => x.ratio) };
    for (const k of Object.keys(row)) if (k.endsWith('Ms') || k.endsWith('PerSec')) out[k] = med(k);
    return out;
  });
  const variants = runs[0].variants.map((v, i) => ({
    ...v,
    ms: r4(median(runs.map((x) => x.variants[i].ms))),
    perSec: Math.round(median(runs.map((x) => x.variants[i].perSec))),
    msPerProcess: runs.map((x) => x.variants[i].ms),
  }));
  if (o.json) {
    process.stdout.write(JSON.stringify({ results: rows, variants, meta: { ...runs[0].meta, processes: runs.length } }) + '\n');
    return;
  }
  const m = runs[0].meta;
  const out: string[] = [];
  out.push(`mmsim bench: arch ${o.arch}, node ${process.version}, ${String(m.cpu)} x${String(m.cpus)}; median of ${runs.length} processes (each: ${o.rounds} rounds, median per variant)`);
  out.push('');
  out.push(`${pad('workload', 16)}${pad('variant', 13)}${pad('median ms', 11, true)}${pad('M items/s', 11, true)}  ms per process`);
  for (const v of variants) {
    out.push(`${pad(v.name, 16)}${pad(v.variant, 13)}${pad(v.ms.toFixed(3), 11, true)}${pad((v.perSec / 1e6).toFixed(1), 11, true)}  ${v.msPerProcess.map((x) => x.toFixed(3)).join(' ')}`);
  }
  out.push('');
  out.push(`${pad('workload', 16)}${pad('ratio', 24)}${pad('median', 8, true)}  per process`);
  for (const r of rows) {
    const label = `${r.variant}/${r.baseline ?? '-'}`;
    if (r.ratio === null) {
      out.push(`${pad(r.name, 16)}${pad(label, 24)}${pad(r.baseline === null ? '-' : 'skipped', 8, true)}`);
      continue;
    }
    const per = Array.isArray(r.ratios) ? (r.ratios as number[]).map((x) => x.toFixed(2)).join(' ') : '';
    out.push(`${pad(r.name, 16)}${pad(label, 24)}${pad(r.ratio.toFixed(2), 8, true)}  ${per}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

// ------------------------------------------------------------ --all-formats

/** Per round, ms per item of variant i divided by that of variant j (paired within the round). */
function pairedPerItem(t: WorkloadTiming, items: number[], i: number, j: number): number {
  return median(t.rounds.map((row) => row[i] / items[i] / (row[j] / items[j])));
}

interface FormatRow {
  arch: string;
  levels: number;
  entriesPerTable: number[];
  pageSize: number;
  [k: string]: unknown;
}

function allFormatsReport(s: AllSetup, o: Options, timings: WorkloadTiming[], groupTimings: WorkloadTiming[]): { formats: FormatRow[]; groups: Record<string, unknown>[] } {
  const formats: FormatRow[] = s.formats.map((f) => ({
    arch: f.fmt.name,
    levels: f.fmt.nlevels,
    entriesPerTable: Array.from(f.fmt.entries),
    pageSize: f.fmt.pageSize,
    trees: {
      A: { pages: f.treeA.pages, bytes: f.treeA.pages * f.fmt.pageSize, tables: f.treeA.tables, leaves: f.treeA.expected.n, entries: f.entriesA },
      B: { pages: f.treeB.pages, bytes: f.treeB.pages * f.fmt.pageSize, tables: f.treeB.tables, leaves: f.treeB.expected.n, entries: f.entriesB },
    },
  }));
  for (const t of timings) {
    const w = t.workload;
    const items = w.variants.map((v) => v.items ?? w.items);
    const ref = w.variants.findIndex((v) => v.name === 'x86_64');
    t.timings.forEach((v, i) => {
      const f = s.formats[i];
      const row = formats[i];
      const ms = v.ms;
      const entries = w.name === 'full' ? f.entriesA : w.name === 'mixed' ? f.entriesB : 0;
      const cell: Record<string, unknown> = { ms: r4(ms), items: items[i], nsPerItem: r3((ms * 1e6) / items[i]) };
      if (entries > 0) cell.nsPerEntry = r3((ms * 1e6) / entries);
      if (ref >= 0) {
        cell.ratioVsX86 = r3(ms / items[i] / (t.timings[ref].ms / items[ref]));
        cell.pairedRatioVsX86 = r3(pairedPerItem(t, items, i, ref));
      }
      row[w.name] = cell;
    });
  }
  const groups: Record<string, unknown>[] = [];
  s.groups.forEach((g, k) => {
    const t = groupTimings[k];
    const idx = (name: string): number => t.timings.findIndex((x) => x.variant === name);
    const gib = g.grouped.bytes / 2 ** 30;
    const variants: Record<string, unknown> = {};
    for (const v of t.timings) variants[v.variant] = { ms: r4(v.ms), nsPerGiB: r3((v.ms * 1e6) / gib) };
    const ratio = (a: string, b: string): Record<string, number> | null => {
      const ia = idx(a);
      const ib = idx(b);
      if (ia < 0 || ib < 0) return null;
      return { ratio: r3(t.timings[ia].ms / t.timings[ib].ms), pairedRatio: r3(pairedRatio(t, ia, ib)) };
    };
    groups.push({
      name: g.workload.name,
      arch: g.fmt.name,
      level: g.level,
      group: sizeLabel(g.groupBytes),
      cont: g.cont,
      regionBytes: g.grouped.bytes,
      groups: g.grouped.groups,
      leafEntries: g.grouped.leafEntries,
      groupLeafCalls: g.groupLeafCalls,
      plainLeafCalls: g.plainLeafCalls,
      variants,
      groupVsBaseLeaf: ratio('group-leaf', 'base-leaf'),
      groupVsBaseBatch: ratio('group-leaf', 'base-batch'),
      groupBatchVsBaseBatch: ratio('group-batch', 'base-batch'),
    });
  });
  void o;
  return { formats, groups };
}

function allFormatsTable(s: AllSetup, o: Options, rep: { formats: FormatRow[]; groups: Record<string, unknown>[] }): string {
  const out: string[] = [];
  const cpu = cpus();
  out.push(`mmsim bench --all-formats: generic walker on ${s.formats.length} formats, node ${process.version} (V8 ${process.versions.v8}), ${cpu.length > 0 ? cpu[0].model : 'unknown'} x${cpu.length}`);
  if (o.poly > 0) out.push(`walker call sites made polymorphic first: ${o.poly} other visitor classes (--poly)`);
  out.push(`${o.rounds} interleaved rounds (all formats in each round) after ${o.warmupMs} ms warm-up per variant, ~${o.sampleMs} ms per sample; median per variant`);
  out.push(`trees built in ${Math.round(s.buildMs)} ms; all checksums equal the builder's; x-ratios: ns per item / x86_64's (paired per round in parentheses)`);
  out.push('');
  const num = (x: unknown, d = 1): string => (typeof x === 'number' ? x.toFixed(d) : '-');
  const cellOf = (r: FormatRow, k: string): Record<string, unknown> => (r[k] ?? {}) as Record<string, unknown>;
  const xr = (c: Record<string, unknown>): string => `${num(c.ratioVsX86, 2)} (${num(c.pairedRatioVsX86, 2)})`;
  out.push(
    `${pad('format', 17)}${pad('lv', 3, true)}${pad('tree A', 13, true)}${pad('ns/leaf', 9, true)}${pad('ns/entry', 9, true)}${pad('x x86', 13, true)}` +
      `${pad('tree B', 13, true)}${pad('ns/leaf', 9, true)}${pad('ns/entry', 9, true)}${pad('x x86', 13, true)}${pad('seek ns', 9, true)}${pad('x x86', 13, true)}`,
  );
  for (const r of rep.formats) {
    const f = cellOf(r, 'full');
    const m = cellOf(r, 'mixed');
    const k = cellOf(r, 'seek');
    const trees = r.trees as { A: { bytes: number; tables: number }; B: { bytes: number; tables: number } };
    out.push(
      `${pad(r.arch, 17)}${pad(String(r.levels), 3, true)}${pad(`${sizeLabel(trees.A.bytes)}/${trees.A.tables}t`, 13, true)}${pad(num(f.nsPerItem, 2), 9, true)}${pad(num(f.nsPerEntry, 2), 9, true)}${pad(xr(f), 13, true)}` +
        `${pad(`${sizeLabel(trees.B.bytes)}/${trees.B.tables}t`, 13, true)}${pad(num(m.nsPerItem, 2), 9, true)}${pad(num(m.nsPerEntry, 2), 9, true)}${pad(xr(m), 13, true)}` +
        `${pad(num(k.nsPerItem, 1), 9, true)}${pad(xr(k), 13, true)}`,
    );
  }
  if (rep.groups.length > 0) {
    out.push('');
    out.push('contiguous groups: the same region mapped by groups (CONT) and by plain leaves; leaf() calls counted in one walk');
    out.push(
      `${pad('format', 17)}${pad('group', 7, true)}${pad('lvl', 4, true)}${pad('region', 8, true)}${pad('groups', 8, true)}${pad('leaf() calls', 13, true)}${pad('plain calls', 12, true)}` +
        `${pad('ns/GiB grp', 12, true)}${pad('base', 12, true)}${pad('grp/base', 16, true)}${pad('grp/batch', 16, true)}${pad('gbatch/batch', 16, true)}`,
    );
    for (const g of rep.groups) {
      const v = g.variants as Record<string, { nsPerGiB: number } | undefined>;
      const rc = (x: unknown): string => {
        const r = x as { ratio: number; pairedRatio: number } | null;
        return r === null ? '-' : `${r.ratio.toFixed(3)} (${r.pairedRatio.toFixed(3)})`;
      };
      out.push(
        `${pad(String(g.arch), 17)}${pad(String(g.group), 7, true)}${pad(String(g.level), 4, true)}${pad(sizeLabel(Number(g.regionBytes)), 8, true)}${pad(String(g.groups), 8, true)}` +
          `${pad(String(g.groupLeafCalls), 13, true)}${pad(String(g.plainLeafCalls), 12, true)}` +
          `${pad(num(v['group-leaf']?.nsPerGiB, 0), 12, true)}${pad(num(v['base-leaf']?.nsPerGiB, 0), 12, true)}` +
          `${pad(rc(g.groupVsBaseLeaf), 16, true)}${pad(rc(g.groupVsBaseBatch), 16, true)}${pad(rc(g.groupBatchVsBaseBatch), 16, true)}`,
      );
    }
    out.push('grp/base: group-leaf / base-leaf time (per-leaf visitor on both); grp/batch: group-leaf / base-batch (leafTable batch on the plain tree, level 0 only);');
    out.push('gbatch/batch: the batch visitor on the grouped tree / on the plain tree (it reads raw entries: groups are not folded there). Same mapped bytes, so time ratio = ratio per byte.');
  }
  return out.join('\n');
}

async function runAll(o: Options): Promise<void> {
  const s = setupAll(o.quick ? QUICK_SIZES : FULL_SIZES, o.poly);
  for (const g of s.groups) {
    if (g.groupLeafCalls !== g.grouped.groups || g.badNpages !== 0) {
      throw new Error(`${g.workload.name}: ${g.groupLeafCalls} leaf() calls for ${g.grouped.groups} groups (${g.badNpages} with the wrong npages)`);
    }
  }
  const timings: WorkloadTiming[] = [];
  for (const w of s.workloads) {
    if (!o.json) process.stderr.write(`measuring ${w.name} on ${w.variants.length} formats...\n`);
    timings.push(await measure(w, o));
  }
  const groupTimings: WorkloadTiming[] = [];
  for (const g of s.groups) {
    if (!o.json) process.stderr.write(`measuring ${g.workload.name} (${g.workload.variants.map((v) => v.name).join(', ')})...\n`);
    groupTimings.push(await measure(g.workload, o));
  }
  const rep = allFormatsReport(s, o, timings, groupTimings);
  if (o.json) {
    const cpu = cpus();
    const m = {
      mode: 'all-formats',
      node: process.version,
      v8: process.versions.v8,
      cpu: cpu.length > 0 ? cpu[0].model : 'unknown',
      cpus: cpu.length,
      machine: cpuArch(),
      quick: o.quick,
      poly: o.poly,
      rounds: o.rounds,
      warmupMs: o.warmupMs,
      sampleMs: o.sampleMs,
      buildMs: Math.round(s.buildMs),
    };
    process.stdout.write(JSON.stringify({ formats: rep.formats, groups: rep.groups, meta: m }) + '\n');
  } else {
    process.stdout.write(allFormatsTable(s, o, rep) + '\n');
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  if (o.allFormats) {
    await runAll(o);
    return;
  }
  if (o.processes > 1) {
    multiProcess(o, argv);
    return;
  }
  const s = setup(o.arch, o.quick ? QUICK_SIZES : FULL_SIZES, o.c, o.poly);
  try {
    const timings: WorkloadTiming[] = [];
    for (const w of s.workloads) {
      if (!o.json) process.stderr.write(`measuring ${w.name} (${w.variants.map((v) => v.name).join(', ')})...\n`);
      timings.push(await measure(w, o));
    }
    const rows = results(s, o, timings);
    if (o.json) {
      const variants = timings.flatMap((t) =>
        t.timings.map((v) => ({
          name: t.workload.name,
          variant: v.variant,
          ms: r4(v.ms),
          minMs: r4(Math.min(...v.samples)),
          maxMs: r4(Math.max(...v.samples)),
          reps: v.reps,
          unit: t.workload.unit,
          perSec: perSec(t, v.ms),
        })),
      );
      process.stdout.write(JSON.stringify({ results: rows, variants, meta: meta(s, o) }) + '\n');
    } else {
      process.stdout.write(table(s, o, timings, rows) + '\n');
    }
  } finally {
    if (s.c !== null) await s.c.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
