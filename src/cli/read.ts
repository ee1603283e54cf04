// Reading and parsing a scenario file for the commands: an unreadable file is
// a scenario error at 1:1, like any other reason the scenario cannot run.
import type { Scenario } from '../scenario/ast.js';
import { parseScenario, ScenarioError } from '../scenario/parse.js';
import { formatNames } from '../arch/index.js';

export function readScenario(readFile: (path: string) => string, file: string, arch?: string): Scenario {
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    throw new ScenarioError(file, 1, 1, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const scn = parseScenario(text, file);
  // `--arch NAME` runs the scenario on that format, in place of its `arch` line (or the default).
  return arch === undefined ? scn : { ...scn, header: { ...scn.header, arch: arch as Scenario['header']['arch'] } };
}

/** The value of `--arch NAME` checked against the registry, or an error message. */
export function archOption(name: string | undefined): { arch: string } | { error: string } {
  if (name === undefined || name.startsWith('--')) return { error: '--arch needs a format name (mmsim formats)' };
  if (!formatNames().includes(name)) return { error: `unknown architecture '${name}' (known: ${formatNames().join(', ')})` };
  return { arch: name };
}
