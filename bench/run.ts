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
//   options: --rounds N, --warmup MS, --sample MS, --no-c
import { spawnSync } from 'node:child_process';
import { arch as cpuArch, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatNames } from '../src/arch/index.js';
import { measure, median, pairedRatio, type TimingOptions, type WorkloadTiming } from './harness.js';
import { MAX_POLY } from './poly.js';
import { FULL_SIZES, QUICK_SIZES, setup, type Setup } from './workloads.js';

interface Options extends TimingOptions {
  json: boolean;
  quick: boolean;
  arch: string;
  c: boolean;
  poly: number;
  processes: number;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: node dist/bench/run.js [--json] [--quick] [--arch NAME] [--poly N] [--processes N] [--rounds N] [--warmup MS] [--sample MS] [--no-c]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, quick: false, arch: 'x86_64', c: true, poly: 0, processes: 1, rounds: 7, warmupMs: 400, sampleMs: 60 };
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
    else if (a === '--arch') o.arch = argv[++i] ?? usage('--arch needs a name');
    else if (a === '--rounds') rounds = Math.round(num(++i));
    else if (a === '--processes') o.processes = Math.round(num(++i));
    else if (a === '--poly') o.poly = Math.min(MAX_POLY, Math.round(num(++i)));
    else if (a === '--warmup') warm = num(++i);
    else if (a === '--sample') sample = num(++i);
    else usage(`unknown argument ${a}`);
  }
  if (!formatNames().includes(o.arch)) usage(`unknown arch '${o.arch}' (known: ${formatNames().join(', ')})`);
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
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
