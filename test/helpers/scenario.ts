// Running a scenario file from a test as the CLI does.
import { ScenarioError, parseScenario } from '../../src/scenario/parse.js';
import { runScenario, type RunResult } from '../../src/scenario/run.js';

/** Parse and run with the invariant checker on: a malformed file is exit code 2 with the parser's message. */
export function runLikeCli(text: string, file: string): RunResult {
  try {
    return runScenario(parseScenario(text, file), { checkInvariants: true });
  } catch (e) {
    if (e instanceof ScenarioError) return { exitCode: 2, output: '', records: [], error: e.message };
    throw e;
  }
}
