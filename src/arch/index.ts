// The registry of formats by the names scenarios use (`arch NAME`).
import { Format, type FormatSpec } from './format.js';
import { x86_64, x86_64_la57 } from './x86_64.js';
import { arm64_4k, arm64_16k, arm64_64k } from './arm64.js';
import { riscvSpecs } from './riscv64.js';
import { ppc8xxSpec, ppc64Specs } from './ppc.js';
import { codecDecodesClearOnly } from './variants.js';

/**
 * Formats whose exact encoding needs clear-only attributes (8xx pte_write =
 * "RO clear"; riscv/book3s NX = "exec clear") use it when the codec decodes
 * them; ppc-8xx cannot run without it and is registered only then.
 */
const CLEAR_ONLY = codecDecodesClearOnly();

const SPECS: readonly FormatSpec[] = [
  x86_64,
  x86_64_la57,
  arm64_4k,
  arm64_16k,
  arm64_64k,
  ...riscvSpecs(CLEAR_ONLY),
  ...(CLEAR_ONLY ? [ppc8xxSpec(true)] : []),
  ...ppc64Specs(CLEAR_ONLY),
];
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
