#!/usr/bin/env node
// The mmsim command: run scenarios on the model and print the canonical output.
import { readFileSync } from 'node:fs';
import { runFiles, usage } from './commands.js';

const code = runFiles(process.argv.slice(2), {
  readFile: (f) => readFileSync(f, 'utf8'),
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
});
process.exitCode = code;
export { usage };
