// Command-line front end, kept free of process globals so tests can drive it.
import { formatNames, getFormat } from '../arch/index.js';
import { ScenarioError } from '../scenario/parse.js';
import { archOption, readScenario } from './read.js';
import { runScenario, type RunResult } from '../scenario/run.js';
import { conformFiles } from './conform.js';
import { xlatCommand, xlatUsage } from './xlat.js';
import { vtopCommand, vtopUsage } from './vtop.js';

export interface Io {
  readFile(path: string): string;
  out(text: string): void;
  err(text: string): void;
}

export const usage = `usage: mmsim <command> [options]

commands:
  run FILE...        run .mms scenarios on the model and print the canonical output
                     --json        one JSON object per file (records of every show/error/assert)
                     --no-check    do not run the invariant checker after every statement
                     --arch NAME   run on that page-table format instead of the file's arch line
  conform FILE...    run scenarios on the model and on the real kernel and compare (root, Linux, gcc)
                     --json, --record (write conformance/golden/NAME.out), --harness BIN
  formats            list the page-table formats (arch names)
  xlat --arch NAME --root PADDR --mem FILE VA...
                     translate addresses through a page-table image (lines 'PADDR: VALUE');
                     --kroot, --va-bits, --levels, --pa-bits, --hugepd, --json (mmsim xlat --help)
  vtop FILE ADDR     run a scenario, then walk ADDR (REGION+OFF) level by level in its page tables;
                     --arch NAME, --as PROC, --json (mmsim vtop --help)
  help               this text

exit codes: 0 ok, 1 an assertion failed, 2 the scenario is malformed or cannot run
`;

export function runFiles(argv: string[], io: Io): number {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(usage);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === 'formats') {
    for (const n of formatNames()) io.out(`${n.padEnd(16)} ${getFormat(n).description}\n`);
    return 0;
  }
  if (cmd === 'conform') return conformFiles(rest, io);
  if (cmd === 'xlat' || cmd === 'vtop') {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(cmd === 'xlat' ? xlatUsage : vtopUsage);
      return 0;
    }
    return cmd === 'xlat' ? xlatCommand(rest, io) : vtopCommand(rest, io);
  }
  if (cmd !== 'run') {
    io.err(`mmsim: unknown command '${cmd}'\n${usage}`);
    return 2;
  }
  let json = false;
  let check = true;
  let arch: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') json = true;
    else if (a === '--no-check') check = false;
    else if (a === '--arch') {
      const r = archOption(rest[++i]);
      if ('error' in r) {
        io.err(`mmsim run: ${r.error}\n`);
        return 2;
      }
      arch = r.arch;
    } else if (a.startsWith('--')) {
      io.err(`mmsim run: unknown option '${a}'\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err('mmsim run: no scenario files given\n');
    return 2;
  }
  let worst = 0;
  for (const file of files) {
    let result: RunResult;
    try {
      result = runScenario(readScenario(io.readFile, file, arch), { checkInvariants: check });
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      result = { exitCode: 2, output: '', records: [], error: e.message };
    }
    worst = Math.max(worst, result.exitCode);
    if (json) {
      io.out(JSON.stringify({ file, exitCode: result.exitCode, error: result.error ?? null, records: result.records }) + '\n');
      continue;
    }
    if (files.length > 1) io.out(`==> ${file} <==\n`);
    io.out(result.output);
    if (result.exitCode === 2 && result.error) io.err(result.error + '\n');
  }
  return worst;
}
