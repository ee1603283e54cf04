// `mmsim conform FILE...`: run each scenario on the model and on the real
// kernel (the C harness in conformance/harness.c, built with gcc on first use)
// and compare the canonical outputs (docs/conformance.md).
//
// Per file: `identical FILE`, `different FILE` plus a unified diff (model on
// the `-` side, kernel on the `+` side), or `skipped FILE: reason`. A file is
// skipped when the model cannot run it yet ("not supported yet"), when the
// harness cannot (model-only statements, a missing resource such as a THP or
// a 1 GiB page, a kernel without the zero page), or when this machine cannot
// run the harness at all (not Linux, not root, no gcc). Exit code 0 unless a
// file differs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError, parseScenario } from '../scenario/parse.js';
import { runScenario } from '../scenario/run.js';

/** The repository root (this file runs as dist/src/cli/conform.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HARNESS_SOURCE = join(REPO_ROOT, 'conformance', 'harness.c');

/** Exit codes of the harness (conformance/harness.c). */
export const HARNESS_EXIT = { OK: 0, ASSERTION: 1, MALFORMED: 2, SKIPPED: 3, NOT_ROOT: 4 } as const;

export type FileStatus = 'identical' | 'different' | 'skipped';

export interface FileResult {
  file: string;
  status: FileStatus;
  /** Why it was skipped, or what differs when it is not the output (exit codes, a malformed file). */
  reason?: string;
  /** Unified diff, model (-) against kernel (+), when the outputs differ. */
  diff?: string;
  /** The kernel's canonical output, when the harness ran. */
  kernel?: string;
  /** Where --record wrote the kernel's output. */
  recorded?: string;
}

export interface ConformSummary {
  total: number;
  identical: number;
  different: number;
  skipped: number;
  files: FileResult[];
}

export interface ConformIo {
  out(text: string): void;
  err(text: string): void;
}

export interface ConformOptions {
  /** A harness binary to use instead of building one. */
  harness?: string;
  /** Write the kernel's output as the golden file of each scenario that ran. */
  record?: boolean;
}

// ------------------------------------------------------------------ the model side

export interface ModelRun {
  /** 0 ran, 1 an assertion failed, 2 malformed or not supported. */
  exitCode: number;
  output: string;
  error?: string;
  /** The model cannot run this scenario yet (a statement it rejects): a skip, not a difference. */
  unsupported: boolean;
}

/** Run a scenario on the model exactly as `mmsim run` does, named `display` in messages. */
export function runModel(text: string, display: string): ModelRun {
  try {
    const r = runScenario(parseScenario(text, display), { checkInvariants: true });
    const unsupported = r.exitCode === 2 && r.error !== undefined && /not supported yet/.test(r.error);
    return { exitCode: r.exitCode, output: r.output, error: r.error, unsupported };
  } catch (e) {
    if (e instanceof ScenarioError) return { exitCode: 2, output: '', error: e.message, unsupported: false };
    return { exitCode: 2, output: '', error: `the model crashed: ${(e as Error).stack ?? String(e)}`, unsupported: false };
  }
}

// ------------------------------------------------------------------ the kernel side

/** Why this machine cannot run the harness at all, or null. */
export function harnessUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform}): the harness runs on the real kernel`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: the harness needs pfns, /proc/kpageflags and the sysfs knobs';
  return null;
}

function cacheDir(): string {
  const nm = join(REPO_ROOT, 'node_modules');
  if (existsSync(nm)) return join(nm, '.cache', 'mmsim');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `mmsim-cache-${uid}`);
}

/**
 * The harness binary, built with gcc into a cache directory when it is missing
 * or older than its source. Throws an Error whose message says why it cannot be built.
 */
export function buildHarness(source = HARNESS_SOURCE): string {
  const dir = cacheDir();
  const bin = join(dir, 'harness');
  const srcTime = statSync(source).mtimeMs;
  if (existsSync(bin) && statSync(bin).mtimeMs >= srcTime) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = spawnSync('gcc', ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-o', tmp, source], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot build the harness: gcc: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  if (r.status !== 0) throw new Error(`cannot build the harness: gcc failed:\n${r.stderr}`);
  renameSync(tmp, bin);
  return bin;
}

export interface HarnessRun {
  exitCode: number;
  output: string;
  stderr: string;
}

/** Run the harness on one scenario; `display` is the path as messages print it, relative to `cwd`. */
export function runHarness(bin: string, display: string, cwd = REPO_ROOT): HarnessRun {
  const r = spawnSync(bin, [display], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (r.error) return { exitCode: -1, output: '', stderr: `cannot run the harness: ${r.error.message}` };
  const code = r.status ?? (r.signal ? 128 : -1);
  return { exitCode: code, output: r.stdout, stderr: r.stderr };
}

// ------------------------------------------------------------------ comparing

/** How a scenario path is printed: relative to the repository root when inside it (messages then match the golden files). */
export function displayName(file: string): string {
  const abs = resolve(file);
  const rel = relative(REPO_ROOT, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** Where --record puts the golden output of a scenario: conformance/golden/NAME.out for .../scenarios/NAME.mms, else beside it. */
export function goldenPath(file: string): string {
  const abs = resolve(file);
  const name = basename(abs).replace(/\.mms$/, '') + '.out';
  const dir = dirname(abs);
  return basename(dir) === 'scenarios' ? join(dirname(dir), 'golden', name) : join(dir, name);
}

/** Compare one scenario on the model and the kernel. `harness` is a binary, or why there is none. */
export function conformFile(file: string, harness: { bin: string } | { unavailable: string }, opts: ConformOptions = {}): FileResult {
  const display = displayName(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { file: display, status: 'different', reason: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const model = runModel(text, display);
  if (model.exitCode === 2 && !model.unsupported) return { file: display, status: 'different', reason: `the model rejects it: ${model.error ?? ''}` };
  if ('unavailable' in harness) return { file: display, status: 'skipped', reason: harness.unavailable };
  const k = runHarness(harness.bin, display);
  const firstLine = k.stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  if (k.exitCode === HARNESS_EXIT.SKIPPED) return { file: display, status: 'skipped', reason: firstLine.replace(/^skip: /, '') || 'skipped by the harness' };
  if (k.exitCode === HARNESS_EXIT.NOT_ROOT) return { file: display, status: 'skipped', reason: firstLine || 'the harness needs root' };
  if (k.exitCode === HARNESS_EXIT.MALFORMED) return { file: display, status: 'different', reason: `the harness rejects it: ${firstLine}` };
  if (k.exitCode !== HARNESS_EXIT.OK && k.exitCode !== HARNESS_EXIT.ASSERTION) {
    return { file: display, status: 'different', reason: `the harness failed (exit ${k.exitCode}): ${k.stderr.trim()}` };
  }
  const result: FileResult = { file: display, status: 'identical', kernel: k.output };
  if (opts.record) {
    const g = goldenPath(file);
    mkdirSync(dirname(g), { recursive: true });
    writeFileSync(g, k.output);
    result.recorded = relative(process.cwd(), g) || g;
  }
  if (model.unsupported) {
    result.status = 'skipped';
    result.reason = `the model cannot run it yet: ${model.error ?? ''}`;
    return result;
  }
  if (model.output !== k.output || model.exitCode !== k.exitCode) {
    result.status = 'different';
    if (model.exitCode !== k.exitCode) result.reason = `exit code: model ${model.exitCode}, kernel ${k.exitCode}`;
    result.diff = unifiedDiff(model.output, k.output, `model ${display}`, `kernel ${display}`);
  }
  return result;
}

/** Build the harness if this machine can run it; else the reason every file is skipped. */
export function prepareHarness(opts: ConformOptions = {}): { bin: string } | { unavailable: string } {
  const why = harnessUnavailable();
  if (why) return { unavailable: why };
  if (opts.harness) return { bin: resolve(opts.harness) };
  try {
    return { bin: buildHarness() };
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
}

export const conformUsage = `usage: mmsim conform [--json] [--record] [--harness BIN] FILE...
  run each scenario on the model and on the real kernel (conformance/harness.c, built with gcc;
  needs root on Linux) and report identical / different (with a unified diff) / skipped
  --json        one JSON summary {"total","identical","different","skipped","files":[...]}
  --record      write the kernel's output as the golden file (conformance/golden/NAME.out)
  --harness BIN use this harness binary instead of building one
exit code 0 unless a file differs
`;

/** The `conform` command; returns the exit code. */
export function conformFiles(args: string[], io: ConformIo): number {
  const opts: ConformOptions = {};
  let json = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--record') opts.record = true;
    else if (a === '--harness') {
      const v = args[++i];
      if (v === undefined) {
        io.err('mmsim conform: --harness needs a path\n');
        return 2;
      }
      opts.harness = v;
    } else if (a === '--help' || a === '-h') {
      io.out(conformUsage);
      return 0;
    } else if (a.startsWith('--')) {
      io.err(`mmsim conform: unknown option '${a}'\n${conformUsage}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err(`mmsim conform: no scenario files given\n${conformUsage}`);
    return 2;
  }
  const harness = prepareHarness(opts);
  const summary: ConformSummary = { total: 0, identical: 0, different: 0, skipped: 0, files: [] };
  for (const f of files) {
    const r = conformFile(f, harness, opts);
    summary.total++;
    summary[r.status]++;
    summary.files.push(r);
    if (json) continue;
    if (r.status === 'identical') io.out(`identical ${r.file}\n`);
    else if (r.status === 'skipped') io.out(`skipped ${r.file}: ${r.reason ?? ''}\n`);
    else {
      io.out(`different ${r.file}${r.reason ? `: ${r.reason}` : ''}\n`);
      if (r.diff) io.out(r.diff);
    }
    if (r.recorded) io.out(`recorded ${r.recorded}\n`);
  }
  if (json) {
    const files = summary.files.map((r) => {
      const copy = { ...r };
      delete copy.kernel;
      return copy;
    });
    io.out(JSON.stringify({ ...summary, files }) + '\n');
  } else {
    io.out(`${summary.total} files: ${summary.identical} identical, ${summary.different} different, ${summary.skipped} skipped\n`);
  }
  return summary.different > 0 ? 1 : 0;
}

// ------------------------------------------------------------------ a small unified diff

/** Unified diff of two texts (line based, 3 lines of context); '' when equal. */
export function unifiedDiff(a: string, b: string, aName: string, bName: string, context = 3): string {
  if (a === b) return '';
  const x = splitLines(a);
  const y = splitLines(b);
  const ops = diffLines(x, y);
  // Hunks: runs of changes with `context` equal lines around them.
  const out: string[] = [`--- ${aName}`, `+++ ${bName}`];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].op === '=') i++;
    if (i >= ops.length) break;
    let start = i;
    for (let c = 0; c < context && start > 0 && ops[start - 1].op === '='; c++) start--;
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end].op !== '=') end++;
      let eq = 0;
      while (end + eq < ops.length && ops[end + eq].op === '=') eq++;
      if (end + eq < ops.length && eq <= 2 * context) {
        end += eq;
        continue;
      }
      end += Math.min(eq, context);
      break;
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk[0].ai;
    const bStart = hunk[0].bi;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of hunk) out.push(o.op === '=' ? ` ${o.line}` : `${o.op}${o.line}`);
    i = end;
  }
  return out.join('\n') + '\n';
}

function range(start: number, len: number): string {
  // 1-based; an empty range names the line before it.
  const s = len === 0 ? start : start + 1;
  return len === 1 ? `${s}` : `${s},${len}`;
}

function splitLines(t: string): string[] {
  if (t === '') return [];
  const lines = t.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += '\n\\ No newline at end of file';
  return lines;
}

interface DiffOp {
  op: '=' | '-' | '+';
  line: string;
  /** Index in a (for '=' and '-') or the position in a before which the line goes. */
  ai: number;
  bi: number;
}

/** Longest common subsequence by dynamic programming after trimming the common ends. */
function diffLines(x: string[], y: string[]): DiffOp[] {
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const xs = x.slice(pre, x.length - suf);
  const ys = y.slice(pre, y.length - suf);
  const ops: DiffOp[] = [];
  for (let k = 0; k < pre; k++) ops.push({ op: '=', line: x[k], ai: k, bi: k });
  const n = xs.length;
  const m = ys.length;
  if (n * m > 25_000_000) {
    // Too big for the table: everything in the middle is replaced.
    for (let k = 0; k < n; k++) ops.push({ op: '-', line: xs[k], ai: pre + k, bi: pre });
    for (let k = 0; k < m; k++) ops.push({ op: '+', line: ys[k], ai: pre + n, bi: pre + k });
  } else {
    // lcs[i][j]: LCS length of xs[i..] and ys[j..], in one flat array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = xs[i] === ys[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && xs[i] === ys[j]) {
        ops.push({ op: '=', line: xs[i], ai: pre + i, bi: pre + j });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
        ops.push({ op: '-', line: xs[i], ai: pre + i, bi: pre + j });
        i++;
      } else {
        ops.push({ op: '+', line: ys[j], ai: pre + i, bi: pre + j });
        j++;
      }
    }
  }
  for (let k = 0; k < suf; k++) {
    const ai = x.length - suf + k;
    const bi = y.length - suf + k;
    ops.push({ op: '=', line: x[ai], ai, bi });
  }
  return ops;
}
