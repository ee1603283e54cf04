// 64-bit entries are handled as two 32-bit words (lo, hi) everywhere: BigInt in
// the hot path is 18-30x slower (../shared/docs/ts-walk-perf.md). These helpers
// read and build bit fields that may straddle the word boundary, using exact
// double arithmetic (every field here is at most 52 bits wide).

/** A mask over a 64-bit entry, split into its low and high 32-bit words. */
export interface Mask64 {
  readonly lo: number;
  readonly hi: number;
}

export const NO_BITS: Mask64 = { lo: 0, hi: 0 };

/** The mask with only bit `n` (0..63) set. */
export function bit(n: number): Mask64 {
  if (!Number.isInteger(n) || n < 0 || n > 63) throw new RangeError(`bit ${n} out of 0..63`);
  return n < 32 ? { lo: (1 << n) >>> 0, hi: 0 } : { lo: 0, hi: (1 << (n - 32)) >>> 0 };
}

/** The union of several masks. */
export function bits(...ns: (number | Mask64)[]): Mask64 {
  let lo = 0;
  let hi = 0;
  for (const n of ns) {
    const m = typeof n === 'number' ? bit(n) : n;
    lo |= m.lo;
    hi |= m.hi;
  }
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/** The mask of `width` bits starting at bit `shift`. */
export function fieldMask(shift: number, width: number): Mask64 {
  let lo = 0;
  let hi = 0;
  for (let b = shift; b < shift + width; b++) {
    if (b < 32) lo |= 1 << b;
    else hi |= 1 << (b - 32);
  }
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

const TWO32 = 4294967296;

/** Read the unsigned field [shift, shift+width) of the entry (width <= 52). */
export function getField(lo: number, hi: number, shift: number, width: number): number {
  // Assemble the value as hi*2^32 + lo restricted to the field, without 64-bit ints.
  let v: number;
  if (shift >= 32) {
    v = Math.floor((hi >>> 0) / 2 ** (shift - 32));
  } else {
    // (hi:lo) >> shift = hi * 2^(32-shift) + (lo >>> shift); may exceed 2^53 before
    // masking, so mask hi to the bits that can land inside the field first.
    const hiBitsNeeded = Math.max(0, Math.min(32, shift + width - 32));
    const hiPart = hiBitsNeeded === 32 ? hi >>> 0 : (hi >>> 0) % 2 ** hiBitsNeeded;
    v = hiPart * 2 ** (32 - shift) + ((lo >>> 0) >>> shift);
  }
  return v % 2 ** width;
}

/** Place `value` (0 <= value < 2^width) in field [shift, shift+width); returns words via `out`. */
export function putField(out: Word2, shift: number, width: number, value: number): void {
  if (value < 0 || value >= 2 ** width || !Number.isInteger(value)) {
    throw new RangeError(`value ${value} does not fit in a ${width}-bit field`);
  }
  if (shift >= 32) {
    out.hi = (out.hi | (value * 2 ** (shift - 32))) >>> 0;
    return;
  }
  const lowBits = 32 - shift; // bits of the value that go into lo
  const low = value % 2 ** lowBits;
  const high = Math.floor(value / 2 ** lowBits);
  out.lo = (out.lo | (low * 2 ** shift)) >>> 0;
  if (high !== 0) out.hi = (out.hi | high) >>> 0;
}

/** A mutable (lo, hi) pair: the output slot of encoders, reused to avoid allocation. */
export interface Word2 {
  lo: number;
  hi: number;
}

export function hex64(lo: number, hi: number): string {
  return '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Parse a hex/decimal 64-bit literal into words (BigInt is fine at API boundaries). */
export function parse64(text: string): Word2 {
  const v = BigInt(text);
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`${text} is not a 64-bit value`);
  return { lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) };
}

export function toBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export { TWO32 };
