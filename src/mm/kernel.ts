// The simulated system: one page-table format, physical memory, the walker,
// processes and files. Syscalls live in the modules next to this one
// (mmap.ts, fault.ts, fork.ts, mremap.ts, madvise.ts); they all change page
// tables through Walker.set(), whose observer is the Rmap of this kernel.
import { getFormat, Kind, Attr, type Format } from '../arch/index.js';
import { PhysMem, FolioFlag } from '../mem/phys.js';
import { Walker, WalkState, BaseVisitor, WALK_CONTINUE, WALK_AGAIN, WALK_SKIP } from '../walk/walker.js';
import { Rmap } from './rmap.js';
import { Mm } from './mm.js';
import { KernelError, fail } from './errno.js';
import type { MappedObject, Vma } from './vma.js';
import { splitHugeLeaf } from './thp.js';
import { unfoldContig } from './contpte.js';
import { HugePool, checkSplit, hugetlbZapRestore, releaseHugeFolio, releaseHugeObject, unreserveRange, unshareAt, unshareForSplit } from './hugetlb.js';
import { VM } from './vma.js';
import { devicePfnBase } from './pfnmap.js';
import { shmemSwapIn, tryFreeSwapCache } from './swap.js';
import { Leaf, MARKER, decodeSoftleaf, makeMarker, newSoftleaf, softleafUffdWp } from './softleaf.js';
import { releaseRecordsOf } from './pins.js';
import type { UffdEvent } from './uffd.js';
import type { SwapDevice } from '../mem/swap.js';
import type { Migration } from './migrate.js';
import { LruBatches } from './lru.js';

/** Pages grabbed by one GUP call: pinned (FOLL_PIN) or referenced (FOLL_GET), released together. */
export interface PinRecord {
  readonly id: number;
  readonly pid: number;
  readonly pin: boolean;
  readonly longterm: boolean;
  /** One pfn per page (the zero page included: pinning it takes nothing). */
  readonly pfns: number[];
}

export interface KernelOptions {
  /** Page-table format (default x86_64). */
  arch?: string;
  /** /sys/kernel/mm/transparent_hugepage/enabled (THP itself: the huge-pages issue). */
  thp?: 'always' | 'madvise' | 'never';
  /** /sys/kernel/mm/transparent_hugepage/use_zero_page. */
  thpZeroPage?: boolean;
  /** /sys/kernel/mm/fault_around_bytes (default 64K). */
  faultAroundBytes?: number;
  /** Per-size anonymous THP knobs (hugepages-<size>kB/enabled), by size in bytes; default never, PMD size inherit. */
  mthp?: Record<number, 'always' | 'madvise' | 'never' | 'inherit'>;
  /**
   * The legacy powerpc hugepd layout (before v6.11; never upstream since):
   * 8xx 8M pages through one hugepte table instead of flagged full PTE
   * tables. Off by default; only for formats with such pages (ppc-8xx).
   */
  hugepd?: boolean;
}

export class Kernel {
  readonly fmt: Format;
  readonly mem: PhysMem;
  readonly walker: Walker;
  readonly rmap: Rmap;
  readonly opts: Required<KernelOptions>;
  readonly procs = new Map<number, Mm>();
  readonly objects = new Map<number, MappedObject>();
  readonly files = new Map<string, MappedObject>();
  private nextPid = 1;
  private nextObjectId = 1;
  private nextAnonVma = 1;
  /** Next free device pfn for pfnmap drivers (no struct pages up there). */
  nextDevicePfn: number;
  /** CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP: drivers may insert PMD/PUD special leaves. */
  hugePfnmap = true;
  /** "BUG: Bad page map" reports (vm_normal_page found a special entry where none may be). */
  readonly badPageMaps: string[] = [];
  /** userfaultfd events delivered to (and resolved by) the model's handler, for the output. */
  readonly uffdEvents: UffdEvent[] = [];
  /** Migrations in progress, by old folio head. */
  readonly migrations = new Map<number, Migration>();
  /** The swap device when swap is on (`set swap=on`). */
  swap: SwapDevice | null = null;
  /** Whether the swap device can take a whole THP (THP_SWAP with a non-rotational device); this machine's cannot. */
  thpSwap = false;
  /** Pins and GUP references taken through GUP and not released yet. */
  readonly pins = new Map<number, PinRecord>();
  /** hugetlb hstates by huge page size in bytes. */
  readonly hugePools = new Map<number, HugePool>();
  /** Head pfn of the huge zero folio once allocated (-1 before). */
  hugeZeroPfn = -1;
  /** The per-CPU LRU batches (one CPU): MADV_FREE's lazyfree batch (src/mm/lru.ts). */
  readonly lru = new LruBatches();
  /** Scratch walk state for point lookups (never held across calls that may re-enter). */
  readonly st: WalkState;

  constructor(opts: KernelOptions = {}) {
    this.opts = {
      arch: opts.arch ?? 'x86_64',
      thp: opts.thp ?? 'madvise',
      thpZeroPage: opts.thpZeroPage ?? true,
      faultAroundBytes: opts.faultAroundBytes ?? 65536,
      mthp: opts.mthp ?? {},
      hugepd: opts.hugepd ?? false,
    };
    this.fmt = getFormat(this.opts.arch);
    this.nextDevicePfn = devicePfnBase(this.fmt);
    this.mem = new PhysMem();
    this.walker = new Walker(this.fmt, this.mem);
    if (this.opts.hugepd) {
      if (this.fmt.tableLeafLevel < 0) throw new KernelError('EINVAL', `${this.fmt.name} has no hugepd layout (only ppc-8xx's 8M pages had one)`);
      this.walker.hugepd = true;
    }
    this.rmap = new Rmap(this.fmt, this.mem);
    this.st = new WalkState(this.fmt.nlevels);
    // free_huge_folio: a hugetlb folio's last reference returns it to its pool.
    this.mem.releaseHuge = (h) => releaseHugeFolio(this, h);
  }

  get pageSize(): number {
    return this.fmt.pageSize;
  }

  // ---------------------------------------------------------- processes

  /** A new process with an empty address space (its pgd is allocated). */
  spawn(name: string): Mm {
    const mm = new Mm(this.nextPid++, name, this.fmt.nlevels);
    this.walker.newRoot(mm);
    this.procs.set(mm.pid, mm);
    return mm;
  }

  newAnonVma(): number {
    return this.nextAnonVma++;
  }

  // -------------------------------------------------------------- files

  /**
   * A regular file of `bytes` (rounded up to pages), written with write(2):
   * its pages are in the page cache, each holding its page index as value tag.
   */
  createFile(name: string, bytes: number): MappedObject {
    if (this.files.has(name)) fail('EEXIST', `file ${name} exists`);
    const obj = this.newObject(name, false);
    obj.sizePages = Math.ceil(bytes / this.pageSize);
    this.files.set(name, obj);
    return obj;
  }

  newObject(name: string, shmem: boolean): MappedObject {
    const obj: MappedObject = { id: this.nextObjectId++, name, shmem, sizePages: 0, cache: new Map(), users: 0, hugeBytes: 0, hugeResv: new Set(), devicePfn: -1, swapped: new Map() };
    this.objects.set(obj.id, obj);
    this.mem.registerOwner({ id: obj.id, shmem });
    return obj;
  }

  /**
   * The page-cache folio for page `index` of `obj` (filemap_fault /
   * shmem_get_folio): created on first use. File pages come back from
   * "disk" with their index as content and PG_mappedtodisk (readahead);
   * shmem pages start zeroed. The cache holds one reference.
   */
  cachePage(obj: MappedObject, index: number): number {
    let h = obj.cache.get(index);
    if (h !== undefined) return h;
    const back = obj.shmem ? shmemSwapIn(this, obj, index) : undefined;
    if (back !== undefined) return back;
    const flags = FolioFlag.UPTODATE | FolioFlag.LRU | (obj.shmem ? FolioFlag.SWAPBACKED : FolioFlag.MAPPEDTODISK);
    h = this.mem.allocFolio(0, flags);
    this.mem.owner[h] = obj.id;
    this.mem.index[h] = index;
    // Each 4K page of a file holds its 4K page index; a bigger base page starts with its first 4K page's.
    this.mem.content[h] = obj.shmem ? 0 : (index * this.pageSize) / 4096;
    this.mem.get(h);
    obj.cache.set(index, h);
    return h;
  }

  /** Drop an object's page cache once nothing maps it (unlinked file / last shmem user). */
  releaseObjectIfUnused(obj: MappedObject): void {
    if (obj.users > 0) return;
    if (obj.hugeBytes > 0) {
      // An anonymous hugetlbfs file is unlinked: its pages and reservations go with the last mapping.
      releaseHugeObject(this, obj);
      this.objects.delete(obj.id);
      return;
    }
    if (!obj.shmem) return;
    for (const h of obj.cache.values()) this.mem.put(h);
    obj.cache.clear();
    // shmem_evict_inode: swapped-out pages of the object go too.
    for (const off of obj.swapped.values()) this.swap?.put(off);
    obj.swapped.clear();
    this.objects.delete(obj.id);
  }

  // ------------------------------------------------------- entry helpers

  /**
   * Split VMAs at `start` and `end` (split_vma). A huge leaf straddling a new
   * boundary is split first (vma_adjust_trans_huge), a contiguous group
   * unfolded, so no leaf ever crosses a VMA boundary.
   */
  isolate(mm: Mm, start: number, end: number): Vma[] {
    for (const edge of [start, end]) {
      const v = mm.vmaAt(edge);
      if (!v || v.start === edge) continue;
      checkSplit(v, edge, this.pageSize);
      unshareForSplit(this, mm, v, edge);
      for (;;) {
        const kind = this.walker.seek(mm, edge, this.st);
        const st = this.st;
        if (kind === Kind.NONE || st.vpn === edge || st.npages === 1) break;
        if (st.npages > this.fmt.pagesPerEntry[st.level]) unfoldContig(this, mm, st.slot, st.index, st.level, st.vpn);
        else splitHugeLeaf(this, mm, st.slot, st.index, st.level, st.vpn);
      }
    }
    return mm.isolate(start, end);
  }

  /** Find the leaf at vpn; returns the kind, details in this.st. */
  lookup(mm: Mm, vpn: number): number {
    return this.walker.seek(mm, vpn, this.st);
  }

  /**
   * Zap [start, end) of `vma` (zap_page_range / unmap_page_range in
   * mm/memory.c): every leaf inside goes through the walker's door, which
   * drops mapcounts, references and rss.
   */
  zap(mm: Mm, start: number, end: number, dropMarkers = true): void {
    const z = this.zapper;
    z.mm = mm;
    z.start = start;
    z.end = end;
    z.dropMarkers = dropMarkers;
    this.walker.walk(mm, start, end, z);
  }

  private readonly zapper = new ZapVisitor(this);

  /** Free the page tables of a range whose VMAs are gone (free_pgtables, mm/mmap.c). */
  freePgtables(mm: Mm, start: number, end: number): void {
    const i = mm.vmas.findIndex((v) => v.start >= end);
    const next = i >= 0 ? mm.vmas[i] : undefined;
    const prevs = mm.vmas.filter((v) => v.end <= start);
    const prev = prevs[prevs.length - 1];
    // floor: the end of the previous VMA; ceiling: the start of the next one.
    this.walker.freeRange(mm, this.rmap, start, end, prev ? prev.end : 0, next ? next.start : this.walker.topPages);
  }

  /** Unmap VMAs exactly covering [start, end) (do_vmi_align_munmap): zap, remove, free tables. */
  unmapVmas(mm: Mm, vmas: Vma[]): void {
    if (vmas.length === 0) return;
    for (const v of vmas) this.zap(mm, v.start, v.end);
    const start = vmas[0].start;
    const end = vmas[vmas.length - 1].end;
    for (const v of vmas) this.closeVma(mm, v);
    this.freePgtables(mm, start, end);
  }

  /** Remove a VMA whose range was zapped (vma_close + remove_vma). */
  closeVma(mm: Mm, v: Vma): void {
    mm.remove(v);
    if (v.has(VM.HUGETLB)) unreserveRange(this, v, v.start, v.end);
    if (v.object) this.releaseObjectIfUnused(v.object);
  }

  /** Tear down an address space (exit_mmap): everything is zapped and every table freed. */
  exitMm(mm: Mm): void {
    if (!mm.alive) return;
    // The process's pins go first (its io_uring fixed buffers are unregistered when it exits).
    releaseRecordsOf(this, mm.pid);
    const vmas = [...mm.vmas];
    for (const v of vmas) this.zap(mm, v.start, v.end);
    for (const v of vmas) this.closeVma(mm, v);
    this.walker.freeRange(mm, this.rmap, 0, this.walker.topPages, 0, this.walker.topPages);
    this.walker.freeRoot(mm);
    mm.alive = false;
    this.procs.delete(mm.pid);
    // mm/debug: "BUG: Bad rss-counter state" and pgtables_bytes must be 0 at teardown.
    for (let i = 0; i < mm.rss.length; i++) if (mm.rss[i] !== 0) throw new Error(`Bad rss-counter state mm:${mm.pid} type:${i} val:${mm.rss[i]}`);
    if (mm.tables.some((n) => n !== 0)) throw new Error(`pgtables not freed at exit of mm ${mm.pid}: ${[...mm.tables].join(',')}`);
  }
}

/** zap_pte_range and friends as one visitor: any leaf at any level inside the range is cleared. */
class ZapVisitor extends BaseVisitor {
  mm!: Mm;
  start = 0;
  end = 0;
  /** ZAP_FLAG_DROP_MARKER: munmap and exit drop markers; MADV_DONTNEED keeps guard and uffd-wp markers. */
  dropMarkers = true;
  private readonly sl = newSoftleaf();
  private readonly k: Kernel;
  constructor(k: Kernel) {
    super();
    this.k = k;
  }

  /** __unmap_hugepage_range: a shared PMD table is not zapped, this mm just lets go of it. */
  override tablePre(slot: number, level: number, vpn: number): number {
    const k = this.k;
    if (k.walker.store.slotShare[slot] === 0 || level === k.fmt.nlevels - 1) return WALK_CONTINUE;
    const vma = this.mm.vmaAt(Math.max(vpn, this.start));
    if (vma && unshareAt(k, this.mm, vma, Math.max(vpn, this.start))) return WALK_SKIP;
    return WALK_CONTINUE;
  }

  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
    const k = this.k;
    const w = k.walker;
    if (vpn < this.start || vpn + npages > this.end) {
      // Only part of the leaf goes: unfold a contiguous group, or split a huge
      // leaf's mapping (split_huge_pmd; the folio stays whole), then zap again.
      if (npages > k.fmt.pagesPerEntry[level]) unfoldContig(k, this.mm, slot, index, level, vpn);
      else splitHugeLeaf(k, this.mm, slot, index, level, vpn);
      return WALK_AGAIN;
    }
    const kind = k.fmt.codec.kind(lo, hi, level);
    if (kind === Kind.SWAP && !this.dropMarkers && decodeSoftleaf(k.fmt.codec, lo, hi, level, this.sl).kind === Leaf.MARKER) {
      return WALK_CONTINUE; // zap_nonpresent_ptes keeps markers unless told to drop them
    }
    // zap_install_uffd_wp_if_needed: a file-backed uffd-wp VMA keeps the protection as a marker (anonymous ones drop it).
    let keep = 0;
    if (!this.dropMarkers) {
      const vma = this.mm.vmaAt(vpn);
      const wp = kind === Kind.LEAF ? k.fmt.codec.has(lo, hi, Attr.UFFD_WP) : softleafUffdWp(decodeSoftleaf(k.fmt.codec, lo, hi, level, this.sl));
      if (vma && wp && vma.has(VM.UFFD_WP) && !vma.isAnonymous) keep = MARKER.UFFD_WP;
    }
    if (kind === Kind.LEAF && !k.fmt.codec.has(lo, hi, Attr.SPECIAL)) {
      // zap_present_ptes: the folio's dirty bit moves from the entry to the folio.
      const pfn = k.fmt.codec.pfn(lo, hi);
      if (k.mem.isFolioPage(pfn) && k.fmt.codec.has(lo, hi, Attr.DIRTY)) k.mem.folioFlags[k.mem.headOf(pfn)] |= FolioFlag.DIRTY;
      // __unmap_hugepage_range: the reservation owner's zapped page gives its reservation back.
      if (k.mem.isFolioPage(pfn) && (k.mem.folioFlags[k.mem.headOf(pfn)] & FolioFlag.HUGETLB) !== 0) hugetlbZapRestore(k, this.mm, vpn, k.mem.headOf(pfn));
    }
    const per = k.fmt.pagesPerEntry[level];
    const m = keep !== 0 ? makeMarker(k.fmt.codec, keep) : null;
    const mlo = m ? m.lo : 0;
    const mhi = m ? m.hi : 0;
    // What the entry pointed at, to let the swap cache go afterwards (free_swap_and_cache / free_swap_cache).
    let cachedFolio = -1;
    let swapOff = -1;
    if (k.swap && kind === Kind.LEAF) {
      const pfn = k.fmt.codec.pfn(lo, hi);
      if (k.mem.isFolioPage(pfn) && (k.mem.folioFlags[k.mem.headOf(pfn)] & FolioFlag.SWAPCACHE) !== 0) cachedFolio = k.mem.headOf(pfn);
    } else if (k.swap && kind === Kind.SWAP) {
      const leaf = decodeSoftleaf(k.fmt.codec, lo, hi, level, this.sl);
      if (leaf.kind === Leaf.SWAP) swapOff = leaf.offset;
    }
    for (let i = 0; i < w.leafEntries(npages, level); i++) w.set(this.mm, k.rmap, slot, index + i, level, vpn + i * per, mlo, mhi);
    if (level > 0) w.freeDeposit(this.mm, k.rmap, vpn);
    if (cachedFolio >= 0 && k.mem.totalMapcount[cachedFolio] === 0) tryFreeSwapCache(k, cachedFolio);
    if (swapOff >= 0 && k.swap && (k.swap.count.get(swapOff) ?? 0) === 0) {
      const h = k.swap.cache.get(swapOff);
      if (h !== undefined && k.mem.totalMapcount[h] === 0) tryFreeSwapCache(k, h);
    }
    return WALK_CONTINUE;
  }
}

