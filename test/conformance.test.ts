// Conformance against the real kernel, checked on every `npm test` without root
// or gcc: every conformance/scenarios/NAME.mms that has a golden file
// conformance/golden/NAME.out (the harness's output on Linux 6.18 x86-64,
// recorded with `mmsim conform --record`) is run on the model, and the model's
// canonical output must equal the golden text. Scenarios where the model
// differs today, or cannot run yet, are in KNOWN_DIFFERENCES with a diagnosis
// and run as `todo`, so the suite stays green until src/ is fixed.
//
// When the machine can run the harness (Linux 6.18, root, gcc) the live
// comparison runs too: each scenario through the model and the kernel, as
// `mmsim conform` does, and the kernel's output must still equal the golden
// file. Elsewhere it is skipped with the reason. MMSIM_CONFORM_LIVE=0 turns it
// off; MMSIM_CONFORM_LIVE=1 runs it on any kernel version.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { conformFile, harnessUnavailable, prepareHarness, runModel, unifiedDiff } from '../src/cli/conform.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS = `${ROOT}conformance/scenarios/`;
const GOLDEN = `${ROOT}conformance/golden/`;


/** Scenario name -> why the model's output differs from the kernel's (the lead fixes src/). */
export const KNOWN_DIFFERENCES: ReadonlyMap<string, string> = new Map<string, string>([]);

const scenarios = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.mms'))
  .map((f) => f.slice(0, -'.mms'.length))
  .sort();
const withGolden = scenarios.filter((n) => existsSync(`${GOLDEN}${n}.out`));

describe('conformance goldens (model against the recorded kernel output)', () => {
  it('has at least 80 scenarios, most with a golden file', () => {
    assert.ok(scenarios.length >= 80, `only ${scenarios.length} scenarios in conformance/scenarios`);
    assert.ok(withGolden.length >= 80, `only ${withGolden.length} golden files in conformance/golden`);
    for (const f of readdirSync(GOLDEN)) {
      assert.ok(f.endsWith('.out') && scenarios.includes(f.slice(0, -'.out'.length)), `conformance/golden/${f} has no scenario`);
    }
    for (const n of KNOWN_DIFFERENCES.keys()) assert.ok(withGolden.includes(n), `KNOWN_DIFFERENCES lists '${n}', which has no golden file`);
  });

  for (const name of withGolden) {
    const todo = KNOWN_DIFFERENCES.get(name);
    it(name, todo === undefined ? {} : { todo }, () => {
      const display = `conformance/scenarios/${name}.mms`;
      const golden = readFileSync(`${GOLDEN}${name}.out`, 'utf8');
      const r = runModel(readFileSync(`${SCENARIOS}${name}.mms`, 'utf8'), display);
      assert.equal(r.exitCode === 2 ? r.error : undefined, undefined, `${name}: the model cannot run it`);
      if (r.output !== golden) assert.fail(`${name}: the model differs from the kernel\n${unifiedDiff(r.output, golden, 'model', 'kernel (golden)')}`);
    });
  }
});

/** Why the live comparison does not run here, or null. */
function liveUnavailable(): string | null {
  const env = process.env.MMSIM_CONFORM_LIVE;
  if (env === '0') return 'MMSIM_CONFORM_LIVE=0';
  const why = harnessUnavailable();
  if (why) return why;
  if (env !== '1' && !release().startsWith('6.18')) return `the goldens are from Linux 6.18, this is ${release()} (MMSIM_CONFORM_LIVE=1 to run anyway)`;
  if (spawnSync('gcc', ['--version'], { stdio: 'ignore' }).error) return 'no gcc to build conformance/harness.c';
  return null;
}

describe('live conformance (model against the running kernel, through conformance/harness.c)', () => {
  const why = liveUnavailable();
  if (why) {
    it('runs only as root on Linux 6.18 with gcc', { skip: why }, () => {});
    return;
  }
  const harness = prepareHarness();
  if ('unavailable' in harness) {
    it('builds the harness', () => assert.fail(harness.unavailable));
    return;
  }
  for (const name of scenarios) {
    const todo = KNOWN_DIFFERENCES.get(name);
    it(name, todo === undefined ? {} : { todo }, (t) => {
      const r = conformFile(`${SCENARIOS}${name}.mms`, harness);
      const gpath = `${GOLDEN}${name}.out`;
      if (r.kernel !== undefined && existsSync(gpath)) {
        const golden = readFileSync(gpath, 'utf8');
        if (r.kernel !== golden) assert.fail(`${name}: the kernel no longer prints the golden output\n${unifiedDiff(golden, r.kernel, 'golden', 'kernel')}`);
      }
      if (r.status === 'skipped') {
        t.skip(r.reason);
        return;
      }
      if (r.status === 'different') assert.fail(`${name}: ${r.reason ?? 'the model differs from the kernel'}\n${r.diff ?? ''}`);
    });
  }
});
