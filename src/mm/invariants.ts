// The invariant checker (../shared/docs/kernel-semantics.md §10): recomputes
// from the page tables alone what every counter should be, and compares.
// - mapcounts: one per PTE mapping of a page, one "entire" per PMD/PUD leaf;
// - refcount = mappings + page-cache references (+ 1024 per pin of a small folio,
//   + 1 while queued in the per-CPU lazyfree batch...);
// - rss counters and hugetlb usage per mm;
// - page tables per level per mm (nr_ptes/nr_pmds/nr_puds), and the use
//   count of each table;
// - every leaf lies inside a VMA; special entries only map the zero page or
//   pfnmap memory; writable private anonymous leaves map PageAnonExclusive pages;
// - no folio is allocated without a reference.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag, FrameKind, PageFlag } from '../mem/phys.js';
import { BaseVisitor, WALK_CONTINUE, WALK_SKIP } from '../walk/walker.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';
import { mmCounter } from './rmap.js';
import { gupRefs } from './pins.js';
import { MM_SWAPENTS } from './rmap.js';
import { Leaf, decodeSoftleaf, newSoftleaf } from './softleaf.js';
import { VM } from './vma.js';

export class InvariantError extends Error {}

class CheckVisitor extends BaseVisitor {
  readonly problems: string[] = [];
  readonly tables: Int32Array;
  readonly rss = new Float64Array(4);
  hugetlb = 0;
  /** hugepd pointers met (option.hugepd): each holds its hugepte table like a sharer. */
  hugepte = 0;
  /** This mm uses a shared table. */
  sharedSeen = false;
  private readonly sl = newSoftleaf();
  constructor(
    private readonly k: Kernel,
    private readonly mm: Mm,
    private readonly pageMap: Map<number, number>,
    private readonly entireMap: Map<number, number>,
    /** Tables whose entries were already counted (a shared PMD table is reachable from several mms). */
    private readonly visited: Set<number>,
    /** Swap entries found per swap offset. */
    private readonly swapRefs: Map<number, number>,
  ) {
    super();
    this.tables = new Int32Array(k.fmt.nlevels);
  }

  private checkGroup(where: string, vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): void {
    checkGroupEntries(this.k, this.problems, where, vpn, npages, level, lo, hi, slot, index);
  }

  override tablePre(slot: number, level: number): number {
    const store = this.k.walker.store;
    const w = this.k.walker;
    if (w.hugepd && level === this.k.fmt.tableLeafLevel) {
      // hugepd pointers: their hugepte tables are not page tables; only entry 0 is ever used.
      for (let i = 0; i < this.k.fmt.entries[level]; i++) {
        if (!w.isTableLeaf(w.lo(slot, i), w.hi(slot, i), level)) continue;
        this.hugepte++;
        const hp = w.child(w.lo(slot, i), w.hi(slot, i));
        if (store.slotUsed[hp] > 1 || (store.slotUsed[hp] === 1 && w.lo(hp, 0) === 0 && w.hi(hp, 0) === 0)) this.problems.push(`hugepte table slot ${hp}: entries beyond the first in use`);
      }
    }
    this.tables[level]++;
    if (this.visited.has(slot)) {
      if (store.slotShare[slot] === 0) this.problems.push(`table slot ${slot} is reachable twice but not shared`);
      this.sharedSeen = true;
      return WALK_SKIP;
    }
    this.visited.add(slot);
    if (store.slotShare[slot] > 0) this.sharedSeen = true;
    if (store.slotLevel[slot] !== level) this.problems.push(`table slot ${slot} is at level ${level} but recorded as ${store.slotLevel[slot]}`);
    let used = 0;
    const n = this.k.fmt.entries[level];
    for (let i = 0; i < n; i++) if (this.k.walker.lo(slot, i) !== 0 || this.k.walker.hi(slot, i) !== 0) used++;
    if (used !== store.slotUsed[slot]) this.problems.push(`table slot ${slot}: ${used} entries in use, counter says ${store.slotUsed[slot]}`);
    return WALK_CONTINUE;
  }

  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    const mem = k.mem;
    const where = `mm ${this.mm.pid} vpn 0x${vpn.toString(16)} (${k.fmt.levelNames[level]})`;
    if (k.walker.spansTables(npages, level) && !k.walker.hugepd) {
      // A page of flagged tables (8xx 8M): the walk did not enter its tables.
      for (let t = 0; t < npages / (k.fmt.entries[level] * k.fmt.pagesPerEntry[level]); t++) this.tablePre(slot + t, level);
    }
    this.checkGroup(where, vpn, npages, level, lo, hi, slot, index);
    if (!k.fmt.leafAllowed[level]) this.problems.push(`${where}: leaf at a level that cannot hold leaves`);
    const vma = this.mm.vmaAt(vpn);
    if (!vma || vpn + npages > vma.end) this.problems.push(`${where}: leaf outside any VMA`);
    const kind = c.kind(lo, hi, level);
    const per = k.fmt.pagesPerEntry[level];
    if (kind === Kind.SWAP) {
      const leaf = decodeSoftleaf(c, lo, hi, level, this.sl);
      if (leaf.kind === Leaf.SWAP) {
        this.rss[MM_SWAPENTS] += npages;
        this.swapRefs.set(leaf.offset, (this.swapRefs.get(leaf.offset) ?? 0) + npages / per);
      } else if (leaf.kind === Leaf.MIGRATION) {
        if (!mem.isFolioPage(leaf.offset)) this.problems.push(`${where}: migration entry to pfn ${leaf.offset}, not a folio page`);
        else if ((mem.folioFlags[mem.headOf(leaf.offset)] & FolioFlag.HUGETLB) === 0) this.rss[mmCounter(mem, mem.headOf(leaf.offset))] += npages;
      } else if (leaf.kind === Leaf.MARKER && level > 0 && !(vma && vma.has(VM.HUGETLB))) {
        this.problems.push(`${where}: a PTE marker above the PTE level outside hugetlb`);
      }
      return WALK_CONTINUE;
    }
    if (kind !== Kind.LEAF) return WALK_CONTINUE;
    for (let e = 0; e < npages / per; e++) {
      // Each entry of a contiguous group maps its own (physically consecutive) page.
      const a = c.attrs(lo, hi);
      const pfn = c.pfn(lo, hi) + e * per;
      if ((a & Attr.SPECIAL) !== 0) {
        if (pfn !== mem.zeroPfn && pfn !== k.hugeZeroPfn && !(vma && vma.has(VM.PFNMAP | VM.MIXEDMAP))) this.problems.push(`${where}: special entry outside a pfnmap (bad page map)`);
        if (pfn === mem.zeroPfn && (a & Attr.WRITE) !== 0) this.problems.push(`${where}: the zero page mapped writable`);
        continue;
      }
      if (!mem.isFolioPage(pfn)) {
        if (pfn === mem.zeroPfn) this.problems.push(`${where}: zero page mapped without the special bit`);
        else this.problems.push(`${where}: maps pfn ${pfn}, which is not a folio page`);
        continue;
      }
      const h = mem.headOf(pfn);
      if ((mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0) {
        // One entire mapping per huge page, at the entry of its head page.
        if (!vma || !vma.has(VM.HUGETLB)) this.problems.push(`${where}: hugetlb page outside a hugetlb VMA`);
        if (pfn === h) {
          this.entireMap.set(h, (this.entireMap.get(h) ?? 0) + 1);
          this.hugetlb += mem.nrPages(h);
        }
        continue;
      }
      if (level === 0) this.pageMap.set(pfn, (this.pageMap.get(pfn) ?? 0) + 1);
      else {
        if (pfn !== h || mem.nrPages(h) !== per) this.problems.push(`${where}: huge leaf does not map a whole folio`);
        this.entireMap.set(h, (this.entireMap.get(h) ?? 0) + 1);
      }
      this.rss[mmCounter(mem, h)] += per;
      const anon = (mem.folioFlags[h] & FolioFlag.ANON) !== 0;
      if (anon && (a & Attr.WRITE) !== 0 && vma && !vma.has(VM.SHARED) && (mem.pageFlags[pfn] & PageFlag.ANON_EXCLUSIVE) === 0) {
        this.problems.push(`${where}: writable anonymous page is not PageAnonExclusive`);
      }
    }
    return WALK_CONTINUE;
  }
}

/**
 * The entries of a contiguous group (or of a page of flagged tables) agree:
 * the same kind and attributes (young and dirty may differ per entry, as
 * arm64's contpte gathers them), pfns advancing one entry's span at a time.
 */
function checkGroupEntries(k: Kernel, problems: string[], where: string, vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): void {
  const per = k.fmt.pagesPerEntry[level];
  if (npages === per) return;
  const c = k.fmt.codec;
  const w = k.walker;
  const kind = c.kind(lo, hi, level);
  const loose = Attr.YOUNG | Attr.DIRTY;
  const attrs = c.attrs(lo, hi) & ~loose;
  const pfn = c.pfn(lo, hi);
  for (let e = 1; e < w.leafEntries(npages, level); e++) {
    const elo = w.lo(slot, index + e);
    const ehi = w.hi(slot, index + e);
    if (c.kind(elo, ehi, level) !== kind || (c.attrs(elo, ehi) & ~loose) !== attrs || (kind === Kind.LEAF && c.pfnAt(elo, ehi, vpn + e * per) !== pfn + e * per)) {
      problems.push(`${where}: entry ${e} of a ${npages}-page group disagrees with the first`);
      return;
    }
  }
}

/** Check everything; returns the list of problems (empty when consistent). */
export function checkInvariants(k: Kernel): string[] {
  const problems: string[] = [];
  const mem = k.mem;
  const pageMap = new Map<number, number>();
  const entireMap = new Map<number, number>();
  const visited = new Set<number>();
  const swapRefs = new Map<number, number>();
  let tablesTotal = 0;
  let hugetlbFound = 0;
  let hugetlbCounted = 0;
  let anyShared = false;
  for (const mm of k.procs.values()) {
    const v = new CheckVisitor(k, mm, pageMap, entireMap, visited, swapRefs);
    k.walker.walk(mm, 0, k.walker.topPages, v);
    problems.push(...v.problems);
    for (let l = 0; l < k.fmt.nlevels; l++) {
      const found = v.tables[l] + (l === 0 ? mm.deposits.size : 0);
      if (found !== mm.tables[l]) problems.push(`mm ${mm.pid}: ${found} ${k.fmt.levelNames[l]} tables found (with deposits), counter says ${mm.tables[l]}`);
      tablesTotal += v.tables[l];
    }
    tablesTotal += mm.deposits.size + v.hugepte;
    for (let i = 0; i < 4; i++) if (v.rss[i] !== mm.rss[i]) problems.push(`mm ${mm.pid}: rss counter ${i} is ${mm.rss[i]}, page tables say ${v.rss[i]}`);
    if (!mm.hugetlbShared) {
      hugetlbFound += v.hugetlb;
      hugetlbCounted += mm.hugetlbPages;
    }
    anyShared ||= v.sharedSeen;
    if (!mm.hugetlbShared && v.hugetlb !== mm.hugetlbPages) problems.push(`mm ${mm.pid}: hugetlb usage ${mm.hugetlbPages}, page tables say ${v.hugetlb}`);
    for (const vma of mm.vmas) if (vma.hugeLock.held) problems.push(`mm ${mm.pid}: a hugetlb VMA lock is still held`);
    for (let i = 1; i < mm.vmas.length; i++) if (mm.vmas[i - 1].end > mm.vmas[i].start) problems.push(`mm ${mm.pid}: VMAs overlap`);
  }
  if (anyShared && hugetlbFound !== hugetlbCounted) problems.push(`hugetlb usage ${hugetlbCounted} in all, page tables say ${hugetlbFound}`);
  let shares = 0;
  for (const s of k.walker.store.slots()) shares += k.walker.store.slotShare[s];
  tablesTotal -= shares;
  if (tablesTotal !== k.walker.store.live) problems.push(`${k.walker.store.live} tables allocated, ${tablesTotal} reachable`);
  if (mem.inUse[FrameKind.TABLE] !== k.walker.store.live) problems.push(`table frames in use ${mem.inUse[FrameKind.TABLE]} != tables ${k.walker.store.live}`);
  const cacheRefs = new Map<number, number>();
  for (const o of k.objects.values()) for (const h of o.cache.values()) cacheRefs.set(h, (cacheRefs.get(h) ?? 0) + 1);
  // The swap device: every slot's count is its swap entries plus shmem references; swap-cache folios hold a reference.
  if (k.swap) {
    for (const o of k.objects.values()) for (const off of o.swapped.values()) swapRefs.set(off, (swapRefs.get(off) ?? 0) + 1);
    for (const [off, n] of k.swap.count) if ((swapRefs.get(off) ?? 0) !== n) problems.push(`swap slot ${off}: count ${n}, entries ${swapRefs.get(off) ?? 0}`);
    for (const [off, n] of swapRefs) if (!k.swap.count.has(off)) problems.push(`swap slot ${off} is referenced ${n} times but free`);
    for (const [off, h] of k.swap.cache) {
      cacheRefs.set(h, (cacheRefs.get(h) ?? 0) + 1);
      if ((mem.folioFlags[h] & FolioFlag.SWAPCACHE) === 0) problems.push(`swap slot ${off}: cached folio ${h} lacks SWAPCACHE`);
    }
  } else if (swapRefs.size > 0) problems.push('swap entries without a swap device');
  // A folio being migrated is held by the migration (its isolation reference).
  for (const h of k.migrations.keys()) cacheRefs.set(h, (cacheRefs.get(h) ?? 0) + 1);
  // A folio queued in the per-CPU lazyfree batch is held by the batch (src/mm/lru.ts), anonymous and small.
  for (const h of k.lru.lazyfree) {
    cacheRefs.set(h, (cacheRefs.get(h) ?? 0) + 1);
    if ((mem.folioFlags[h] & FolioFlag.ANON) === 0 || mem.order[h] !== 0) problems.push(`folio ${h} in the lazyfree batch is not a small anonymous folio`);
  }
  if (k.lru.lazyfree.length >= 31) problems.push(`lazyfree batch holds ${k.lru.lazyfree.length} folios (a full batch is drained)`);
  const gup = gupRefs(k);
  const poolFree = new Set<number>();
  for (const p of k.hugePools.values()) for (const h of p.free) poolFree.add(h);
  let folioPages = 0;
  for (let pfn = 0; pfn < mem.size; pfn++) {
    if (mem.kind[pfn] !== FrameKind.FOLIO) continue;
    const h = mem.headOf(pfn);
    const expectPage = pageMap.get(pfn) ?? 0;
    if (mem.pageMapcount[pfn] !== expectPage) problems.push(`page ${pfn}: mapcount ${mem.pageMapcount[pfn]}, page tables say ${expectPage}`);
    if (h !== pfn) continue;
    const n = mem.nrPages(h);
    folioPages += n;
    const entire = entireMap.get(h) ?? 0;
    if (mem.entireMapcount[h] !== entire) problems.push(`folio ${h}: entire mapcount ${mem.entireMapcount[h]}, page tables say ${entire}`);
    let total = entire;
    for (let p = h; p < h + n; p++) total += pageMap.get(p) ?? 0;
    if (mem.totalMapcount[h] !== total) problems.push(`folio ${h}: mapcount ${mem.totalMapcount[h]}, page tables say ${total}`);
    const expectRef = total + (cacheRefs.get(h) ?? 0) + (h === k.hugeZeroPfn ? 1 : 0) + (gup.refs.get(h) ?? 0);
    const expectPins = gup.pins.get(h) ?? 0;
    if (mem.pincount[h] !== expectPins) problems.push(`folio ${h}: pincount ${mem.pincount[h]}, GUP holds ${expectPins} pins`);
    // A pinned anonymous page stays exclusive (it may not be shared while the pin exists).
    if (expectPins > 0 || (gup.refs.get(h) ?? 0) >= 1024) {
      if ((mem.folioFlags[h] & FolioFlag.ANON) !== 0 && total > 0 && mem.order[h] === 0 && (mem.pageFlags[h] & PageFlag.ANON_EXCLUSIVE) === 0) {
        problems.push(`folio ${h}: pinned anonymous page is not PageAnonExclusive`);
      }
    }
    if (mem.refcount[h] !== expectRef) problems.push(`folio ${h}: refcount ${mem.refcount[h]}, expected ${expectRef} (mappings + cache + GUP)`);
    if (mem.refcount[h] <= 0 && !poolFree.has(h)) problems.push(`folio ${h}: allocated with no reference (leak)`);
    if (poolFree.has(h) && mem.refcount[h] !== 0) problems.push(`hugetlb folio ${h} is in the free pool with refcount ${mem.refcount[h]}`);
  }
  // hugetlb pools: every page is free or referenced; reservations are backed by free pages.
  for (const [bytes, p] of k.hugePools) {
    let used = 0;
    // In-use folios flagged HPG_restore_reserve: each gives resv_huge_pages one back when freed.
    let pending = 0;
    for (let pfn = 0; pfn < mem.size; pfn++) {
      if (mem.kind[pfn] === FrameKind.FOLIO && mem.headOf(pfn) === pfn && (mem.folioFlags[pfn] & FolioFlag.HUGETLB) !== 0 && mem.nrPages(pfn) * k.pageSize === bytes && !poolFree.has(pfn)) {
        used++;
        if ((mem.folioFlags[pfn] & FolioFlag.HUGETLB_RESTORE_RESERVE) !== 0) pending++;
      }
    }
    for (const h of p.free) if ((mem.folioFlags[h] & FolioFlag.HUGETLB_RESTORE_RESERVE) !== 0) problems.push(`hugetlb folio ${h} is free with HPG_restore_reserve set`);
    if (p.free.length + used !== p.nr) problems.push(`hugetlb ${bytes}: ${p.free.length} free + ${used} in use != nr_hugepages ${p.nr}`);
    if (p.resv > p.free.length || p.resv < -pending) problems.push(`hugetlb ${bytes}: ${p.resv} reserved but ${p.free.length} free (${pending} restores pending)`);
    let resv = 0;
    for (const mm of k.procs.values()) {
      const seen = new Set<object>();
      for (const v of mm.vmas) {
        if (v.hugeResv && v.hugeResvOwner && v.object?.hugeBytes === bytes && !seen.has(v.hugeResv)) {
          seen.add(v.hugeResv);
          resv += v.hugeResv.reserved.size;
        }
      }
    }
    for (const o of k.objects.values()) if (o.hugeBytes === bytes) resv += o.hugeResv.size;
    // A zapped owner page restored its resv_map entry already; the count follows when the folio is freed.
    if (resv - pending !== p.resv) problems.push(`hugetlb ${bytes}: resv_huge_pages ${p.resv}, reservations held ${resv}, restores pending ${pending}`);
  }
  if (folioPages !== mem.inUse[FrameKind.FOLIO]) problems.push(`folio frames in use ${mem.inUse[FrameKind.FOLIO]} != ${folioPages}`);
  return problems;
}

export function assertInvariants(k: Kernel, context = ''): void {
  const p = checkInvariants(k);
  if (p.length > 0) throw new InvariantError(`invariants broken${context ? ' after ' + context : ''}:\n  ${p.slice(0, 20).join('\n  ')}`);
}
