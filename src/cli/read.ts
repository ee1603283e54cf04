// Reading and parsing a scenario file for the commands: an unreadable file is
// a scenario error at 1:1, like any other reason the scenario cannot run.
import type { Scenario } from '../scenario/ast.js';
import { parseScenario, ScenarioError } from '../scenario/parse.js';

export function readScenario(readFile: (path: string) => string, file: string): Scenario {
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    throw new ScenarioError(file, 1, 1, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseScenario(text, file);
}
