// A swap device (mm/swapfile.c): slots with a use count (swap_map: one per
// swap PTE referring to the slot) and an optional swap-cache folio. Slot 0
// is the header, as on a real swap file. The model keeps each slot's page
// contents (the 32-bit value tag) so swap-in restores them.
export class SwapDevice {
  readonly type: number;
  /** Use count per offset (swap PTEs and shmem swap references). */
  readonly count = new Map<number, number>();
  /** Contents of swapped pages. */
  readonly content = new Map<number, number>();
  /** Swap-cache folio (head pfn) per offset. */
  readonly cache = new Map<number, number>();
  private next = 1;
  private readonly freed: number[] = [];

  constructor(type = 0) {
    this.type = type;
  }

  /** get_swap_page: a free slot, with count 0 until an entry refers to it. */
  alloc(content: number): number {
    const off = this.freed.length > 0 ? (this.freed.shift() as number) : this.next++;
    this.count.set(off, 0);
    this.content.set(off, content);
    return off;
  }

  /** swap_duplicate */
  dup(off: number): void {
    const c = this.count.get(off);
    if (c === undefined) throw new Error(`swap slot ${off} is not allocated`);
    this.count.set(off, c + 1);
  }

  /** swap_free: drops a reference; the slot is freed when nothing refers to it. */
  put(off: number): void {
    const c = this.count.get(off);
    if (c === undefined || c <= 0) throw new Error(`swap slot ${off}: count underflow`);
    this.count.set(off, c - 1);
    this.maybeFree(off);
  }

  maybeFree(off: number): void {
    if ((this.count.get(off) ?? 0) === 0 && !this.cache.has(off)) {
      this.count.delete(off);
      this.content.delete(off);
      this.freed.push(off);
      this.freed.sort((a, b) => a - b);
    }
  }

  get used(): number {
    return this.count.size;
  }
}
