// The checksum every variant computes: count of present leaves (n), sum of
// their pfns (s; for lookups the pfn of the page: leaf pfn + offset in the
// leaf), sum of their first vpns (v; for lookups the looked-up vpn) and count
// of writable ones (w). All four stay below 2^53 for the bench's trees (leaf
// pfns < 2^28), so doubles are exact and equal C's uint64_t sums.
export class Sum {
  n = 0;
  s = 0;
  v = 0;
  w = 0;

  reset(): void {
    this.n = 0;
    this.s = 0;
    this.v = 0;
    this.w = 0;
  }

  copyFrom(o: SumLike): this {
    this.n = o.n;
    this.s = o.s;
    this.v = o.v;
    this.w = o.w;
    return this;
  }

  equals(o: SumLike): boolean {
    return this.n === o.n && this.s === o.s && this.v === o.v && this.w === o.w;
  }

  toString(): string {
    return `{n=${this.n} s=${this.s} v=${this.v} w=${this.w}}`;
  }
}

export interface SumLike {
  readonly n: number;
  readonly s: number;
  readonly v: number;
  readonly w: number;
}
