// Timing: warm every variant up, then run rounds in which every variant takes
// one sample, the order rotated each round, gc() before each sample; report
// the median per variant and the ratios of medians (plus the median of the
// per-round paired ratios). Checksums are checked after every sample.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { checkSum, verify, type Variant, type Workload } from './workloads.js';

export interface TimingOptions {
  rounds: number;
  /** Warm-up time per variant, ms. */
  warmupMs: number;
  /** Target duration of one sample (repeated calls), ms. */
  sampleMs: number;
}

export interface VariantTiming {
  readonly variant: string;
  /** Median ms per call, and every round's value. */
  readonly ms: number;
  readonly samples: number[];
  readonly reps: number;
}

export interface WorkloadTiming {
  readonly workload: Workload;
  readonly timings: VariantTiming[];
  /** Per round, the ms of each variant (same order as `timings`). */
  readonly rounds: number[][];
}

let gcFn: (() => void) | null | undefined;

/** A gc() function without --expose-gc on the command line (V8 flag set at run time), or a no-op. */
export function gc(): void {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const g = runInNewContext('gc') as unknown;
      gcFn = typeof g === 'function' ? (g as () => void) : null;
    } catch {
      gcFn = null;
    }
  }
  if (gcFn) gcFn();
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Warm a variant up for about `ms` (at least 3 calls); returns the last per-call estimate. */
async function warm(v: Variant, ms: number): Promise<number> {
  let est = await v.sample(1);
  let calls = 1;
  const t0 = performance.now();
  while (calls < 3 || performance.now() - t0 < ms) {
    // Grow the batch so cheap workloads do not pay a timer per call.
    const reps = Math.max(1, Math.min(1000, Math.floor(Math.min(50, ms / 4) / Math.max(est, 1e-3))));
    est = await v.sample(reps);
    calls += reps;
  }
  return est;
}

export async function measure(w: Workload, opt: TimingOptions): Promise<WorkloadTiming> {
  await verify(w);
  const vs = w.variants;
  const reps: number[] = [];
  for (const v of vs) {
    const est = await warm(v, opt.warmupMs);
    checkSum(w, v);
    reps.push(Math.max(1, Math.ceil(opt.sampleMs / Math.max(est, 1e-3))));
  }
  const rounds: number[][] = [];
  for (let r = 0; r < opt.rounds; r++) {
    const row = new Array<number>(vs.length).fill(0);
    for (let k = 0; k < vs.length; k++) {
      const i = (k + r) % vs.length;
      gc();
      row[i] = await vs[i].sample(reps[i]);
      checkSum(w, vs[i]);
    }
    rounds.push(row);
  }
  const timings = vs.map((v, i) => {
    const samples = rounds.map((row) => row[i]);
    return { variant: v.name, ms: median(samples), samples, reps: reps[i] };
  });
  return { workload: w, timings, rounds };
}

/** Median over rounds of the paired ratio a/b (variant indices in `rounds`). */
export function pairedRatio(t: WorkloadTiming, a: number, b: number): number {
  return median(t.rounds.map((row) => row[a] / row[b]));
}
