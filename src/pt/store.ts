// Page-table memory. Every table is a frame of the simulated physical memory
// (it has a pfn, and table entries point at it by pfn, as on hardware); its
// entries live in one shared Uint32Array as (lo, hi) word pairs, 8 bytes an
// entry (../shared/docs/ts-walk-perf.md: typed pairs, no per-entry objects).
// Only src/walk reads or writes entries; everything else goes through it.

/** Where frames come from: physical memory hands out and takes back pfns. */
export interface FrameSource {
  allocTableFrame(): number;
  freeTableFrame(pfn: number): void;
}

export class TableStore {
  /** Entries of every table: slot s, entry i at words[(s * stride + i) * 2]. */
  words: Uint32Array;
  /** Entries per slot (the largest table of the format). */
  readonly stride: number;
  /** pfn of the frame each slot lives in. */
  slotPfn: Float64Array;
  /** Level of the table in each slot, -1 when free. */
  slotLevel: Int8Array;
  /** Non-none entries in each table (kept by writeEntry; the invariant checker recounts). */
  slotUsed: Int32Array;
  /** Number of page tables sharing this table (hugetlb PMD sharing); 0 = private. */
  slotShare: Int32Array;
  /** pfn -> slot (+1; 0 = not a table): a typed array, the walker reads it once per table. */
  slotOfPfnPlus1: Int32Array = new Int32Array(1024);
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private readonly frames: FrameSource;
  /** Tables currently allocated. */
  live = 0;

  constructor(stride: number, frames: FrameSource, initialSlots = 64) {
    this.stride = stride;
    this.frames = frames;
    this.words = new Uint32Array(initialSlots * stride * 2);
    this.slotPfn = new Float64Array(initialSlots);
    this.slotLevel = new Int8Array(initialSlots).fill(-1);
    this.slotUsed = new Int32Array(initialSlots);
    this.slotShare = new Int32Array(initialSlots);
  }

  /** Allocate a zeroed table for `level`; returns its slot. */
  alloc(level: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot >= this.slotPfn.length) this.grow(slot + 1);
    }
    this.init(slot, level);
    return slot;
  }

  /**
   * Allocate `n` tables in consecutive slots, so their entries are one array
   * (the tables of an 8xx 8M page); returns the first slot. Each table is
   * still its own frame and is freed on its own.
   */
  allocRun(level: number, n: number): number {
    const first = this.nextSlot;
    this.nextSlot += n;
    if (this.nextSlot > this.slotPfn.length) this.grow(this.nextSlot);
    for (let s = first; s < first + n; s++) this.init(s, level);
    return first;
  }

  private init(slot: number, level: number): void {
    const pfn = this.frames.allocTableFrame();
    this.slotPfn[slot] = pfn;
    this.slotLevel[slot] = level;
    this.slotUsed[slot] = 0;
    this.slotShare[slot] = 0;
    if (pfn >= this.slotOfPfnPlus1.length) {
      let n = this.slotOfPfnPlus1.length;
      while (n <= pfn) n *= 2;
      const a = new Int32Array(n);
      a.set(this.slotOfPfnPlus1);
      this.slotOfPfnPlus1 = a;
    }
    this.slotOfPfnPlus1[pfn] = slot + 1;
    this.live++;
  }

  /** Free a table; it must be empty (freeing a populated table would leak its pages). */
  free(slot: number): void {
    if (this.slotLevel[slot] < 0) throw new Error(`double free of page table slot ${slot}`);
    if (this.slotUsed[slot] !== 0) throw new Error(`freeing page table slot ${slot} with ${this.slotUsed[slot]} entries in use`);
    const base = slot * this.stride * 2;
    this.words.fill(0, base, base + this.stride * 2);
    this.slotOfPfnPlus1[this.slotPfn[slot]] = 0;
    this.frames.freeTableFrame(this.slotPfn[slot]);
    this.slotLevel[slot] = -1;
    this.freeSlots.push(slot);
    this.live--;
  }

  /** Slot of the table living in frame `pfn`, or -1 (a corrupt table pointer). */
  slotOfPfn(pfn: number): number {
    return pfn < this.slotOfPfnPlus1.length ? this.slotOfPfnPlus1[pfn] - 1 : -1;
  }

  /** Every allocated slot (for checkers and dumps; not a hot path). */
  *slots(): IterableIterator<number> {
    for (let s = 0; s < this.nextSlot; s++) if (this.slotLevel[s] >= 0) yield s;
  }

  private grow(minSlots: number): void {
    let n = this.slotPfn.length;
    while (n < minSlots) n *= 2;
    const words = new Uint32Array(n * this.stride * 2);
    words.set(this.words);
    this.words = words;
    const pfn = new Float64Array(n);
    pfn.set(this.slotPfn);
    this.slotPfn = pfn;
    const level = new Int8Array(n).fill(-1);
    level.set(this.slotLevel);
    this.slotLevel = level;
    const used = new Int32Array(n);
    used.set(this.slotUsed);
    this.slotUsed = used;
    const share = new Int32Array(n);
    share.set(this.slotShare);
    this.slotShare = share;
  }
}

/**
 * The root of one address space's page tables and the kernel's counters for
 * them: nr_ptes / nr_pmds / nr_puds (mm_pgtables_bytes, VmPTE in
 * /proc/PID/status). The top-level table (pgd) is not counted, as in
 * include/linux/mm.h; folded levels do not exist here.
 */
export class PtRoot {
  rootSlot: number;
  /** Tables owned, per level (index 0 = PTE tables). The root is counted at its level too. */
  readonly tables: Int32Array;
  /**
   * PTE tables deposited beside huge leaves (pgtable_trans_huge_deposit): an
   * anonymous or huge-zero PMD leaf keeps one preallocated table, counted in
   * nr_ptes, that a later split uses. Keyed by the leaf's first vpn.
   */
  readonly deposits = new Map<number, number>();

  constructor(rootSlot: number, nlevels: number) {
    this.rootSlot = rootSlot;
    this.tables = new Int32Array(nlevels);
  }
}
