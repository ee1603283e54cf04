// `npm run bench`: the generic walker (src/walk/walker.ts: Walker.walk with a
// visitor, Walker.seek) against a hand-specialised TypeScript walker and a C
// (gcc -O2) baseline, on the same page tables. See BENCHMARKS.md.
//
//   npm run -s bench                      readable table
//   npm run -s bench -- --json            one JSON object on stdout, nothing else
//   npm run -s bench -- --quick           smaller trees, 3 rounds (smoke-sized)
//   npm run -s bench -- --arch arm64-4k   the generic walker on another format
//   options: --rounds N, --warmup MS, --sample MS, --no-c
import { arch as cpuArch, cpus } from 'node:os';
import { formatNames } from '../src/arch/index.js';
import { measure, pairedRatio, type TimingOptions, type WorkloadTiming } from './harness.js';
import { FULL_SIZES, QUICK_SIZES, setup, type Setup } from './workloads.js';

interface Options extends TimingOptions {
  json: boolean;
  quick: boolean;
  arch: string;
  c: boolean;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: node dist/bench/run.js [--json] [--quick] [--arch NAME] [--rounds N] [--warmup MS] [--sample MS] [--no-c]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, quick: false, arch: 'x86_64', c: true, rounds: 7, warmupMs: 400, sampleMs: 60 };
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

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const s = setup(o.arch, o.quick ? QUICK_SIZES : FULL_SIZES, o.c);
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
