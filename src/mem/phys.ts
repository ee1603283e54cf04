// Simulated physical memory: frames (base pages of the format) and folios,
// struct-of-arrays indexed by pfn, like the kernel's memmap. A folio is a
// naturally aligned power-of-two run of frames described at its head pfn.
// Refcount, mapcount and pincount follow include/linux/mm.h and mm/rmap.c:
// - every mapping (a PTE of a page, or a PMD/PUD "entire" mapping) holds one
//   reference and one mapcount;
// - the page cache and swap cache hold one reference per page;
// - FOLL_PIN adds GUP_PIN_COUNTING_BIAS (1024) to the refcount of a small
//   folio, and 1 to refcount and _pincount of a large one.
import type { FrameSource } from '../pt/store.js';

/** What a frame is used for. */
export const FrameKind = {
  FREE: 0,
  /** Part of a folio (anon, page cache, shmem, hugetlb). */
  FOLIO: 1,
  /** A page table. */
  TABLE: 2,
  /** The shared zero page (never refcounted by mappings). */
  ZERO: 3,
  /** Frames behind a pfnmap: no struct page to speak of. */
  RAW: 4,
} as const;

/** Folio flags (a subset of page-flags.h that the views can observe). */
export const FolioFlag = {
  ANON: 1 << 0,
  SWAPBACKED: 1 << 1,
  DIRTY: 1 << 2,
  UPTODATE: 1 << 3,
  LRU: 1 << 4,
  HUGETLB: 1 << 5,
  /** The huge zero folio. */
  ZERO: 1 << 6,
  SWAPCACHE: 1 << 7,
  /** PG_mappedtodisk on a page-cache folio (readahead). */
  MAPPEDTODISK: 1 << 8,
  /** Large, rmappable, non-hugetlb (kpageflags THP). */
  LARGE_RMAPPABLE: 1 << 9,
  /**
   * HPG_restore_reserve (mm/hugetlb.c): freeing this hugetlb folio gives a
   * reservation back to its pool (free_huge_folio: resv_huge_pages++).
   */
  HUGETLB_RESTORE_RESERVE: 1 << 10,
} as const;

/** Per-page flags. */
export const PageFlag = {
  /** PageAnonExclusive (kpageflags shows it as MAPPEDTODISK on anon pages). */
  ANON_EXCLUSIVE: 1 << 0,
} as const;

/** Added to a small folio's refcount per FOLL_PIN (include/linux/mm.h GUP_PIN_COUNTING_BIAS). */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** Owner of a page-cache folio: a file or a shmem object. */
export interface CacheOwner {
  readonly id: number;
  readonly shmem: boolean;
}

export class PhysMem implements FrameSource {
  kind: Uint8Array;
  head: Float64Array;
  order: Uint8Array;
  refcount: Int32Array;
  /** Precise per-page mapcount from PTE mappings (CONFIG_PAGE_MAPCOUNT). */
  pageMapcount: Int32Array;
  /** PMD/PUD mappings of the whole folio (head only). */
  entireMapcount: Int32Array;
  /** All mappings of the folio: PTE mappings + entire mappings (head only). */
  totalMapcount: Int32Array;
  /** _pincount of a large folio (head only). */
  pincount: Int32Array;
  folioFlags: Uint32Array;
  pageFlags: Uint8Array;
  /** The 32-bit value tag that `write ... value=` stores in a page. */
  content: Uint32Array;
  /** Page-cache owner id (0 = none) and the file index of the head page. */
  owner: Int32Array;
  index: Float64Array;
  /** Allocation serial number of each folio (head): identifies a folio even after its frames are reused. */
  serial: Float64Array;
  private nextSerial = 1;

  private readonly freeLists: number[][] = [];
  private bump: number;
  readonly zeroPfn: number;
  /** Frames in use, by kind, for the checker and for leak tests. */
  readonly inUse = new Int32Array(5);
  readonly owners = new Map<number, CacheOwner>();

  constructor(initialFrames = 4096) {
    this.kind = new Uint8Array(initialFrames);
    this.head = new Float64Array(initialFrames);
    this.order = new Uint8Array(initialFrames);
    this.refcount = new Int32Array(initialFrames);
    this.pageMapcount = new Int32Array(initialFrames);
    this.entireMapcount = new Int32Array(initialFrames);
    this.totalMapcount = new Int32Array(initialFrames);
    this.pincount = new Int32Array(initialFrames);
    this.folioFlags = new Uint32Array(initialFrames);
    this.pageFlags = new Uint8Array(initialFrames);
    this.content = new Uint32Array(initialFrames);
    this.owner = new Int32Array(initialFrames);
    this.index = new Float64Array(initialFrames);
    this.serial = new Float64Array(initialFrames);
    // Low frames stay unused (like the kernel's reserved low memory), so no
    // real frame is pfn 0; the zero page sits right after.
    this.bump = 0x100;
    this.zeroPfn = this.take(0);
    this.kind[this.zeroPfn] = FrameKind.ZERO;
    this.inUse[FrameKind.ZERO]++;
  }

  get size(): number {
    return this.kind.length;
  }

  // ----------------------------------------------------------- allocator

  /** Take 2^order naturally aligned free frames; returns the first pfn. */
  private take(order: number): number {
    const list = this.freeLists[order];
    if (list && list.length > 0) return list.pop() as number;
    const n = 2 ** order;
    const pfn = Math.ceil(this.bump / n) * n;
    // Frames skipped for alignment go back as order-0 frames.
    for (let p = this.bump; p < pfn; p++) this.give(p, 0);
    this.bump = pfn + n;
    if (this.bump > this.kind.length) this.grow(this.bump);
    return pfn;
  }

  private give(pfn: number, order: number): void {
    (this.freeLists[order] ??= []).push(pfn);
  }

  allocTableFrame(): number {
    const pfn = this.take(0);
    this.kind[pfn] = FrameKind.TABLE;
    this.inUse[FrameKind.TABLE]++;
    return pfn;
  }

  freeTableFrame(pfn: number): void {
    if (this.kind[pfn] !== FrameKind.TABLE) throw new Error(`pfn ${pfn} is not a page table`);
    this.kind[pfn] = FrameKind.FREE;
    this.inUse[FrameKind.TABLE]--;
    this.give(pfn, 0);
  }

  /** Allocate a folio of 2^order pages with refcount 0 (its first mapping or cache entry takes the first reference). */
  allocFolio(order: number, flags: number): number {
    const h = this.take(order);
    const n = 2 ** order;
    for (let p = h; p < h + n; p++) {
      this.kind[p] = FrameKind.FOLIO;
      this.head[p] = h;
      this.pageMapcount[p] = 0;
      this.pageFlags[p] = 0;
      this.content[p] = 0;
    }
    this.order[h] = order;
    this.refcount[h] = 0;
    this.entireMapcount[h] = 0;
    this.totalMapcount[h] = 0;
    this.pincount[h] = 0;
    this.folioFlags[h] = flags | (order > 0 && (flags & FolioFlag.HUGETLB) === 0 ? FolioFlag.LARGE_RMAPPABLE : 0);
    this.owner[h] = 0;
    this.index[h] = 0;
    this.serial[h] = this.nextSerial++;
    this.inUse[FrameKind.FOLIO] += n;
    return h;
  }

  /**
   * split_folio_to_order(0) (mm/huge_memory.c __split_huge_page): a large
   * folio mapped only by PTEs and referenced only by its mappings becomes
   * order-0 folios with the same pfns. The first keeps the folio's identity.
   * Returns false (as can_split_folio does) when there are extra references
   * (pins, GUP, the swap or page cache) or PMD mappings.
   */
  splitFolio(h: number): boolean {
    const n = this.nrPages(h);
    if (n === 1) return true;
    if ((this.folioFlags[h] & FolioFlag.HUGETLB) !== 0 || this.entireMapcount[h] !== 0) return false;
    if (this.pincount[h] !== 0 || this.refcount[h] !== this.totalMapcount[h]) return false;
    const flags = this.folioFlags[h] & ~FolioFlag.LARGE_RMAPPABLE;
    for (let p = h; p < h + n; p++) {
      this.head[p] = p;
      this.order[p] = 0;
      this.refcount[p] = this.pageMapcount[p];
      this.totalMapcount[p] = this.pageMapcount[p];
      this.entireMapcount[p] = 0;
      this.pincount[p] = 0;
      this.folioFlags[p] = flags;
      this.owner[p] = this.owner[h];
      this.index[p] = this.index[h] + (p - h);
      if (p !== h) this.serial[p] = this.nextSerial++;
    }
    // Pages no longer mapped anywhere are freed right away.
    for (let p = h; p < h + n; p++) if (this.refcount[p] === 0) this.freeFolio(p);
    return true;
  }

  /** A folio reused without going through the allocator (a hugetlb pool page) is a new folio to observers. */
  renew(h: number): void {
    this.serial[h] = this.nextSerial++;
  }

  /** Return a folio's frames; it must be unreferenced and unmapped. */
  freeFolio(h: number): void {
    if (this.refcount[h] !== 0 || this.totalMapcount[h] !== 0 || this.pincount[h] !== 0) {
      throw new Error(`freeing folio ${h} with refcount ${this.refcount[h]}, mapcount ${this.totalMapcount[h]}, pincount ${this.pincount[h]}`);
    }
    const n = 2 ** this.order[h];
    for (let p = h; p < h + n; p++) this.kind[p] = FrameKind.FREE;
    this.inUse[FrameKind.FOLIO] -= n;
    this.give(h, this.order[h]);
  }

  // ---------------------------------------------------------- refcounts

  isFolioPage(pfn: number): boolean {
    return pfn < this.kind.length && this.kind[pfn] === FrameKind.FOLIO;
  }

  headOf(pfn: number): number {
    return this.head[pfn];
  }

  nrPages(h: number): number {
    return 2 ** this.order[h];
  }

  get(h: number, n = 1): void {
    this.refcount[h] += n;
  }

  /** Where a hugetlb folio goes when its last reference drops (its pool), set by the kernel. */
  releaseHuge: ((h: number) => void) | null = null;

  /** Drop references; frees the folio when the last one goes (folio_put). */
  put(h: number, n = 1): void {
    const r = (this.refcount[h] -= n);
    if (r < 0) throw new Error(`folio ${h}: refcount underflow`);
    if (r !== 0) return;
    if ((this.folioFlags[h] & FolioFlag.HUGETLB) !== 0 && this.releaseHuge) {
      if (this.totalMapcount[h] !== 0) throw new Error(`hugetlb folio ${h} freed while mapped`);
      this.releaseHuge(h);
    } else this.freeFolio(h);
  }

  /** folio_maybe_dma_pinned (include/linux/mm.h): pincount for large, refcount >= bias for small. */
  maybeDmaPinned(h: number): boolean {
    return this.order[h] > 0 ? this.pincount[h] > 0 : this.refcount[h] >= GUP_PIN_COUNTING_BIAS;
  }

  /** Precise mapcount of one page: its PTE mappings plus the folio's entire mappings (page_mapcount). */
  mapcountOfPage(pfn: number): number {
    return this.pageMapcount[pfn] + this.entireMapcount[this.head[pfn]];
  }

  // -------------------------------------------------------------- misc

  registerOwner(o: CacheOwner): void {
    this.owners.set(o.id, o);
  }

  private grow(min: number): void {
    let n = this.kind.length;
    while (n < min) n *= 2;
    const g = <T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.head = g(this.head, (k) => new Float64Array(k));
    this.order = g(this.order, (k) => new Uint8Array(k));
    this.refcount = g(this.refcount, (k) => new Int32Array(k));
    this.pageMapcount = g(this.pageMapcount, (k) => new Int32Array(k));
    this.entireMapcount = g(this.entireMapcount, (k) => new Int32Array(k));
    this.totalMapcount = g(this.totalMapcount, (k) => new Int32Array(k));
    this.pincount = g(this.pincount, (k) => new Int32Array(k));
    this.folioFlags = g(this.folioFlags, (k) => new Uint32Array(k));
    this.pageFlags = g(this.pageFlags, (k) => new Uint8Array(k));
    this.content = g(this.content, (k) => new Uint32Array(k));
    this.owner = g(this.owner, (k) => new Int32Array(k));
    this.index = g(this.index, (k) => new Float64Array(k));
    this.serial = g(this.serial, (k) => new Float64Array(k));
  }
}
