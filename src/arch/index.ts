// The registry of formats by the names scenarios use (`arch NAME`).
import { Format, type FormatSpec } from './format.js';
import { x86_64, x86_64_la57 } from './x86_64.js';
import { arm64_4k, arm64_16k, arm64_64k } from './arm64.js';

const SPECS: readonly FormatSpec[] = [x86_64, x86_64_la57, arm64_4k, arm64_16k, arm64_64k];
const cache = new Map<string, Format>();

export function formatNames(): string[] {
  return SPECS.map((s) => s.name);
}

/** The format called `name`, built once. Throws with the list of known names. */
export function getFormat(name: string): Format {
  let f = cache.get(name);
  if (f) return f;
  const spec = SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown architecture '${name}' (known: ${formatNames().join(', ')})`);
  f = new Format(spec);
  cache.set(name, f);
  return f;
}

export * from './format.js';
export * from './bits.js';
