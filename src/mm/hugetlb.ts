// hugetlb: per-size pools with free/reserved counts (mm/hugetlb.c
// hugetlb_reserve_pages, alloc_hugetlb_folio, free_huge_folio), faults
// (hugetlb_fault / hugetlb_no_page / hugetlb_wp), and the alignment rules.
// A hugetlb page is a leaf of the one walker like any other: a PMD or PUD
// leaf, or a contiguous group of entries; there is no second walker. What
// differs is the folio (HUGETLB, from a pool, never split) and the VMA
// (VM_HUGETLB: huge-aligned splits, reservations).
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';
import { fit, vmaProt } from './pte.js';
import { VM, type MappedObject, type Vma } from './vma.js';

/**
 * How a huge page size is mapped in this format: `entries` entries at `level`
 * (a contiguous group when > 1, whose entries carry `attrs`), spread over
 * flagged tables when `tables` >= 0 (8xx 8M: the flagged level).
 */
export interface HugeGeometry {
  bytes: number;
  pages: number;
  level: number;
  entries: number;
  attrs: number;
  tables: number;
}

/** One hstate: its pool of huge pages. */
export class HugePool {
  readonly geo: HugeGeometry;
  /** nr_hugepages. */
  nr = 0;
  /** Free huge pages (head pfns). */
  readonly free: number[] = [];
  /** resv_huge_pages: reserved, not yet faulted in. */
  resv = 0;
  constructor(geo: HugeGeometry) {
    this.geo = geo;
  }
}

/** Reserved huge-page indices of a private mapping (its resv_map), shared by the VMA's pieces. */
export interface ResvMap {
  readonly reserved: Set<number>;
}

/**
 * The hugetlb VMA lock (mm/hugetlb.c hugetlb_vma_lock_read/write): faults
 * hold it shared, PMD unsharing holds it exclusive, so a fault never sees a
 * shared PMD table disappear under it. Sequential here; modelled so that a
 * race explorer can interleave holders, and so the checker can prove it is
 * always released.
 */
export class HugetlbVmaLock {
  readers = 0;
  writer = false;
  readLock(): void {
    if (this.writer) throw new Error('hugetlb VMA lock: read while held for write');
    this.readers++;
  }
  readUnlock(): void {
    if (this.readers <= 0) throw new Error('hugetlb VMA lock: read unlock without lock');
    this.readers--;
  }
  writeLock(): void {
    if (this.writer || this.readers > 0) throw new Error('hugetlb VMA lock: write while held');
    this.writer = true;
  }
  writeUnlock(): void {
    if (!this.writer) throw new Error('hugetlb VMA lock: write unlock without lock');
    this.writer = false;
  }
  get held(): boolean {
    return this.writer || this.readers > 0;
  }
}

/** The huge page sizes a format offers for hugetlb: its leaf sizes above the base page. */
export function hugeGeometry(k: Kernel, bytes: number): HugeGeometry | null {
  for (const s of k.fmt.leafSizes()) {
    if (s.bytes !== bytes || bytes <= k.pageSize) continue;
    // The hugepd layout holds a page of flagged tables in one hugepte entry.
    const entries = s.tables >= 0 && k.walker.hugepd ? 1 : s.cont;
    return { bytes, pages: bytes / k.pageSize, level: s.level, entries, attrs: s.attrs, tables: s.tables };
  }
  return null;
}

export function pool(k: Kernel, bytes: number): HugePool {
  let p = k.hugePools.get(bytes);
  if (!p) {
    const geo = hugeGeometry(k, bytes);
    if (!geo) fail('EINVAL', `no ${bytes}-byte huge pages on ${k.fmt.name}`);
    p = new HugePool(geo);
    k.hugePools.set(bytes, p);
  }
  return p;
}

/**
 * echo N > nr_hugepages: grow or shrink the pool. Shrinking frees free pages
 * only, down to max(N, resv + in use) (set_max_huge_pages' min_count; resv
 * can be -1 there, see releaseHugeFolio).
 */
export function setPoolSize(k: Kernel, bytes: number, n: number): void {
  const p = pool(k, bytes);
  const order = Math.log2(p.geo.pages);
  while (p.nr < n) {
    const h = k.mem.allocFolio(order, FolioFlag.HUGETLB);
    p.free.push(h);
    p.nr++;
  }
  while (p.nr > n && p.free.length > p.resv && p.free.length > 0) {
    const h = p.free.pop() as number;
    k.mem.freeFolio(h);
    p.nr--;
  }
}

/**
 * free_huge_folio: a hugetlb folio whose last reference went back to its
 * pool. A folio flagged HPG_restore_reserve (set when the reservation
 * owner's mapping of it was zapped, hugetlbZapRestore) gives a reservation
 * back now: resv_huge_pages++. Measured on Linux 6.18: while such a folio is
 * still mapped by a fork child, the owner's refault (or munmap) already took
 * the restored reservation, and HugePages_Rsvd reads 2^64-1 (-1) until the
 * child lets go of the folio; the model keeps the same signed count.
 */
export function releaseHugeFolio(k: Kernel, h: number): void {
  const bytes = k.mem.nrPages(h) * k.pageSize;
  const p = pool(k, bytes);
  if ((k.mem.folioFlags[h] & FolioFlag.HUGETLB_RESTORE_RESERVE) !== 0) p.resv++;
  k.mem.folioFlags[h] = FolioFlag.HUGETLB;
  k.mem.owner[h] = 0;
  for (let i = h; i < h + p.geo.pages; i++) k.mem.pageFlags[i] = 0;
  p.free.push(h);
}

/**
 * hugetlb_acct_memory: take `n` reservations or fail with ENOMEM
 * (gather_surplus_pages: resv + n <= free, no surplus pages; and n no more
 * than the free pages, the allowed_mems_nr check, which matters when resv
 * went negative).
 */
function reserve(p: HugePool, n: number): void {
  if (p.resv + n > p.free.length || n > p.free.length) fail('ENOMEM', 'not enough free huge pages to reserve');
  p.resv += n;
}

/**
 * hugetlb_reserve_pages at mmap: a private mapping reserves every huge page
 * of its range in its own resv_map; a shared one reserves the file's pages
 * that are not reserved or present yet. MAP_NORESERVE reserves nothing.
 */
export function reserveForMmap(k: Kernel, vma: Vma): ResvMap | null {
  const obj = vma.object as MappedObject;
  const p = pool(k, obj.hugeBytes);
  if (vma.has(VM.NORESERVE)) return null;
  const per = p.geo.pages;
  const first = Math.floor(vma.pgoff / per);
  const last = Math.ceil((vma.pgoff + vma.pages) / per);
  if (!vma.has(VM.MAYSHARE)) {
    reserve(p, last - first);
    const map: ResvMap = { reserved: new Set() };
    for (let i = first; i < last; i++) map.reserved.add(i);
    return map;
  }
  const want: number[] = [];
  for (let i = first; i < last; i++) if (!obj.hugeResv.has(i) && !obj.cache.has(i * per)) want.push(i);
  reserve(p, want.length);
  for (const i of want) obj.hugeResv.add(i);
  return null;
}

/** hugetlb_vm_op_close for a private mapping's piece: its unused reservations go back. */
export function unreserveRange(k: Kernel, vma: Vma, start: number, end: number): void {
  if (!vma.hugeResv || !vma.hugeResvOwner) return;
  const p = pool(k, (vma.object as MappedObject).hugeBytes);
  const per = p.geo.pages;
  for (let i = Math.floor(vma.pgoffAt(start) / per); i < Math.ceil(vma.pgoffAt(end) / per); i++) {
    if (vma.hugeResv.reserved.delete(i)) p.resv--;
  }
}

/** The last mapping of a hugetlb file went: its page cache and reservations go (remove_inode_hugepages). */
export function releaseHugeObject(k: Kernel, obj: MappedObject): void {
  const p = pool(k, obj.hugeBytes);
  p.resv -= obj.hugeResv.size;
  obj.hugeResv.clear();
  for (const h of obj.cache.values()) k.mem.put(h);
  obj.cache.clear();
}

/**
 * Take a page from the pool, consuming a reservation when there is one; -1
 * when none (SIGBUS at fault). alloc_hugetlb_folio /
 * dequeue_hugetlb_folio_vma: without a reservation the pool must hold a page
 * nobody reserved; with one, any free page does (there are no surplus pages:
 * nr_overcommit_hugepages is 0), and a failure leaves the reservation alone
 * (vma_end_reservation).
 */
function allocHugeFolio(k: Kernel, p: HugePool, reserved: boolean): number {
  if (p.free.length === 0 || (!reserved && p.free.length - p.resv <= 0)) return -1;
  if (reserved) p.resv--;
  const h = p.free.pop() as number;
  k.mem.renew(h);
  return h;
}

/** The huge page size of a hugetlb VMA. */
export function hugeSize(vma: Vma): number {
  return (vma.object as MappedObject).hugeBytes;
}

/**
 * huge_pte_alloc (mm/hugetlb.c, arch/powerpc/mm/hugetlbpage.c): the table and
 * index of the first entry of the huge page at `base`, tables allocated.
 */
export function hugePteAlloc(k: Kernel, mm: Mm, geo: HugeGeometry, base: number): { slot: number; first: number } {
  if (geo.tables >= 0) return { slot: k.walker.tableLeafTables(mm, k.rmap, base), first: 0 };
  // One seek: a contiguous group lives in one table, and seek reports a group from its first entry.
  const st = k.st;
  k.walker.seek(mm, base, st, geo.level, k.rmap);
  if (st.level !== geo.level) throw new Error('hugetlb: a leaf above the huge page level');
  return { slot: st.slot, first: st.indices[geo.level] - (st.indices[geo.level] % geo.entries) };
}

/** Install a huge mapping: one leaf, or a contiguous group of entries, for the folio h. */
function installHuge(k: Kernel, mm: Mm, p: HugePool, base: number, h: number, attrs: number): void {
  const { level, entries } = p.geo;
  const per = k.fmt.pagesPerEntry[level];
  const a = fit(k.fmt, attrs | p.geo.attrs);
  const { slot, first } = hugePteAlloc(k, mm, p.geo, base);
  for (let i = 0; i < entries; i++) {
    const e = k.fmt.codec.leaf(h + i * per, a, level);
    k.walker.set(mm, k.rmap, slot, first + i, level, base + i * per, e.lo, e.hi);
  }
}

/**
 * hugetlb_fault: a none entry gets a page from the pool (hugetlb_no_page):
 * the file's page-cache page for shared mappings, a new anonymous page for
 * private ones (mapped writable at once on a write fault); SIGBUS when the
 * pool has nothing for us. A write to a read-only private page is hugetlb_wp.
 */
export function hugetlbFault(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean, unshare = false): void {
  vma.hugeLock.readLock();
  try {
    hugetlbFaultLocked(k, mm, vma, vpn, write, unshare);
  } finally {
    vma.hugeLock.readUnlock();
  }
}

function hugetlbFaultLocked(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean, unshare: boolean): void {
  const obj = vma.object as MappedObject;
  const p = pool(k, obj.hugeBytes);
  const per = p.geo.pages;
  const base = vpn - ((vpn - vma.start) % per);
  const idx = Math.floor(vma.pgoffAt(base) / per);
  const c = k.fmt.codec;
  const st = k.st;
  pmdShare(k, mm, vma, p, base);
  const kind = k.walker.seek(mm, base, st, p.geo.level, k.rmap);
  if (kind === Kind.LEAF) {
    if ((!write && !unshare) || c.has(st.lo, st.hi, Attr.WRITE)) return;
    return hugetlbWp(k, mm, vma, p, base, unshare);
  }
  if (kind !== Kind.NONE) fail('SIGBUS', 'non-present hugetlb entries are not supported yet');
  // hugetlb_no_page: the reservation owner took a page of this mapping away (unmap_ref_private).
  if (vma.hugeResvUnmapped) fail('SIGBUS', 'killed due to inadequate hugepage pool (HPAGE_RESV_UNMAPPED)');
  const shared = vma.has(VM.MAYSHARE);
  let h: number;
  if (shared) {
    const cached = obj.cache.get(idx * per);
    if (cached !== undefined) h = cached;
    else {
      const reserved = obj.hugeResv.has(idx);
      h = allocHugeFolio(k, p, reserved);
      if (h < 0) fail('SIGBUS', 'no free huge page');
      obj.hugeResv.delete(idx);
      k.mem.folioFlags[h] = FolioFlag.HUGETLB | FolioFlag.UPTODATE | FolioFlag.DIRTY;
      k.mem.owner[h] = obj.id;
      k.mem.index[h] = idx * per;
      clearContent(k, h, per);
      k.mem.get(h);
      obj.cache.set(idx * per, h);
    }
    installHuge(k, mm, p, base, h, vmaProt(vma) | Attr.DIRTY | (vma.has(VM.WRITE) ? Attr.WRITE : 0));
    return;
  }
  const reserved = vma.hugeResvOwner && vma.hugeResv !== null && vma.hugeResv.reserved.has(idx);
  h = allocHugeFolio(k, p, reserved);
  if (h < 0) fail('SIGBUS', 'no free huge page');
  // vma_commit_reservation: the owner's resv_map records the index as consumed.
  if (reserved) vma.hugeResv?.reserved.delete(idx);
  if (vma.anonVma === 0) vma.anonVma = k.newAnonVma();
  k.mem.folioFlags[h] = FolioFlag.HUGETLB | FolioFlag.ANON | FolioFlag.UPTODATE;
  clearContent(k, h, per);
  setExclusive(k, h, per, true);
  // hugetlb_no_page maps private pages read-only and does the COW (here: a reuse) right away on a write.
  installHuge(k, mm, p, base, h, vmaProt(vma) | (write ? Attr.DIRTY | (vma.has(VM.WRITE) ? Attr.WRITE : 0) : 0));
}

function clearContent(k: Kernel, h: number, n: number): void {
  k.mem.content.fill(0, h, h + n);
}

function setExclusive(k: Kernel, h: number, n: number, on: boolean): void {
  for (let i = h; i < h + n; i++) {
    if (on) k.mem.pageFlags[i] |= PageFlag.ANON_EXCLUSIVE;
    else k.mem.pageFlags[i] &= ~PageFlag.ANON_EXCLUSIVE;
  }
}

/**
 * hugetlb_wp: reuse an exclusive (or only-mapped) anonymous page, else copy
 * the whole huge page into a new one from the pool, outside any reservation
 * (the owner's copy is cow_from_owner: its resv_map is not touched). When the
 * pool has no page for the copy: a non-owner gets SIGBUS; the reservation
 * owner takes the page away from the other private mappings of it
 * (unmap_ref_private) and retries, which then reuses the page.
 */
function hugetlbWp(k: Kernel, mm: Mm, vma: Vma, p: HugePool, base: number, unshare = false): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  const st = k.st;
  const pfn = c.pfn(st.lo, st.hi);
  const h = mem.headOf(pfn);
  const per = p.geo.pages;
  const attrs = c.attrs(st.lo, st.hi) & ~p.geo.attrs;
  const anon = (mem.folioFlags[h] & FolioFlag.ANON) !== 0;
  const reusable = (): boolean => anon && ((mem.pageFlags[h] & PageFlag.ANON_EXCLUSIVE) !== 0 || mem.totalMapcount[h] === 1);
  if (reusable()) {
    setExclusive(k, h, per, true);
    if (!unshare) installHuge(k, mm, p, base, h, attrs | Attr.WRITE | Attr.DIRTY | Attr.YOUNG);
    return;
  }
  const nh = allocHugeFolio(k, p, false);
  if (nh < 0) {
    if (!vma.hugeResvOwner || vma.hugeResv === null) fail('SIGBUS', 'no free huge page for copy-on-write');
    // The hugetlb fault mutex and VMA lock are dropped around unmap_ref_private; then retry_avoidcopy.
    unmapRefPrivate(k, vma, h, base);
    if (!reusable()) {
      // The kernel loops (retry_avoidcopy) while another mapping of the page
      // is at a different address (a child that mremapped it): a livelock
      // the model does not reproduce.
      fail('SIGBUS', 'no free huge page for copy-on-write, and the page is still mapped elsewhere after unmap_ref_private');
    }
    setExclusive(k, h, per, true);
    if (!unshare) installHuge(k, mm, p, base, h, attrs | Attr.WRITE | Attr.DIRTY | Attr.YOUNG);
    return;
  }
  if (vma.anonVma === 0) vma.anonVma = k.newAnonVma();
  mem.folioFlags[nh] = FolioFlag.HUGETLB | FolioFlag.ANON | FolioFlag.UPTODATE;
  mem.content.copyWithin(nh, h, h + per);
  setExclusive(k, nh, per, true);
  installHuge(k, mm, p, base, nh, vmaProt(vma) | (unshare ? 0 : Attr.WRITE | Attr.DIRTY));
}

/**
 * unmap_ref_private (mm/hugetlb.c): the reservation owner could not get a
 * page for a COW of the huge page at `base` (folio h): every other private
 * mapping of the same hugetlb file range that does not own reservations (the
 * owner's fork children) loses its mapping of that folio, and its VMA is
 * marked HPAGE_RESV_UNMAPPED, so that a later fault there is SIGBUS rather
 * than a silently zero-filled page. The kernel zaps the children at the
 * owner's address (unmap_hugepage_range with the folio as the reference
 * page): only an entry there that maps this folio goes.
 */
function unmapRefPrivate(k: Kernel, vma: Vma, h: number, base: number): void {
  const pgoff = vma.pgoffAt(base);
  const per = pool(k, hugeSize(vma)).geo.pages;
  const st = k.st;
  for (const other of [...k.procs.values()]) {
    for (const iv of other.vmas) {
      if (iv === vma || iv.object !== vma.object || iv.has(VM.MAYSHARE) || iv.hugeResvOwner) continue;
      // vma_interval_tree_foreach(pgoff): the VMA maps that file page.
      if (pgoff < iv.pgoff || pgoff >= iv.pgoff + iv.pages) continue;
      if (base < iv.start || base + per > iv.end) continue;
      const kind = k.walker.seek(other, base, st);
      if (kind !== Kind.LEAF || k.mem.headOf(k.fmt.codec.pfn(st.lo, st.hi)) !== h) continue;
      iv.hugeResvUnmapped = true;
      k.zap(other, base, base + per);
    }
  }
}

/**
 * __unmap_hugepage_range (mm/hugetlb.c, since v6.9), called by the zap for
 * every present hugetlb leaf before it is cleared: in the reservation
 * owner's private mapping (__vma_private_lock: a private VMA holding the
 * resv_map) an anonymous folio is flagged HPG_restore_reserve, and the index
 * goes back to the resv_map as not consumed (vma_needs_reservation +
 * vma_add_reservation: region_del). resv_huge_pages itself moves only when
 * the folio is freed (releaseHugeFolio): at once when this was its last
 * mapping, later when a fork child still maps it. So MADV_DONTNEED of a
 * faulted page gives its reservation back (measured: free 3 resv 1 -> free 4
 * resv 2), and munmap gives it back and drops it in the close
 * (hugetlb_vm_op_close), net unchanged.
 */
export function hugetlbZapRestore(k: Kernel, mm: Mm, vpn: number, h: number): void {
  const mem = k.mem;
  if ((mem.folioFlags[h] & (FolioFlag.HUGETLB | FolioFlag.ANON)) !== (FolioFlag.HUGETLB | FolioFlag.ANON)) return;
  const vma = mm.vmaAt(vpn);
  if (!vma || vma.has(VM.MAYSHARE) || !vma.hugeResvOwner || vma.hugeResv === null) return;
  mem.folioFlags[h] |= FolioFlag.HUGETLB_RESTORE_RESERVE;
  const per = pool(k, hugeSize(vma)).geo.pages;
  vma.hugeResv.reserved.add(Math.floor(vma.pgoffAt(vpn) / per));
}

/**
 * huge_pmd_share (mm/hugetlb.c, CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING): a
 * shared mapping of PMD-size huge pages that covers a whole PUD-aligned range
 * uses another process's PMD table for that range when one exists, instead
 * of allocating its own. Not with userfaultfd wp/minor (want_pmd_share).
 */
function pmdShare(k: Kernel, mm: Mm, vma: Vma, p: HugePool, vpn: number): void {
  const level = p.geo.level;
  if (level + 1 >= k.fmt.nlevels || p.geo.entries !== 1 || p.geo.tables >= 0 || !vma.has(VM.MAYSHARE) || vma.has(VM.UFFD_WP | VM.UFFD_MINOR)) return;
  const span = k.fmt.pagesPerEntry[level + 1];
  const base = vpn - (vpn % span);
  if (base < vma.start || base + span > vma.end) return; // vma_shareable
  const st = k.st;
  k.walker.seek(mm, base, st, level + 1, k.rmap);
  if (st.level !== level + 1 || st.kind !== Kind.NONE) return;
  const mySlot = st.slot;
  const myIndex = st.index;
  const idx = vma.pgoffAt(base);
  for (const other of k.procs.values()) {
    if (other === mm) continue;
    for (const sv of other.vmas) {
      // page_table_shareable: same file, same offset alignment in the PUD, same flags, whole range inside.
      if (sv.object !== vma.object || sv.flags !== vma.flags) continue;
      const sbase = sv.start + (idx - sv.pgoff);
      if (sbase % span !== 0 || sbase < sv.start || sbase + span > sv.end) continue;
      const skind = k.walker.seek(other, sbase, st, level + 1);
      if (st.level !== level + 1 || skind !== Kind.TABLE) continue;
      const table = k.walker.child(st.lo, st.hi);
      k.walker.shareTable(mm, k.rmap, mySlot, myIndex, level, base, table);
      mm.hugetlbShared = true;
      other.hugetlbShared = true;
      return;
    }
  }
}

/** huge_pmd_unshare for the PMD table mapping `vpn`, if it is shared: this mm lets go of it. */
export function unshareAt(k: Kernel, mm: Mm, vma: Vma, vpn: number): boolean {
  const p = pool(k, hugeSize(vma));
  const level = p.geo.level;
  // No PMD sharing for pages of flagged tables (8xx 8M; hugepd pointers look shared but are not).
  if (level + 1 >= k.fmt.nlevels || p.geo.tables >= 0) return false;
  const st = k.st;
  k.walker.seek(mm, vpn, st, level + 1);
  if (st.level !== level + 1 || st.kind !== Kind.TABLE) return false;
  const table = k.walker.child(st.lo, st.hi);
  if (k.walker.store.slotShare[table] === 0) return false;
  vma.hugeLock.writeLock();
  try {
    const span = k.fmt.pagesPerEntry[level + 1];
    k.walker.unshareTable(mm, k.rmap, st.slot, st.index, level, vpn - (vpn % span));
  } finally {
    vma.hugeLock.writeUnlock();
  }
  return true;
}

/**
 * copy_hugetlb_page_range for a maybe-pinned page: the child gets a fresh copy
 * from the pool (no reservation of its own); fork fails with ENOMEM when the
 * pool is empty.
 */
export function hugetlbCopyForFork(k: Kernel, h: number): number {
  const p = pool(k, k.mem.nrPages(h) * k.pageSize);
  const nh = allocHugeFolio(k, p, false);
  if (nh < 0) fail('ENOMEM', 'no free huge page to copy a pinned page at fork');
  k.mem.folioFlags[nh] = FolioFlag.HUGETLB | FolioFlag.ANON | FolioFlag.UPTODATE;
  return nh;
}

/** The hugetlb alignment rule for splits (hugetlb_vm_op_split): EINVAL at a non-huge-aligned address. */
export function checkSplit(vma: Vma, vpn: number, pageSize: number): void {
  if (!vma.has(VM.HUGETLB) || vpn <= vma.start || vpn >= vma.end) return;
  const per = hugeSize(vma) / pageSize;
  if ((vma.pgoffAt(vpn)) % per !== 0) fail('EINVAL', 'hugetlb mappings split only at huge page boundaries');
}

/** hugetlb_split: a split inside a PUD range unshares the PMD table there (hugetlb_unshare_pmds). */
export function unshareForSplit(k: Kernel, mm: Mm, vma: Vma, vpn: number): void {
  if (!vma.has(VM.HUGETLB) || !vma.has(VM.MAYSHARE)) return;
  unshareAt(k, mm, vma, vpn);
}

