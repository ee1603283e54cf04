// Golden scenarios: every test/scenarios/NAME.mms is run on the model with the
// invariant checker on, and its canonical output must equal NAME.out exactly.
// The .out files were written by hand from kernel-oracle.md and the kernel's
// rules (each .mms says which), not copied from the model. Scenarios where the
// model is known to disagree are listed in KNOWN_MODEL_BUGS and run as `todo`
// so the suite stays green until src/ is fixed.
//
// Also: one test per error class of the runner (malformed, not supported,
// failed assertion, failed operation without `expect`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runFiles, type Io } from '../src/cli/commands.js';
import { ScenarioError, parseScenario } from '../src/scenario/parse.js';
import { runLikeCli } from './helpers/scenario.js';

/** The repository root: this file runs as dist/test/scenarios.test.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = `${ROOT}test/scenarios/`;

/** Scenario name -> why the model's output differs from the expected one (the lead fixes src/). */
export const KNOWN_MODEL_BUGS: ReadonlyMap<string, string> = new Map<string, string>([]);

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.mms'))
  .map((f) => f.slice(0, -'.mms'.length))
  .sort();

describe('golden scenarios (test/scenarios)', () => {
  it('has scenarios, each with an expected output', () => {
    assert.ok(names.length >= 25, `only ${names.length} scenarios in ${DIR}`);
    const outs = new Set(readdirSync(DIR).filter((f) => f.endsWith('.out')).map((f) => f.slice(0, -'.out'.length)));
    for (const n of names) assert.ok(outs.has(n), `${n}.mms has no ${n}.out`);
    for (const n of KNOWN_MODEL_BUGS.keys()) assert.ok(names.includes(n), `KNOWN_MODEL_BUGS lists '${n}', which is not a scenario`);
  });

  for (const name of names) {
    const todo = KNOWN_MODEL_BUGS.get(name);
    it(name, todo === undefined ? {} : { todo }, () => {
      const file = `test/scenarios/${name}.mms`;
      const text = readFileSync(`${DIR}${name}.mms`, 'utf8');
      const expected = readFileSync(`${DIR}${name}.out`, 'utf8');
      const r = runLikeCli(text, file);
      assert.equal(r.error, undefined, `${name}: ${r.error ?? ''}`);
      assert.equal(r.exitCode, 0);
      assert.equal(r.output, expected);
    });
  }
});

describe('runner error classes', () => {
  it('a malformed scenario: FILE:LINE:COL: message, exit code 2, nothing runs', () => {
    const text = ['A = mmap 4M rw private anon', 'write A+0 4K', 'munmap A+0 4Q', 'show maps'].join('\n');
    assert.throws(
      () => parseScenario(text, 'bad.mms'),
      (e: unknown) => {
        assert.ok(e instanceof ScenarioError);
        assert.equal(e.line, 3);
        assert.equal(e.col, 12);
        assert.equal(e.message, "bad.mms:3:12: bad size '4Q'");
        return true;
      },
    );
    const r = runLikeCli(text, 'bad.mms');
    assert.equal(r.exitCode, 2);
    assert.equal(r.output, '');
    assert.deepEqual(r.records, []);
    assert.match(r.error ?? '', /^bad\.mms:3:12: /);

    // Through the CLI: the message goes to stderr, nothing to stdout.
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { readFile: () => text, out: (s) => out.push(s), err: (s) => err.push(s) };
    assert.equal(runFiles(['run', 'bad.mms'], io), 2);
    assert.equal(out.join(''), '');
    assert.equal(err.join(''), "bad.mms:3:12: bad size '4Q'\n");
  });

  it('an unknown name is a parse error at its column', () => {
    const r = runLikeCli('A = mmap 4M rw private anon\nread B+0 4K\n', 'names.mms');
    assert.equal(r.exitCode, 2);
    assert.equal(r.output, '');
    assert.match(r.error ?? '', /^names\.mms:2:6: .*'B'/);
  });

  it('an unsupported statement: exit code 2, "not supported yet" at its line:col, nothing runs', () => {
    // mmap's `growsdown` flag (MAP_GROWSDOWN) is parsed but not modelled yet.
    const uffd = runLikeCli(['A = mmap 4M rw private anon', 'write A+0 4K', 'show maps', '  B = mmap 4M rw private anon growsdown'].join('\n'), 'u.mms');
    assert.equal(uffd.exitCode, 2);
    assert.equal(uffd.output, '', 'the scenario is rejected before anything runs');
    assert.deepEqual(uffd.records, []);
    assert.match(uffd.error ?? '', /^u\.mms:4:3: .*not supported yet/);

    // Inside `expect`, the location is the expect statement's.
    const guard = runLikeCli(['A = mmap 4M rw private anon', 'expect EINVAL madvise A+0 8K remove'].join('\n'), 'g.mms');
    assert.equal(guard.exitCode, 2);
    assert.equal(guard.output, '');
    assert.match(guard.error ?? '', /^g\.mms:2:1: .*not supported yet/);
  });

  it('a failing assertion: exit code 1, FILE:LINE: assertion failed:, the run stops there', () => {
    const text = [
      'A = mmap 4M rw private anon',
      'read A+0 4K',
      'show pagemap A+0 4K',
      'assert pagemap A+0 4K present exclusive',
      'show maps',
    ].join('\n');
    const r = runLikeCli(text, 'a.mms');
    assert.equal(r.exitCode, 1);
    assert.match(r.error ?? '', /^a\.mms:4: assertion failed: /);
    assert.deepEqual(
      r.records.map((x) => [x.line, x.kind]),
      [
        [3, 'show'],
        [4, 'assert'],
      ],
    );
    const lines = r.output.split('\n');
    assert.equal(lines[0], '== pagemap A+0 4K (main) ==');
    assert.ok(lines.some((l) => l.startsWith('a.mms:4: assertion failed: ')), r.output);
    assert.ok(!r.output.includes('== maps'), 'nothing after the failed assertion runs');
  });

  it('an `expect` whose operation succeeds is a failed assertion', () => {
    const r = runLikeCli('A = mmap 4M rw private anon\nexpect EINVAL munmap A+0 4K\n', 'e.mms');
    assert.equal(r.exitCode, 1);
    assert.equal(r.error, 'e.mms:2: assertion failed: expected EINVAL from munmap, got success');
  });

  it('an operation that fails without `expect` prints its errno and the run goes on', () => {
    const text = [
      'A = mmap 64K rw private anon',
      'munmap A+1 4K',
      'read A+64K 4K',
      'write A+0 4K',
      'show pagemap A+0 4K',
    ].join('\n');
    const r = runLikeCli(text, 'o.mms');
    assert.equal(r.exitCode, 0);
    assert.equal(r.error, undefined);
    assert.equal(
      r.output,
      [
        '! line 2: munmap: EINVAL',
        '! line 3: read: SIGSEGV',
        '== pagemap A+0 4K (main) ==',
        'A+0 x1 pm:P,X scan:PR,WR kpf:ANON,SWAPBACKED,MMAP,MAPPEDTODISK cnt:1 frame:#1',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      r.records.map((x) => [x.line, x.kind, x.what]),
      [
        [2, 'error', 'munmap'],
        [3, 'error', 'read'],
        [5, 'show', 'pagemap'],
      ],
    );
  });
});
