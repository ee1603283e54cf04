// Sizes of the `.mms` language: `4K`, `2M`, `1G`, `1T` (powers of 1024), plain
// decimal bytes, or `0x...` hex bytes. BigInt does the arithmetic so that a value
// past 2^53 is rejected instead of silently rounded.

const SHIFTS: Readonly<Record<string, bigint>> = { '': 0n, K: 10n, M: 20n, G: 30n, T: 40n };
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes, or null when `text` is not a size or does not fit a safe integer. */
export function parseSize(text: string): number | null {
  let value: bigint;
  if (/^0x[0-9A-Fa-f]+$/.test(text)) {
    value = BigInt(text);
  } else {
    const m = /^([0-9]+)([KMGT]?)$/.exec(text);
    if (m === null) return null;
    value = BigInt(m[1]) << SHIFTS[m[2]];
  }
  return value <= MAX_SAFE ? Number(value) : null;
}

/** A plain non-negative integer (decimal or `0x` hex, no unit), or null. */
export function parseUnsigned(text: string): number | null {
  if (!/^(?:[0-9]+|0x[0-9A-Fa-f]+)$/.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_SAFE ? Number(value) : null;
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['T', 2 ** 40],
  ['G', 2 ** 30],
  ['M', 2 ** 20],
  ['K', 2 ** 10],
];

/** The largest unit that divides exactly, so that `parseSize(formatSize(n)) === n`. */
export function formatSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`not a size: ${bytes}`);
  if (bytes === 0) return '0';
  for (const [unit, scale] of UNITS) {
    if (bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return String(bytes);
}
