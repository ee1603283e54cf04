// An address space (struct mm_struct): page-table root and counters, and the
// VMAs sorted by address. VMA splitting and merging follow mm/vma.c.
import { PtRoot } from '../pt/store.js';
import type { Accounted } from './rmap.js';
import { Vma } from './vma.js';

export class Mm extends PtRoot implements Accounted {
  readonly pid: number;
  name: string;
  /** VMAs in address order, non-overlapping. */
  readonly vmas: Vma[] = [];
  readonly rss = new Float64Array(4);
  hugetlbPages = 0;
  /**
   * The mm took part in hugetlb PMD sharing. hugetlb_usage then follows the
   * faulting and the zapping mm, not what the tables map, as in the kernel,
   * so the checker cannot hold it to the tables any more.
   */
  hugetlbShared = false;
  alive = true;
  /** MMF_HAS_PINNED: the mm has had pages pinned with FOLL_PIN. */
  hasPinned = false;

  constructor(pid: number, name: string, nlevels: number) {
    super(-1, nlevels);
    this.pid = pid;
    this.name = name;
  }

  /** Index of the first VMA with end > vpn (find_vma), or vmas.length. */
  private firstEndingAfter(vpn: number): number {
    let lo = 0;
    let hi = this.vmas.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.vmas[mid].end > vpn) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** find_vma: the first VMA ending above vpn (it may start above vpn). */
  findVma(vpn: number): Vma | undefined {
    return this.vmas[this.firstEndingAfter(vpn)];
  }

  /** vma_lookup: the VMA containing vpn. */
  vmaAt(vpn: number): Vma | undefined {
    const v = this.findVma(vpn);
    return v && v.start <= vpn ? v : undefined;
  }

  /** VMAs overlapping [start, end), in order. */
  overlapping(start: number, end: number): Vma[] {
    const out: Vma[] = [];
    for (let i = this.firstEndingAfter(start); i < this.vmas.length && this.vmas[i].start < end; i++) out.push(this.vmas[i]);
    return out;
  }

  /** Whether [start, end) is entirely covered by VMAs with no gap. */
  fullyMapped(start: number, end: number): boolean {
    let at = start;
    for (const v of this.overlapping(start, end)) {
      if (v.start > at) return false;
      at = v.end;
    }
    return at >= end;
  }

  prevOf(v: Vma): Vma | undefined {
    const i = this.vmas.indexOf(v);
    return i > 0 ? this.vmas[i - 1] : undefined;
  }

  nextOf(v: Vma): Vma | undefined {
    const i = this.vmas.indexOf(v);
    return i >= 0 && i + 1 < this.vmas.length ? this.vmas[i + 1] : undefined;
  }

  insert(v: Vma): void {
    const i = this.firstEndingAfter(v.start);
    if (i < this.vmas.length && this.vmas[i].start < v.end) throw new Error('overlapping VMA insert');
    this.vmas.splice(i, 0, v);
  }

  remove(v: Vma): void {
    const i = this.vmas.indexOf(v);
    if (i < 0) throw new Error('removing a VMA that is not in the mm');
    this.vmas.splice(i, 1);
    if (v.object) v.object.users--;
  }

  /**
   * Split VMAs so that `start` and `end` are VMA boundaries (split_vma);
   * returns the VMAs now exactly inside [start, end).
   */
  isolate(start: number, end: number): Vma[] {
    for (const edge of [start, end]) {
      const v = this.vmaAt(edge);
      if (v && v.start < edge) this.insertAfter(v, v.splitAt(edge));
    }
    return this.overlapping(start, end);
  }

  private insertAfter(v: Vma, tail: Vma): void {
    this.vmas.splice(this.vmas.indexOf(v) + 1, 0, tail);
  }

  /**
   * Merge the VMAs touching [start, end) with compatible neighbours, as the
   * kernel tries after mmap, mprotect, madvise and mremap (mm/vma.c vma_merge_*).
   */
  mergeAround(start: number, end: number): void {
    let i = Math.max(0, this.firstEndingAfter(start) - 1);
    while (i + 1 < this.vmas.length && this.vmas[i].start <= end) {
      const a = this.vmas[i];
      const b = this.vmas[i + 1];
      if (a.canMergeWith(b) && b.start <= end && a.end >= start) {
        a.end = b.end;
        if (a.anonVma === 0) a.anonVma = b.anonVma;
        this.vmas.splice(i + 1, 1);
        if (b.object) b.object.users--;
        continue;
      }
      i++;
    }
  }
}
