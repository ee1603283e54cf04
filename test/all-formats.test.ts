// Every registered format runs the model: each scenario of test/scenarios,
// conformance/scenarios and test/cow that names no architecture is run with
// `arch NAME` added and the invariant checker on (after every statement).
// Every such scenario starts with a comment line; the arch statement goes in
// front of that comment, on the same line, so line numbers (`! line N`) stay
// those of the expected output.
//
// 1. On every format: no internal error. A run may end in exit code 1 (a failed
//    `assert`/`expect`: scenarios written for 4K x86-64 legitimately differ on
//    64K-page or 2-level formats) or 2 with one of the clean refusals below
//    (the architecture has no such huge page size, no THP); never with a JS
//    exception, an invariant violation or any other scenario error.
// 2. On the 4K-base formats with at least 4 levels, every scenario with an
//    expected x86-64 output (its .out, or its conformance golden file) that
//    uses nothing address-space-size- or format-specific prints exactly that
//    output. EXCLUDED lists the exceptions, each with its reason; an exclusion
//    that is no longer needed fails the test, so the list stays exact. Where
//    the model on x86_64 itself differs from the expected file (a model bug
//    the golden suites track), the format is compared with the model's x86_64
//    output instead.
//
// Speed: the whole matrix is ~290 scenarios x 12 formats, about 25 s of CPU
// with the checker on. By default a (format, scenario) pair runs when a hash
// of the pair falls in one quarter (deterministic; each scenario still runs on
// 3 formats and each equality format compares a different quarter; the
// golden suites run every scenario on x86_64 anyway): about 7 s of CPU.
// MMSIM_ALL_FORMATS_FULL=1 runs the whole matrix. An exclusion is checked for
// staleness only when its pair is sampled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatNames } from '../src/arch/index.js';
import type { RunResult } from '../src/scenario/run.js';
import { runLikeCli } from './helpers/scenario.js';

/** The repository root: this file runs as dist/test/all-formats.test.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Scenario folders and where their expected outputs live. */
const DIRS: readonly [string, string][] = [
  ['test/scenarios/', 'test/scenarios/'],
  ['conformance/scenarios/', 'conformance/golden/'],
  ['test/cow/', 'test/cow/'],
];

interface Scn {
  file: string;
  text: string;
  /** The expected x86-64 output (recorded on the reference kernel, or written by hand for it), if any. */
  out: string | null;
}

const SCENARIOS: readonly Scn[] = DIRS.flatMap(([dir, outDir]) =>
  readdirSync(ROOT + dir)
    .filter((f) => f.endsWith('.mms'))
    .sort()
    .map((f) => {
      const out = `${ROOT}${outDir}${f.slice(0, -'.mms'.length)}.out`;
      return { file: dir + f, text: readFileSync(ROOT + dir + f, 'utf8'), out: existsSync(out) ? readFileSync(out, 'utf8') : null };
    })
    .filter((s) => !/^\s*arch\s/m.test(s.text)),
);

/** 4K base pages and at least 4 levels: scenarios written for x86-64 must print the same. */
const SAME_AS_X86 = ['x86_64-la57', 'arm64-4k', 'riscv64-sv48', 'riscv64-sv57', 'ppc64-radix-4k'];

const UFFD_WP_REASON = 'book3s64 has no uffd-wp bit (no CONFIG_HAVE_ARCH_USERFAULTFD_WP): UFFDIO_REGISTER_MODE_WP and the WP features are EINVAL';
/** (format, scenario) -> why the output legitimately differs from x86_64's. */
const EXCLUDED: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  ['x86_64-la57', new Map([
    ['conformance/scenarios/errno-mmap.mms', 'a 56-bit user space: the mapping past 2^47 that is ENOMEM on x86_64 succeeds'],
    ['conformance/scenarios/errno-munmap.mms', 'a 56-bit user space: munmap past 2^47 is not beyond TASK_SIZE, so no EINVAL'],
  ])],
  ['arm64-4k', new Map([
    ['conformance/scenarios/errno-munmap.mms', 'a 48-bit user space: A+127T..A+129T lies below TASK_SIZE (256T), so no EINVAL'],
  ])],
  ['riscv64-sv57', new Map([
    ['conformance/scenarios/errno-mmap.mms', 'a 56-bit user space: the mapping past 2^47 that is ENOMEM on x86_64 succeeds'],
    ['conformance/scenarios/errno-munmap.mms', 'a 56-bit user space: munmap past 2^47 is not beyond TASK_SIZE, so no EINVAL'],
  ])],
  ['ppc64-radix-4k', new Map([
    ['conformance/scenarios/uffd-minor-shmem.mms', 'powerpc has no CONFIG_HAVE_ARCH_USERFAULTFD_MINOR: MODE_MINOR and the MINOR features are EINVAL'],
    ...['async', 'fork', 'hugetlb', 'present', 'shmem', 'sync-fault', 'thp', 'unpopulated'].map((n): [string, string] => [`conformance/scenarios/uffd-wp-${n}.mms`, UFFD_WP_REASON]),
  ])],
]);

/** Clean refusals a scenario may end with (exit code 2) on a format that lacks what it asks for. */
const CLEAN_REFUSALS: readonly RegExp[] = [
  / has no [0-9]+[KMGT] huge pages$/,
  / has no transparent huge pages \(set [A-Za-z0-9._]+\)$/,
];

const FULL = process.env.MMSIM_ALL_FORMATS_FULL === '1';

/** FNV-1a of the pair: the deterministic quarter of the matrix the fast mode runs. */
function sampled(arch: string, file: string): boolean {
  if (FULL) return true;
  let h = 0x811c9dc5;
  for (const ch of `${arch}|${file}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h % 4 === 0;
}

/** Run one scenario on one format; an internal error is returned as a message, not thrown. */
function run(arch: string, s: Scn): RunResult | string {
  try {
    // `arch NAME # first comment`: the statement without moving any line.
    const text = s.text.startsWith('#') ? `arch ${arch} ${s.text}` : `arch ${arch}\n${s.text}`;
    return runLikeCli(text, s.file);
  } catch (e) {
    return `${arch} ${s.file}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
}

/** Every run, once: (arch, file) -> result. Both suites read it. */
const results = new Map<string, RunResult | string>();
function result(arch: string, s: Scn): RunResult | string {
  const key = `${arch}|${s.file}`;
  let r = results.get(key);
  if (r === undefined) results.set(key, (r = run(arch, s)));
  return r;
}

describe('every format runs every scenario without an internal error', () => {
  it('finds the scenarios', () => {
    assert.ok(SCENARIOS.length >= 250, `only ${SCENARIOS.length} scenarios without an arch line`);
    assert.ok(SCENARIOS.filter((s) => s.out !== null).length >= 250);
    for (const s of SCENARIOS) assert.ok(s.text.startsWith('#'), `${s.file} does not start with a comment line`);
    for (const [arch, m] of EXCLUDED) {
      assert.ok(SAME_AS_X86.includes(arch), `EXCLUDED names ${arch}, which is not compared`);
      for (const f of m.keys()) assert.ok(SCENARIOS.some((s) => s.file === f), `EXCLUDED names ${f}, which is not a scenario`);
    }
  });

  for (const arch of formatNames()) {
    it(arch, () => {
      const problems: string[] = [];
      let ran = 0;
      for (const s of SCENARIOS) {
        if (!sampled(arch, s.file)) continue;
        ran++;
        const r = result(arch, s);
        if (typeof r === 'string') problems.push(r);
        else if (r.exitCode === 2 && !CLEAN_REFUSALS.some((re) => re.test(r.error ?? ''))) problems.push(`${arch} ${s.file}: ${r.error ?? 'exit code 2'}`);
      }
      assert.ok(ran >= SCENARIOS.length / 5, `${arch}: only ${ran} scenarios ran`);
      assert.deepEqual(problems, []);
    });
  }
});

describe('4K formats with 4+ levels print the expected x86_64 output', () => {
  for (const arch of SAME_AS_X86) {
    it(arch, () => {
      const excluded = EXCLUDED.get(arch) ?? new Map<string, string>();
      const differ: string[] = [];
      const stale: string[] = [];
      for (const s of SCENARIOS) {
        if (s.out === null || !sampled(arch, s.file)) continue;
        const got = result(arch, s);
        let want = s.out;
        if (typeof got === 'string' || got.exitCode !== 0 || got.output !== want) {
          // Before blaming the format: is this the x86_64 model's own difference (golden suites' business)?
          const ref = result('x86_64', s);
          if (typeof ref === 'string' || ref.exitCode !== 0) continue;
          want = ref.output;
        }
        const same = typeof got !== 'string' && got.exitCode === 0 && got.output === want;
        if (excluded.has(s.file)) {
          if (same) stale.push(`${s.file} (${excluded.get(s.file) ?? ''})`);
        } else if (!same) {
          differ.push(`${s.file}: ${typeof got === 'string' ? got : got.exitCode !== 0 ? got.error ?? `exit ${got.exitCode}` : firstDiff(want, got.output)}`);
        }
      }
      assert.deepEqual(differ, [], `${arch} differs from x86_64`);
      assert.deepEqual(stale, [], `${arch}: exclusions no longer needed`);
    });
  }
});

function firstDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1} of the output: x86_64 ${JSON.stringify(al[i])}, got ${JSON.stringify(bl[i])}`;
  }
  return 'same text';
}
