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
  /** Entries of every table: slot s, entry i at words[slotBase[s] + 2 * i] (lo), + 1 (hi). */
  words: Uint32Array;
  /** Entries of the largest table of the format. */
  readonly stride: number;
  /** Entries of a table at each level (a slot is exactly its table's size: a 32-entry radix-64K PTE table does not take a pgd's 8192); null: every table has `stride`. */
  private readonly levelEntries: Int32Array | null;
  /** Word offset of each slot's first entry in `words`. */
  slotBase: Int32Array;
  /** Entries of the table in each slot. */
  slotEntries: Int32Array;
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
  /** Freed slots by table size: a slot keeps its place in `words` and is reused for a table of its size. */
  private readonly freeSlots = new Map<number, number[]>();
  private nextSlot = 0;
  /** End of the words handed out so far (slots are carved from `words` in allocation order). */
  private nextWord = 0;
  private readonly frames: FrameSource;
  /** Tables currently allocated. */
  live = 0;

  /**
   * `levelEntries`: entries of a table at each level (default: every table has
   * `stride` entries, and slot s then starts at word s * stride * 2).
   */
  constructor(stride: number, frames: FrameSource, initialSlots = 64, levelEntries?: ArrayLike<number>) {
    this.stride = stride;
    this.frames = frames;
    this.levelEntries = levelEntries ? Int32Array.from(levelEntries) : null;
    this.words = new Uint32Array(initialSlots * stride * 2);
    this.slotBase = new Int32Array(initialSlots);
    this.slotEntries = new Int32Array(initialSlots);
    this.slotPfn = new Float64Array(initialSlots);
    this.slotLevel = new Int8Array(initialSlots).fill(-1);
    this.slotUsed = new Int32Array(initialSlots);
    this.slotShare = new Int32Array(initialSlots);
  }

  /** Allocate a zeroed table for `level`; returns its slot. */
  alloc(level: number): number {
    const size = this.levelEntries?.[level] ?? this.stride;
    let slot = this.freeSlots.get(size)?.pop();
    if (slot === undefined) slot = this.carve(size);
    this.init(slot, level);
    return slot;
  }

  /**
   * Allocate `n` tables in consecutive slots and consecutive words, so their
   * entries are one array (the tables of an 8xx 8M page); returns the first
   * slot. Each table is still its own frame and is freed on its own.
   */
  allocRun(level: number, n: number): number {
    const size = this.levelEntries?.[level] ?? this.stride;
    const first = this.carve(size);
    this.init(first, level);
    for (let j = 1; j < n; j++) this.init(this.carve(size), level);
    return first;
  }

  /** A new slot id and `size` entries of fresh words. */
  private carve(size: number): number {
    const slot = this.nextSlot++;
    if (slot >= this.slotPfn.length) this.grow(slot + 1);
    const need = this.nextWord + size * 2;
    if (need > this.words.length) {
      let n = this.words.length || 1024;
      while (n < need) n *= 2;
      const words = new Uint32Array(n);
      words.set(this.words);
      this.words = words;
    }
    this.slotBase[slot] = this.nextWord;
    this.slotEntries[slot] = size;
    this.nextWord = need;
    return slot;
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
    const base = this.slotBase[slot];
    const size = this.slotEntries[slot];
    this.words.fill(0, base, base + size * 2);
    this.slotOfPfnPlus1[this.slotPfn[slot]] = 0;
    this.frames.freeTableFrame(this.slotPfn[slot]);
    this.slotLevel[slot] = -1;
    let list = this.freeSlots.get(size);
    if (!list) this.freeSlots.set(size, (list = []));
    list.push(slot);
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
    const base = new Int32Array(n);
    base.set(this.slotBase);
    this.slotBase = base;
    const entries = new Int32Array(n);
    entries.set(this.slotEntries);
    this.slotEntries = entries;
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
