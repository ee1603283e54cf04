// Canonical names for addresses and frames, so the same state prints the same
// text on the model and on the real kernel (docs/output-format.md):
// - addresses relative to the region whose base is the nearest at or below;
// - frames as folio labels (#1, #2+5) in order of first appearance, the zero
//   page as `zero`, the huge zero folio as `hzero+i`.
import { formatSize } from './size.js';

export interface Region {
  name: string;
  /** Base byte address. */
  base: number;
  /** Length in bytes at definition. */
  len: number;
}

export class RegionTable {
  private readonly regions: Region[] = [];
  private readonly byName = new Map<string, Region>();
  /** End of the highest region placed so far (placement cursor). */
  private highest = 0;

  define(name: string, base: number, len: number): void {
    const r = { name, base, len };
    this.byName.set(name, r);
    this.regions.push(r);
    this.regions.sort((a, b) => a.base - b.base);
    this.highest = Math.max(this.highest, base + len);
  }

  get(name: string): Region | undefined {
    return this.byName.get(name);
  }

  /**
   * Deterministic placement (scenario-format.md): the next 1 GiB boundary that
   * leaves at least 1 GiB unmapped after every region placed so far; the first
   * region goes at PLACEMENT_BASE.
   */
  nextSlot(): number {
    if (this.highest === 0) return this.base;
    return Math.ceil((this.highest + this.gap) / this.gap) * this.gap;
  }

  /** Where the first region goes: 1 TiB, or a quarter of a smaller user space (riscv Sv39: 64 GiB). */
  base = PLACEMENT_BASE;
  /** The gap and alignment between regions: 1 GiB, or 1/16 of a user space under 16 GiB (ppc 8xx: 128 MiB). */
  gap = GIB;

  /** Scale placement to a user space of `bytes`. */
  fitTo(bytes: number): void {
    this.gap = Math.min(GIB, 2 ** Math.floor(Math.log2(bytes / 16)));
    this.base = Math.min(PLACEMENT_BASE, Math.floor(bytes / 4 / this.gap) * this.gap);
  }

  /**
   * `A+4K`: relative to the region with the greatest base at or below the
   * address (below it, for the exclusive end of a range), or hex when none.
   */
  name(addr: number, isEnd = false): string {
    let best: Region | undefined;
    for (const r of this.regions) if (isEnd ? r.base < addr : r.base <= addr) best = r;
    if (!best) return '0x' + addr.toString(16);
    return `${best.name}+${formatSize(addr - best.base)}`;
  }
}

export const GIB = 2 ** 30;
/** Where the first region is placed: 1 TiB, far from anything a real process maps. */
export const PLACEMENT_BASE = 2 ** 40;

/** Folio labels in order of first appearance. */
export class FrameLabels {
  private readonly labels = new Map<number, number>();
  private next = 1;

  /**
   * The label number of a folio, assigned on first use. Keyed by the folio's
   * identity (the model's allocation serial; the harness uses the head pfn).
   */
  of(identity: number): number {
    let l = this.labels.get(identity);
    if (l === undefined) {
      l = this.next++;
      this.labels.set(identity, l);
    }
    return l;
  }
}
