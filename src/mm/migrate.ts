// Page migration (mm/migrate.c migrate_pages, mm/rmap.c try_to_migrate,
// remove_migration_ptes): every mapping of a folio becomes a migration entry
// (READ, READ_EXCLUSIVE or WRITE; young and dirty carried; uffd-wp and
// soft-dirty in the swap bits) at whatever level it was mapped, the contents
// move to a new folio, and the entries are restored to point at it. The two
// halves are separate so that the state in between can be observed (pagemap,
// folio_walk with FW_MIGRATION, faults that wait).
import { Attr, Kind, SwpFlag } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import { tryFold } from './contpte.js';
import type { Mm } from './mm.js';
import { fit, vmaProt } from './pte.js';
import { Leaf, decodeSoftleaf, makeMigrationEntry, newSoftleaf } from './softleaf.js';
import { BaseVisitor, WALK_CONTINUE } from '../walk/walker.js';
import { pool } from './hugetlb.js';
import { VM } from './vma.js';
import { lruAddDrain } from './lru.js';

/** One folio being migrated: where its mappings were, and the new folio once copied. */
export interface Migration {
  readonly old: number;
  readonly entries: { mm: Mm; vpn: number; level: number }[];
  newFolio: number;
}

/** Find every entry in every mm that maps a page of folio h (the rmap walk). */
class MappingFinder extends BaseVisitor {
  h = 0;
  n = 0;
  mm!: Mm;
  readonly found: { mm: Mm; vpn: number; level: number }[] = [];
  constructor(private readonly k: Kernel) {
    super();
  }
  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number): number {
    const c = this.k.fmt.codec;
    if (c.kind(lo, hi, level) !== Kind.LEAF || c.has(lo, hi, Attr.SPECIAL)) return WALK_CONTINUE;
    const per = this.k.fmt.pagesPerEntry[level];
    const pfn = c.pfn(lo, hi);
    for (let i = 0; i < this.k.walker.leafEntries(npages, level); i++) {
      const p = pfn + i * per;
      if (p >= this.h && p < this.h + this.n) this.found.push({ mm: this.mm, vpn: vpn + i * per, level });
    }
    return WALK_CONTINUE;
  }
}

/** The rmap walk: every entry mapping a page of folio h, in every mm (or only in `only`). */
export function findMappings(k: Kernel, h: number, only?: Mm): { mm: Mm; vpn: number; level: number }[] {
  const f = new MappingFinder(k);
  f.h = h;
  f.n = k.mem.nrPages(h);
  for (const mm of only ? [only] : k.procs.values()) {
    f.mm = mm;
    for (const v of mm.vmas) k.walker.walk(mm, v.start, v.end, f);
  }
  return f.found;
}

/**
 * try_to_migrate for the folio mapped at vpn: returns the migration, or null
 * when the folio cannot move (pinned, extra references, a special entry).
 */
export function startMigration(k: Kernel, mm: Mm, vpn: number): Migration | null {
  const c = k.fmt.codec;
  const mem = k.mem;
  const st = k.st;
  if (k.walker.seek(mm, vpn, st) !== Kind.LEAF) return null;
  const page = k.rmap.normalPage(st.lo, st.hi, st.level);
  if (page < 0) return null;
  const h = mem.headOf(page);
  const cacheRefs = [...k.objects.values()].some((o) => o.cache.get(mem.index[h]) === h) ? 1 : 0;
  const swapRefs = (mem.folioFlags[h] & FolioFlag.SWAPCACHE) !== 0 ? 1 : 0;
  // The callers of migrate_pages drain the per-CPU LRU batches first (lru_cache_disable:
  // __lru_add_drain_all), so a batch's reference never blocks a migration (src/mm/lru.ts).
  lruAddDrain(k);
  // migrate_folio_move refuses folios with references beyond mappings and caches (pins, GUP).
  if (mem.maybeDmaPinned(h) || mem.refcount[h] !== mem.totalMapcount[h] + cacheRefs + swapRefs) return null;
  const entries = findMappings(k, h);
  mem.get(h); // isolation
  for (const e of entries) {
    // The entry of exactly this page: seek reports a contiguous group (or a
    // page of flagged tables) from its first entry; the page's own entry lies
    // `(vpn - st.vpn) / per` further (set_huge_pte_at writes a migration entry
    // into every entry of a hugetlb group).
    k.walker.seek(e.mm, e.vpn, st);
    const per = k.fmt.pagesPerEntry[st.level];
    const index = st.index + Math.floor((e.vpn - st.vpn) / per);
    const lo = k.walker.lo(st.slot, index);
    const hi = k.walker.hi(st.slot, index);
    const a = c.attrs(lo, hi);
    const pfn = c.pfnAt(lo, hi, e.vpn);
    const anonExcl = (mem.folioFlags[h] & FolioFlag.ANON) !== 0 && (mem.pageFlags[pfn] & PageFlag.ANON_EXCLUSIVE) !== 0;
    const flags = ((a & Attr.UFFD_WP) !== 0 ? SwpFlag.UFFD_WP : 0) | ((a & Attr.SOFT_DIRTY) !== 0 ? SwpFlag.SOFT_DIRTY : 0);
    const m = makeMigrationEntry(c, pfn, (a & Attr.WRITE) !== 0, anonExcl, (a & Attr.YOUNG) !== 0, (a & Attr.DIRTY) !== 0, flags);
    k.walker.set(e.mm, k.rmap, st.slot, index, st.level, e.vpn, m.lo, m.hi);
  }
  const mig: Migration = { old: h, entries, newFolio: -1 };
  k.migrations.set(h, mig);
  return mig;
}

/** move_to_new_folio + remove_migration_ptes: copy, then point every migration entry at the new folio. */
export function finishMigration(k: Kernel, mig: Migration): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  const st = k.st;
  const h = mig.old;
  const n = mem.nrPages(h);
  const flags = mem.folioFlags[h];
  let nh: number;
  if ((flags & FolioFlag.HUGETLB) !== 0) {
    const p = pool(k, n * k.pageSize);
    nh = p.free.length > 0 && p.free.length - p.resv > 0 ? (p.free.pop() as number) : -1;
    if (nh < 0) fail('ENOMEM', 'no free huge page to migrate to');
    mem.renew(nh);
  } else nh = mem.allocFolio(Math.log2(n), flags & ~FolioFlag.LARGE_RMAPPABLE);
  // HPG_restore_reserve stays with the old folio: freeing it gives the reservation back.
  mem.folioFlags[nh] = flags & ~FolioFlag.HUGETLB_RESTORE_RESERVE;
  mem.content.copyWithin(nh, h, h + n);
  for (let i = 0; i < n; i++) mem.pageFlags[nh + i] = mem.pageFlags[h + i];
  // The page cache and swap cache follow the folio.
  for (const o of k.objects.values()) {
    if (o.cache.get(mem.index[h]) === h) {
      o.cache.set(mem.index[h], nh);
      mem.owner[nh] = mem.owner[h];
      mem.index[nh] = mem.index[h];
      mem.get(nh);
      mem.put(h);
    }
  }
  if (k.swap) {
    for (const [off, f] of k.swap.cache) {
      if (f === h) {
        k.swap.cache.set(off, nh);
        mem.get(nh);
        mem.put(h);
      }
    }
  }
  const sl = newSoftleaf();
  // remove_migration_ptes / arch_make_huge_pte: a hugetlb page comes back as its huge leaf (a group's bits included).
  const groupAttrs = (flags & FolioFlag.HUGETLB) !== 0 ? pool(k, n * k.pageSize).geo.attrs : 0;
  for (const e of mig.entries) {
    const kind = k.walker.seek(e.mm, e.vpn, st);
    if (kind !== Kind.SWAP) continue; // zapped meanwhile
    const leaf = decodeSoftleaf(c, st.lo, st.hi, st.level, sl);
    if (leaf.kind !== Leaf.MIGRATION || leaf.offset < h || leaf.offset >= h + n) continue;
    const vma = e.mm.vmaAt(e.vpn);
    if (!vma) continue;
    let a = vmaProt(vma) | (leaf.young ? Attr.YOUNG : 0) | (leaf.dirty ? Attr.DIRTY : 0);
    if (leaf.writable && vma.has(VM.WRITE)) a |= Attr.WRITE;
    if ((leaf.flags & SwpFlag.UFFD_WP) !== 0) a = (a | Attr.UFFD_WP) & ~Attr.WRITE;
    if ((leaf.flags & SwpFlag.SOFT_DIRTY) !== 0) a |= Attr.SOFT_DIRTY;
    const pfn = nh + (leaf.offset - h);
    if (!leaf.exclusive && (flags & FolioFlag.ANON) !== 0) mem.pageFlags[pfn] &= ~PageFlag.ANON_EXCLUSIVE;
    const ne = c.leaf(pfn, fit(k.fmt, a | groupAttrs), st.level);
    k.walker.set(e.mm, k.rmap, st.slot, st.index, st.level, st.vpn, ne.lo, ne.hi);
    if (groupAttrs === 0 && st.level === 0) tryFold(k, e.mm, st.slot, st.index, e.vpn); // set_pte_at: arm64 refolds a block
  }
  mig.newFolio = nh;
  k.migrations.delete(h);
  mem.put(h); // the isolation reference: the old folio goes
}

/** migration_entry_wait: a fault on a migration entry waits for it, i.e. the model finishes it. */
export function finishMigrationAt(k: Kernel, mm: Mm, vpn: number): void {
  const st = k.st;
  k.walker.seek(mm, vpn, st);
  const leaf = decodeSoftleaf(k.fmt.codec, st.lo, st.hi, st.level, newSoftleaf());
  if (leaf.kind !== Leaf.MIGRATION || !k.mem.isFolioPage(leaf.offset)) return;
  const mig = k.migrations.get(k.mem.headOf(leaf.offset));
  if (mig) finishMigration(k, mig);
}

/** The model-only `migrate` statement: migrate every folio mapped in [start, end); EBUSY if one could not move. */
export function migrateRange(k: Kernel, mm: Mm, start: number, end: number): void {
  let failed = 0;
  const moved = new Set<number>();
  for (let vpn = start; vpn < end; ) {
    const st = k.st;
    const kind = k.walker.seek(mm, vpn, st);
    const next = st.vpn + st.npages;
    const page = kind === Kind.LEAF ? k.rmap.normalPage(st.lo, st.hi, st.level) : -1;
    if (page >= 0 && !moved.has(k.mem.headOf(page))) {
      const mig = startMigration(k, mm, vpn);
      if (mig) {
        finishMigration(k, mig);
        moved.add(mig.newFolio);
      } else failed++;
    }
    vpn = Math.max(vpn + 1, next);
  }
  if (failed > 0) fail('EBUSY', `${failed} folios could not be migrated`);
}
