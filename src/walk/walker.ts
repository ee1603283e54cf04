// THE page-table walker. Every consumer (faults, zap, mprotect, fork's copy,
// smaps, pagemap, PAGEMAP_SCAN, ptdump, the invariant checker) walks through
// this file; nothing else indexes a table. It knows no architecture: levels,
// index bits and entry kinds come from the Format (src/arch).
//
// Shapes (../shared/docs/ts-walk-perf.md, design-anchors.md):
// - a walk state that keeps level, index, entry, table and the chain to the
//   root (generic_pt pt_state, KVM tdp_iter) for point lookups;
// - a range walk that recurses once per *table* with a tight loop over its
//   entries, calling a visitor per leaf and per run of empty entries (KVM
//   kvm_pgtable_walk with LEAF/TABLE_PRE/TABLE_POST);
// - a leaf of any size (PTE, PMD, PUD, a contiguous group of any of a level's
//   sizes, an 8xx 8M page over flagged tables or its hugepd form) is ONE step,
//   reported from its first entry; consumers rewrite its leafEntries() entries;
// - every entry change goes through set(), which tells the address space's
//   observer (KVM x86 handle_changed_spte): accounting cannot drift.
import { GROUP_KINDS, type Format } from '../arch/format.js';
import { type PtRoot, TableStore, type FrameSource } from '../pt/store.js';

/** Visitor return codes. */
export const WALK_CONTINUE = 0;
/** Re-read the current entry: the visitor replaced it (e.g. split a leaf into a table). */
export const WALK_AGAIN = 1;
export const WALK_STOP = 2;
/** From tablePre: do not descend into this table (it was unlinked or is handled whole). */
export const WALK_SKIP = 3;
/** Returned by Visitor.leafTable(): "give me this table's entries one by one". */
export const WALK_PER_ENTRY = -1;

/**
 * A range-walk visitor. Hooks are called once per leaf and once per run of
 * empty entries; tablePre/tablePost once per table (cheap: per 512 entries).
 */
export interface Visitor {
  /**
   * A leaf (present or not). `vpn`/`npages` is the whole leaf, which may
   * extend past the walked range; `slot`/`index` locate its (first) entry.
   */
  leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number;
  /**
   * Empty entries covering [vpn, vpn+npages) (clipped to the range). level 0:
   * none PTEs inside an existing PTE table; level L > 0: no table below that
   * level-L entry (or no entry at all).
   */
  hole(vpn: number, npages: number, level: number): number;
  /** Entering a table at `level` whose first entry maps `vpn`. */
  tablePre(slot: number, level: number, vpn: number): number;
  /** Leaving it. */
  tablePost(slot: number, level: number, vpn: number): void;
  /**
   * A leaf-level (level 0) table, entries [first, end) of which the walk
   * covers, entry 0 mapping `vpn` (Linux pmd_entry handling a PTE table at
   * once). Return WALK_PER_ENTRY to get leaf()/hole() calls for them instead
   * (BaseVisitor does), or WALK_CONTINUE/WALK_STOP after handling them. The
   * entries may be read, never written, as words[base + 2*i] (lo) and
   * words[base + 2*i + 1] (hi); writes go through Walker.set() as always.
   * (Contiguous groups are not folded here: the visitor sees raw entries.)
   */
  leafTable(slot: number, vpn: number, first: number, end: number, words: Uint32Array, base: number): number;
}

/** A visitor with no-op hooks, to extend. */
export class BaseVisitor implements Visitor {
  leaf(_vpn: number, _npages: number, _level: number, _lo: number, _hi: number, _slot: number, _index: number): number {
    return WALK_CONTINUE;
  }
  hole(_vpn: number, _npages: number, _level: number): number {
    return WALK_CONTINUE;
  }
  tablePre(_slot: number, _level: number, _vpn: number): number {
    return WALK_CONTINUE;
  }
  tablePost(_slot: number, _level: number, _vpn: number): void {}
  leafTable(_slot: number, _vpn: number, _first: number, _end: number, _words: Uint32Array, _base: number): number {
    return WALK_PER_ENTRY;
  }
}

/** Told about every entry change, with old and new values (accounting lives here). */
export interface EntryObserver {
  entryChanged(root: PtRoot, vpn: number, level: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void;
  /** A table was allocated (+1) or freed (-1) at `level` for this address space. */
  tableChanged(root: PtRoot, level: number, delta: number): void;
}

/** Where a seek stopped: the entry, its table and the chain up to the root. */
export class WalkState {
  /** Level of the entry found (0 = leaf level). */
  level = 0;
  /** Kind of the entry (Kind.NONE/TABLE/LEAF/SWAP). TABLE only if the seek was told to stop above. */
  kind = 0;
  slot = 0;
  index = 0;
  lo = 0;
  hi = 0;
  /** First base page mapped by the entry (or its contiguous group) and how many pages. */
  vpn = 0;
  npages = 0;
  /** Table slot and index at every level down to `level`: the chain up to the root. */
  readonly slots: Int32Array;
  readonly indices: Int32Array;
  constructor(nlevels: number) {
    this.slots = new Int32Array(nlevels);
    this.indices = new Int32Array(nlevels);
  }
}

export class Walker {
  readonly fmt: Format;
  readonly store: TableStore;
  private readonly codec: Format['codec'];
  // Format constants, copied to fields once (monomorphic, no lookups through fmt).
  private readonly nlevels: number;
  private readonly entries: Int32Array;
  private readonly ppe: Float64Array;
  private readonly inv: Float64Array;
  private readonly maxGroup: Int32Array;
  private readonly gMaskLo: Int32Array;
  private readonly gMaskHi: Int32Array;
  private readonly gValLo: Int32Array;
  private readonly gValHi: Int32Array;
  private readonly gEntries: Int32Array;
  /** The level of flagged table entries forming huge pages (8xx 8M), -1 if none; their flag and size. */
  private readonly tlLevel: number;
  private readonly tlMaskLo: number;
  private readonly tlMaskHi: number;
  private readonly tlValLo: number;
  private readonly tlValHi: number;
  /** Flagged entries per page (8xx: 2 PMDs) and leaf-level entries per page (2048). */
  private readonly tlEntries: number;
  private readonly tlPages: number;
  private readonly validLo: number;
  private readonly validHi: number;
  private readonly leafMaskLo: Int32Array;
  private readonly leafValLo: Int32Array;
  private readonly leafMaskHi: Int32Array;
  private readonly leafValHi: Int32Array;
  /** Pages the top-level table spans: the end of the walkable space. */
  readonly topPages: number;
  /**
   * The legacy hugepd layout for pages of flagged tables (powerpc before
   * v6.11, `set option.hugepd=on`): the flagged entries all point to ONE
   * hugepte table whose first entry is the whole page (hugepd_populate,
   * hugepte_offset; arch/powerpc/mm/hugetlbpage.c __hugepte_alloc). Such a
   * page is one entry; the hugepte table comes from a kmem cache and is not
   * counted as a page table. Off: the v6.11+ layout (full PTE tables).
   */
  hugepd = false;

  constructor(fmt: Format, frames: FrameSource) {
    this.fmt = fmt;
    // Each table takes exactly its level's entries in the store (TableStore levelEntries).
    this.store = new TableStore(fmt.maxEntries, frames, 64, fmt.entries);
    this.nlevels = fmt.nlevels;
    this.entries = fmt.entries;
    this.ppe = fmt.pagesPerEntry;
    this.inv = fmt.invPagesPerEntry;
    this.maxGroup = fmt.maxGroupEntries;
    this.gMaskLo = fmt.groupMaskLo;
    this.gMaskHi = fmt.groupMaskHi;
    this.gValLo = fmt.groupValLo;
    this.gValHi = fmt.groupValHi;
    this.gEntries = fmt.groupEntries;
    this.tlLevel = fmt.tableLeafLevel;
    const tl = fmt.tableLeafLevel >= 0 ? fmt.spec.levels[fmt.tableLeafLevel].tableLeaf : undefined;
    this.tlMaskLo = (tl?.flag.mask.lo ?? 0) | 0;
    this.tlMaskHi = (tl?.flag.mask.hi ?? 0) | 0;
    this.tlValLo = (tl?.flag.value.lo ?? 0) | 0;
    this.tlValHi = (tl?.flag.value.hi ?? 0) | 0;
    this.tlEntries = tl?.entries ?? 0;
    this.tlPages = fmt.tableLeafPages;
    const c = fmt.codec;
    this.codec = c;
    this.validLo = c.validLo;
    this.validHi = c.validHi;
    this.leafMaskLo = c.leafMaskLo;
    this.leafValLo = c.leafValLo;
    this.leafMaskHi = c.leafMaskHi;
    this.leafValHi = c.leafValHi;
    this.topPages = fmt.pagesPerEntry[fmt.nlevels - 1] * fmt.entries[fmt.nlevels - 1];
  }

  // ---------------------------------------------------------------- entries

  /** Low word of entry `index` of the table in `slot`. */
  lo(slot: number, index: number): number {
    return this.store.words[this.store.slotBase[slot] + 2 * index];
  }

  hi(slot: number, index: number): number {
    return this.store.words[this.store.slotBase[slot] + 2 * index + 1];
  }

  /** Whether a valid entry at `level` points to a table (inlined in the loops below). */
  isTable(lo: number, hi: number, level: number): boolean {
    return level > 0 && ((lo & this.validLo) !== 0 || (hi & this.validHi) !== 0) &&
      ((lo & this.leafMaskLo[level]) !== this.leafValLo[level] || (hi & this.leafMaskHi[level]) !== this.leafValHi[level]);
  }

  /**
   * Entries of the contiguous group a present leaf (valid, or PROT_NONE =
   * present-invalid) at `level` belongs to, 0 when it belongs to none:
   * huge_ptep_get's pte_present && pte_cont (arch/arm64/mm/hugetlbpage.c,
   * mm/contpte.c); on 8xx the size is in the bits (__pte_leaf_size: _PAGE_HUGE
   * 512K, else _PAGE_SPS 16K). A swap entry never starts a group (there the
   * bits belong to the offset).
   */
  groupOf(lo: number, hi: number, level: number): number {
    const mLo = lo & this.gMaskLo[level];
    const mHi = hi & this.gMaskHi[level];
    if ((mLo | mHi) === 0) return 0;
    if (((lo & this.codec.presentLo[level]) | (hi & this.codec.presentHi[level])) === 0 || this.isTable(lo, hi, level)) return 0;
    const b = level * GROUP_KINDS;
    for (let j = 0; j < GROUP_KINDS; j++) {
      const n = this.gEntries[b + j];
      if (n !== 0 && mLo === this.gValLo[b + j] && mHi === this.gValHi[b + j]) return n;
    }
    return 0;
  }

  /** Whether a table entry at `level` is flagged as part of a huge page of flagged tables (8xx _PMD_PAGE_8M). */
  isTableLeaf(lo: number, hi: number, level: number): boolean {
    return level === this.tlLevel && (lo & this.tlMaskLo) === this.tlValLo && (hi & this.tlMaskHi) === this.tlValHi && this.isTable(lo, hi, level);
  }

  /**
   * Index of the first entry of the group that entry `i` of a leaf-level
   * table (words at `base`) may belong to, when a walk starts inside it.
   */
  private groupStart(words: Uint32Array, base: number, i: number, level: number): number {
    const b = level * GROUP_KINDS;
    for (let j = GROUP_KINDS - 1; j >= 0; j--) {
      const n = this.gEntries[b + j];
      if (n === 0 || i % n === 0) continue;
      const g = i - (i % n);
      if (this.groupOf(words[base + 2 * g], words[base + 2 * g + 1], level) === n) return g;
    }
    return i;
  }

  /**
   * The frame of page `vpn` inside the present leaf a seek found (`st`). A
   * seek reports a contiguous group, an 8xx 8M page or a huge leaf from its
   * first entry, so `codec.pfn(st.lo, st.hi)` is the leaf's first frame, not
   * necessarily vpn's: use this for a page's own frame.
   */
  pagePfn(st: WalkState, vpn: number): number {
    return this.codec.pfn(st.lo, st.hi) + (vpn - st.vpn);
  }

  /** Slot of the table a table entry points to. */
  child(lo: number, hi: number): number {
    const s = this.store.slotOfPfn(this.fmt.codec.pfn(lo, hi));
    if (s < 0) throw new Error(`corrupt page table: entry points to pfn ${this.fmt.codec.pfn(lo, hi)}, which is not a table`);
    return s;
  }

  /**
   * THE door for every entry change: writes the entry, keeps the table's use
   * count and tells the observer (which does refcounts, mapcounts, rss).
   */
  set(root: PtRoot, obs: EntryObserver, slot: number, index: number, level: number, vpn: number, lo: number, hi: number): void {
    if (index >= this.entries[level]) {
      // Entry `index` of a page of flagged tables runs on into the next table of its run (tableLeafTables).
      slot += (index / this.entries[level]) | 0;
      index %= this.entries[level];
    }
    const w = this.store.words;
    const off = this.store.slotBase[slot] + 2 * index;
    const oldLo = w[off];
    const oldHi = w[off + 1];
    const wasUsed = oldLo !== 0 || oldHi !== 0;
    const isUsed = lo !== 0 || hi !== 0;
    w[off] = lo;
    w[off + 1] = hi;
    if (wasUsed !== isUsed) this.store.slotUsed[slot] += isUsed ? 1 : -1;
    obs.entryChanged(root, vpn, level, oldLo, oldHi, lo >>> 0, hi >>> 0);
  }

  // ---------------------------------------------------------------- tables

  /** Create an address space: its top-level table. */
  newRoot(root: { rootSlot: number; tables: Int32Array }): void {
    root.rootSlot = this.store.alloc(this.nlevels - 1);
    root.tables[this.nlevels - 1] = 1;
  }

  /** Allocate a table for `level` and point entry (slot, index) of level+1 at it. */
  installTable(root: PtRoot, obs: EntryObserver, slot: number, index: number, childLevel: number, vpn: number): number {
    const child = this.store.alloc(childLevel);
    root.tables[childLevel]++;
    obs.tableChanged(root, childLevel, 1);
    const t = this.fmt.codec.table(this.store.slotPfn[child], childLevel + 1);
    this.set(root, obs, slot, index, childLevel + 1, vpn, t.lo, t.hi);
    return child;
  }

  /** Clear a table entry and free the (empty) table it points to. */
  freeTable(root: PtRoot, obs: EntryObserver, slot: number, index: number, childLevel: number, vpn: number): void {
    const child = this.child(this.lo(slot, index), this.hi(slot, index));
    this.set(root, obs, slot, index, childLevel + 1, vpn, 0, 0);
    this.store.free(child);
    root.tables[childLevel]--;
    obs.tableChanged(root, childLevel, -1);
  }

  /**
   * Point entry (slot, index) of level childLevel+1 at an existing table of
   * another address space (hugetlb PMD sharing, huge_pmd_share): the table
   * gains a sharer and is counted in this mm too (mm_inc_nr_pmds).
   */
  shareTable(root: PtRoot, obs: EntryObserver, slot: number, index: number, childLevel: number, vpn: number, table: number): void {
    const t = this.fmt.codec.table(this.store.slotPfn[table], childLevel + 1);
    this.set(root, obs, slot, index, childLevel + 1, vpn, t.lo, t.hi);
    this.store.slotShare[table]++;
    root.tables[childLevel]++;
    obs.tableChanged(root, childLevel, 1);
  }

  /** Drop this address space's reference to a shared table (huge_pmd_unshare); its entries stay for the others. */
  unshareTable(root: PtRoot, obs: EntryObserver, slot: number, index: number, childLevel: number, vpn: number): void {
    const table = this.child(this.lo(slot, index), this.hi(slot, index));
    if (this.store.slotShare[table] <= 0) throw new Error('unsharing a table that is not shared');
    this.set(root, obs, slot, index, childLevel + 1, vpn, 0, 0);
    this.store.slotShare[table]--;
    root.tables[childLevel]--;
    obs.tableChanged(root, childLevel, -1);
  }

  /**
   * Replace the leaf at (slot, index, level) by a table of level-1 leaves
   * (split_huge_pmd / split_huge_pud): entry i maps firstPfn + i * pfnStep
   * (pfnStep 0: every entry maps the same frame, as a split huge zero PMD
   * maps the 4K zero page) with `attrs`. The new entries are set before the
   * huge one goes, so the folio is never seen unmapped. `table` reuses a
   * withdrawn deposit instead of allocating.
   */
  splitLeaf(root: PtRoot, obs: EntryObserver, slot: number, index: number, level: number, vpn: number, firstPfn: number, pfnStep: number, attrs: number, table = -1): number {
    const c = this.fmt.codec;
    const child = table >= 0 ? table : this.store.alloc(level - 1);
    if (table < 0) {
      root.tables[level - 1]++;
      obs.tableChanged(root, level - 1, 1);
    }
    const childPages = this.ppe[level - 1];
    const n = this.entries[level - 1];
    for (let i = 0; i < n; i++) {
      const e = c.leaf(firstPfn + i * pfnStep, attrs, level - 1);
      this.set(root, obs, child, i, level - 1, vpn + i * childPages, e.lo, e.hi);
    }
    const t = c.table(this.store.slotPfn[child], level);
    this.set(root, obs, slot, index, level, vpn, t.lo, t.hi);
    return child;
  }

  /**
   * huge_pte_alloc for a page of flagged tables (8xx 8M, arch/powerpc/mm/
   * hugetlbpage.c + pgtable.c set_huge_pte_at): make the entries of level
   * tableLeafLevel covering `vpn` point, flagged, to leaf-level tables, and
   * return the first table's slot. The model allocates those tables as one run
   * of consecutive slots (TableStore.allocRun), so the page's entries are one
   * array of tableLeafPages entries that consumers index like any group; empty
   * tables already there are replaced, a table with entries in it is a bug.
   */
  tableLeafTables(root: PtRoot, obs: EntryObserver, vpn: number): number {
    const t = this.tlLevel;
    if (t < 0) throw new Error(`${this.fmt.name} has no pages made of flagged tables`);
    const st = new WalkState(this.nlevels);
    const span = this.ppe[t];
    const base = vpn - (vpn % (span * this.tlEntries));
    this.seek(root, base, st, t, obs);
    const slot = st.slot;
    const first = st.index;
    const n = this.tlEntries;
    const c0 = this.isTableLeaf(this.lo(slot, first), this.hi(slot, first), t) ? this.child(this.lo(slot, first), this.hi(slot, first)) : -1;
    let ready = c0 >= 0;
    for (let j = 1; ready && j < n; j++) {
      const lo = this.lo(slot, first + j);
      const hi = this.hi(slot, first + j);
      ready = this.isTableLeaf(lo, hi, t) && this.child(lo, hi) === (this.hugepd ? c0 : c0 + j);
    }
    if (ready) return c0;
    for (let j = 0; j < n; j++) {
      const lo = this.lo(slot, first + j);
      const hi = this.hi(slot, first + j);
      if (lo === 0 && hi === 0) continue;
      if (!this.isTable(lo, hi, t) || this.store.slotUsed[this.child(lo, hi)] !== 0) {
        throw new Error(`flagged-table page at vpn ${base}: entry ${first + j} is in use`);
      }
      this.freeTable(root, obs, slot, first + j, t - 1, base + j * span);
    }
    const tl = this.fmt.spec.levels[t].tableLeaf;
    if (this.hugepd) {
      // __hugepte_alloc + hugepd_populate: one hugepte table, every flagged entry points to it
      // (the others count as sharers so that each pointer can go on its own).
      const hp = this.store.alloc(t - 1);
      this.store.slotShare[hp] = n - 1;
      for (let j = 0; j < n; j++) {
        const e = this.fmt.codec.table(this.store.slotPfn[hp], t);
        this.set(root, obs, slot, first + j, t, base + j * span, (e.lo | (tl?.flag.value.lo ?? 0)) >>> 0, (e.hi | (tl?.flag.value.hi ?? 0)) >>> 0);
      }
      return hp;
    }
    const run = this.store.allocRun(t - 1, n);
    for (let j = 0; j < n; j++) {
      root.tables[t - 1]++;
      obs.tableChanged(root, t - 1, 1);
      const e = this.fmt.codec.table(this.store.slotPfn[run + j], t);
      this.set(root, obs, slot, first + j, t, base + j * span, (e.lo | (tl?.flag.value.lo ?? 0)) >>> 0, (e.hi | (tl?.flag.value.hi ?? 0)) >>> 0);
    }
    return run;
  }

  /** Deposit a preallocated leaf-level table for the huge leaf at `vpn` (counted as a PTE table). */
  deposit(root: PtRoot, obs: EntryObserver, vpn: number): void {
    if (root.deposits.has(vpn)) throw new Error(`a table is already deposited at vpn ${vpn}`);
    root.deposits.set(vpn, this.store.alloc(0));
    root.tables[0]++;
    obs.tableChanged(root, 0, 1);
  }

  /** Take the deposited table back (it stays counted: it becomes a tree table), or -1. */
  withdraw(root: PtRoot, vpn: number): number {
    const s = root.deposits.get(vpn);
    if (s === undefined) return -1;
    root.deposits.delete(vpn);
    return s;
  }

  /** Free the table deposited at `vpn`, if any (zap_deposited_table). */
  freeDeposit(root: PtRoot, obs: EntryObserver, vpn: number): void {
    const s = this.withdraw(root, vpn);
    if (s < 0) return;
    this.store.free(s);
    root.tables[0]--;
    obs.tableChanged(root, 0, -1);
  }

  /** Tear down an address space whose tables below the root are all freed. */
  freeRoot(root: PtRoot): void {
    this.store.free(root.rootSlot);
    root.tables[this.nlevels - 1] = 0;
    root.rootSlot = -1;
  }

  // ------------------------------------------------------------- point seek

  /**
   * Descend from the root towards `vpn` and stop at the first entry that is
   * not a table, or at `stopLevel`. Fills `st` (entry, level, chain). With
   * `alloc`, missing tables down to `stopLevel` are allocated (as faults do:
   * pud_alloc/pmd_alloc/pte_alloc); a leaf met above `stopLevel` still stops.
   */
  seek(root: PtRoot, vpn: number, st: WalkState, stopLevel = 0, alloc: EntryObserver | null = null): number {
    // Loop-invariant loads in locals (TurboFan does not hoist them, and the
    // typed-array stores into the chain make it reload them every level).
    // Indices by `& (entries - 1)`: vpn * inv is a non-negative double below
    // 2^53 and ToInt32 keeps its low bits; `%` on doubles is a C call (Float64Mod).
    const store = this.store;
    const slots = st.slots;
    const indices = st.indices;
    const inv = this.inv;
    const ppeA = this.ppe;
    const entries = this.entries;
    let slotBase = store.slotBase;
    let words = store.words;
    let slot = root.rootSlot;
    let level = this.nlevels - 1;
    let viaTableLeaf = false;
    for (;;) {
      const ppe = ppeA[level];
      let index = (vpn * inv[level]) & (entries[level] - 1);
      let off = slotBase[slot] + 2 * index;
      let lo = words[off];
      let hi = words[off + 1];
      slots[level] = slot;
      indices[level] = index;
      if (level > stopLevel) {
        if (lo === 0 && hi === 0 && alloc !== null) {
          const entryVpn = vpn - (vpn % ppe);
          this.installTable(root, alloc, slot, index, level - 1, entryVpn);
          words = store.words;
          slotBase = store.slotBase;
          off = slotBase[slot] + 2 * index;
          lo = words[off];
          hi = words[off + 1];
        }
        if (this.isTable(lo, hi, level)) {
          if (level === this.tlLevel) viaTableLeaf = this.isTableLeaf(lo, hi, level);
          slot = this.child(lo, hi);
          level--;
          if (viaTableLeaf && this.hugepd) {
            // hugepte_offset: the page is entry 0 of the hugepte table, whatever the address.
            slots[0] = slot;
            indices[0] = 0;
            const b = slotBase[slot];
            return this.report(st, 0, slot, 0, words[b], words[b + 1], vpn, this.tlPages);
          }
          continue;
        }
      }
      let n = ppe;
      if (viaTableLeaf && level === 0 && ((lo & this.codec.presentLo[0]) | (hi & this.codec.presentHi[0])) !== 0) {
        // A page of flagged tables (8xx 8M) is one leaf: report it from the
        // first entry of its first table (huge_ptep_get aligns down to the page).
        const t = this.tlLevel;
        const first = indices[t] - (indices[t] % this.tlEntries);
        indices[t] = first;
        slot = this.child(words[slotBase[slots[t]] + 2 * first], words[slotBase[slots[t]] + 2 * first + 1]);
        slots[0] = slot;
        index = 0;
        lo = words[slotBase[slot]];
        hi = words[slotBase[slot] + 1];
        n = this.tlPages;
      } else {
        const g = this.maxGroup[level] === 0 ? 0 : this.groupOf(lo, hi, level);
        if (g !== 0) {
          // A contiguous group is one leaf: report it from its first entry.
          index -= index % g;
          off = slotBase[slot] + 2 * index;
          lo = words[off];
          hi = words[off + 1];
          n = ppe * g;
        }
      }
      indices[level] = index;
      return this.report(st, level, slot, index, lo, hi, vpn, n);
    }
  }

  private report(st: WalkState, level: number, slot: number, index: number, lo: number, hi: number, vpn: number, n: number): number {
    st.level = level;
    st.slot = slot;
    st.index = index;
    st.lo = lo;
    st.hi = hi;
    // n is a power of two; below 2^31 `& (n - 1)` is exact and avoids Float64Mod.
    st.vpn = n <= 2147483648 ? vpn - (vpn & (n - 1)) : vpn - (vpn % n);
    st.npages = n;
    st.kind = this.fmt.codec.kind(lo, hi, level);
    return st.kind;
  }

  /**
   * Whether the table holding a leaf reported at (slot, level, npages) is
   * shared with other address spaces (hugetlb PMD sharing). A hugepd page's
   * hugepte table counts its second pointer as a sharer; that is not sharing.
   */
  sharedLeafTable(slot: number, level: number, npages: number): boolean {
    return this.store.slotShare[slot] > 0 && !this.isHugepdPage(npages, level);
  }

  /**
   * How many entries hold a leaf the walk reported as `npages` pages at
   * `level` (a group's entries; 1 for a hugepd page). Consumers that rewrite
   * a leaf entry by entry loop this many times from its (slot, index).
   */
  leafEntries(npages: number, level: number): number {
    return this.isHugepdPage(npages, level) ? 1 : npages * this.inv[level];
  }

  /** Whether a leaf reported as `npages` pages at `level` is a page of flagged tables (8xx 8M), bigger than one table. */
  spansTables(npages: number, level: number): boolean {
    return npages > this.entries[level] * this.ppe[level];
  }

  private isHugepdPage(npages: number, level: number): boolean {
    return this.hugepd && level === 0 && npages === this.tlPages;
  }

  // -------------------------------------------------------------- range walk

  /** Walk [start, end) (vpns), calling `v` per leaf, per run of empty entries and per table. */
  walk(root: PtRoot, start: number, end: number, v: Visitor): number {
    if (end > this.topPages) end = this.topPages;
    if (start >= end) return WALK_CONTINUE;
    return this.walkTable(root.rootSlot, this.nlevels - 1, 0, start, end, v);
  }

  // Per-level constants are read into locals once per table: TurboFan does
  // not hoist loads out of loops, and a field or typed-array load per entry
  // is a large part of the cost (BENCHMARKS.md, bench/investigate).
  private walkTable(slot: number, level: number, tableVpn: number, start: number, end: number, v: Visitor): number {
    const pre = v.tablePre(slot, level, tableVpn);
    if (pre === WALK_STOP) return WALK_STOP;
    if (pre === WALK_SKIP) return WALK_CONTINUE;
    const ppe = this.ppe[level];
    const inv = this.inv[level];
    let i = Math.floor((start - tableVpn) * inv);
    const iEnd = Math.min(this.entries[level], Math.ceil((end - tableVpn) * inv));
    const groups = this.maxGroup[level] !== 0;
    // The level's group kinds in locals (see groupOf): no call per leaf.
    const gb = level * GROUP_KINDS;
    const gmLo = this.gMaskLo[level];
    const gmHi = this.gMaskHi[level];
    const g0n = this.gEntries[gb];
    const g0Lo = this.gValLo[gb];
    const g0Hi = this.gValHi[gb];
    const g1n = this.gEntries[gb + 1];
    const g1Lo = this.gValLo[gb + 1];
    const g1Hi = this.gValHi[gb + 1];
    const pLo = this.codec.presentLo[level];
    const pHi = this.codec.presentHi[level];
    const validLo = this.validLo;
    const validHi = this.validHi;
    const leafMaskLo = this.leafMaskLo[level];
    const leafValLo = this.leafValLo[level];
    const leafMaskHi = this.leafMaskHi[level];
    const leafValHi = this.leafValHi[level];
    let words = this.store.words;
    const base = this.store.slotBase[slot];
    // A contiguous group that starts before `start` is still one leaf: begin at its first entry.
    if (groups) i = this.groupStart(words, base, i, level);
    let holeStart = -1;
    let r = WALK_CONTINUE;
    for (; i < iEnd; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      const vpn = tableVpn + i * ppe;
      if ((lo | hi) === 0) {
        if (holeStart < 0) holeStart = vpn < start ? start : vpn;
        continue;
      }
      if (holeStart >= 0) {
        r = v.hole(holeStart, vpn - holeStart, level);
        holeStart = -1;
        if (r === WALK_STOP) break;
      }
      // level > 0 here: level 0 is walkLeafTable's.
      if (((lo & validLo) | (hi & validHi)) !== 0 && ((lo & leafMaskLo) !== leafValLo || (hi & leafMaskHi) !== leafValHi)) {
        if (level === this.tlLevel && this.isTableLeaf(lo, hi, level)) {
          // A page of flagged tables (8xx 8M) is one leaf, reported from its
          // first table's first entry; when that entry is not present the
          // tables are walked like any other.
          const g = i - (i % this.tlEntries);
          const child0 = g === i ? this.child(lo, hi) : this.child(words[base + 2 * g], words[base + 2 * g + 1]);
          const b0 = this.store.slotBase[child0];
          const flo = words[b0];
          const fhi = words[b0 + 1];
          if (this.hugepd && (flo | fhi) === 0) {
            // An empty hugepte table: the page is one none entry, never walked into.
            r = v.hole(tableVpn + g * ppe, this.tlPages, 0);
            if (r === WALK_STOP) break;
            i = g + this.tlEntries - 1;
            continue;
          }
          if (this.hugepd || ((flo & this.codec.presentLo[0]) | (fhi & this.codec.presentHi[0])) !== 0) {
            r = v.leaf(tableVpn + g * ppe, this.tlPages, 0, flo, fhi, child0, 0);
            words = this.store.words;
            if (r === WALK_STOP) break;
            i = r === WALK_AGAIN ? g - 1 : g + this.tlEntries - 1;
            continue;
          }
        }
        const cs = vpn < start ? start : vpn;
        const ce = vpn + ppe > end ? end : vpn + ppe;
        const child = this.child(lo, hi);
        r = level === 1 ? this.walkLeafTable(child, vpn, cs, ce, v) : this.walkTable(child, level - 1, vpn, cs, ce, v);
        words = this.store.words;
        if (r === WALK_STOP) break;
        continue;
      }
      let n = ppe;
      let step = 0;
      // A present leaf (tables were handled above) whose group bits name a kind: groupOf, inlined (GROUP_KINDS = 2).
      const mLo = lo & gmLo;
      const mHi = hi & gmHi;
      if ((mLo | mHi) !== 0 && ((lo & pLo) | (hi & pHi)) !== 0) {
        const g = mLo === g0Lo && mHi === g0Hi ? g0n : g1n !== 0 && mLo === g1Lo && mHi === g1Hi ? g1n : 0;
        if (g !== 0) {
          n = ppe * g;
          step = g - 1;
        }
      }
      r = v.leaf(vpn, n, level, lo, hi, slot, i);
      words = this.store.words;
      if (r === WALK_AGAIN) {
        const i0 = Math.floor((start - tableVpn) * inv);
        i = (i < i0 && groups ? this.groupStart(words, base, i0, level) : i) - 1;
        continue;
      }
      if (r === WALK_STOP) break;
      i += step;
    }
    if (r !== WALK_STOP && holeStart >= 0) {
      const holeEnd = tableVpn + iEnd * ppe;
      r = v.hole(holeStart, (holeEnd > end ? end : holeEnd) - holeStart, level);
    }
    v.tablePost(slot, level, tableVpn);
    return r;
  }

  /**
   * A leaf-level table (level 0: no tables below, one base page per entry):
   * the visitor's leafTable() first, else a tight loop of leaf()/hole() calls.
   */
  private walkLeafTable(slot: number, tableVpn: number, start: number, end: number, v: Visitor): number {
    const pre = v.tablePre(slot, 0, tableVpn);
    if (pre === WALK_STOP) return WALK_STOP;
    if (pre === WALK_SKIP) return WALK_CONTINUE;
    const i0 = start - tableVpn;
    const iEnd = Math.min(this.entries[0], end - tableVpn);
    const base = this.store.slotBase[slot];
    let r = v.leafTable(slot, tableVpn, i0, iEnd, this.store.words, base);
    if (r !== WALK_PER_ENTRY) {
      v.tablePost(slot, 0, tableVpn);
      return r;
    }
    r = WALK_CONTINUE;
    const groups = this.maxGroup[0] !== 0;
    const gmLo = this.gMaskLo[0];
    const gmHi = this.gMaskHi[0];
    const g0n = this.gEntries[0];
    const g0Lo = this.gValLo[0];
    const g0Hi = this.gValHi[0];
    const g1n = this.gEntries[1];
    const g1Lo = this.gValLo[1];
    const g1Hi = this.gValHi[1];
    const pLo = this.codec.presentLo[0];
    const pHi = this.codec.presentHi[0];
    let words = this.store.words;
    let i = i0;
    if (groups) i = this.groupStart(words, base, i, 0);
    let holeStart = -1;
    for (; i < iEnd; i++) {
      const lo = words[base + 2 * i];
      const hi = words[base + 2 * i + 1];
      if ((lo | hi) === 0) {
        if (holeStart < 0) holeStart = i < i0 ? i0 : i;
        continue;
      }
      if (holeStart >= 0) {
        r = v.hole(tableVpn + holeStart, i - holeStart, 0);
        holeStart = -1;
        if (r === WALK_STOP) break;
      }
      // groupOf, inlined (level 0 holds no tables).
      const mLo = lo & gmLo;
      const mHi = hi & gmHi;
      const g = (mLo | mHi) === 0 || ((lo & pLo) | (hi & pHi)) === 0 ? 0 : mLo === g0Lo && mHi === g0Hi ? g0n : g1n !== 0 && mLo === g1Lo && mHi === g1Hi ? g1n : 0;
      if (g === 0) {
        r = v.leaf(tableVpn + i, 1, 0, lo, hi, slot, i);
      } else {
        r = v.leaf(tableVpn + i, g, 0, lo, hi, slot, i);
        if (r !== WALK_AGAIN && r !== WALK_STOP) i += g - 1;
      }
      words = this.store.words;
      if (r !== WALK_CONTINUE) {
        if (r === WALK_STOP) break;
        // Re-read the entry; a group the walk backed up into may have been unfolded: never
        // report a plain leaf that lies before the range.
        if (r === WALK_AGAIN) i = (i < i0 ? this.groupStart(words, base, i0, 0) : i) - 1;
      }
    }
    if (r !== WALK_STOP && holeStart >= 0) r = v.hole(tableVpn + holeStart, iEnd - holeStart, 0);
    v.tablePost(slot, 0, tableVpn);
    return r;
  }

  // ----------------------------------------------------- structural helpers

  /**
   * Free page tables for an unmapped range, as free_pgtables()/free_pgd_range()
   * (mm/memory.c) do: only tables whose whole span lies inside [floor,
   * ceiling), the gap between the neighbouring mappings, are freed. A table
   * is NOT freed merely because it became empty.
   */
  freeRange(root: PtRoot, obs: EntryObserver, start: number, end: number, floor: number, ceiling: number): void {
    const pmdSpan = this.ppe[1];
    let addr = start - (start % pmdSpan);
    if (addr < floor) addr += pmdSpan;
    let ceil = ceiling;
    if (ceil < this.topPages) {
      ceil -= ceil % pmdSpan;
      if (ceil === 0) return;
    }
    if (end - 1 > ceil - 1) end -= pmdSpan;
    if (addr > end - 1) return;
    this.freeLevel(root, obs, root.rootSlot, this.nlevels - 1, 0, addr, end, floor, ceiling);
  }

  private freeLevel(root: PtRoot, obs: EntryObserver, slot: number, level: number, tableVpn: number, start: number, end: number, floor: number, ceiling: number): void {
    const ppe = this.ppe[level];
    const iFirst = Math.floor((start - tableVpn) * this.inv[level]);
    const iEnd = Math.min(this.entries[level], Math.ceil((end - tableVpn) * this.inv[level]));
    for (let i = iFirst; i < iEnd; i++) {
      const lo = this.lo(slot, i);
      const hi = this.hi(slot, i);
      if (!this.isTable(lo, hi, level)) continue;
      const vpn = tableVpn + i * ppe;
      if (this.hugepd && this.isTableLeaf(lo, hi, level)) {
        // free_hugepd_range: a pointer to a hugepte table (not counted as a page table) goes; the table with the last one.
        const hp = this.child(lo, hi);
        this.set(root, obs, slot, i, level, vpn, 0, 0);
        if (this.store.slotShare[hp] > 0) this.store.slotShare[hp]--;
        else this.store.free(hp);
        continue;
      }
      const cs = Math.max(start, vpn);
      const ce = Math.min(end, vpn + ppe);
      if (level - 1 > 0) {
        this.freeLevel(root, obs, this.child(lo, hi), level - 1, vpn, cs, ce, floor, ceiling);
        // free_pmd_range/free_pud_range: the lower table goes only if its
        // whole span is clear of the neighbours.
        const aligned = cs - (cs % ppe);
        if (aligned < floor) continue;
        let c = ceiling;
        if (c < this.topPages) {
          c -= c % ppe;
          if (c === 0) continue;
        }
        if (ce - 1 > c - 1) continue;
      }
      this.freeTable(root, obs, slot, i, level - 1, vpn);
    }
  }

  /**
   * PT_RECLAIM (mm/pt_reclaim.c): after a zap with reclaim_pt (MADV_DONTNEED),
   * free each PTE table whose whole span lies in [start, end) and is empty.
   */
  reclaimEmptyLeafTables(root: PtRoot, obs: EntryObserver, start: number, end: number): void {
    const span = this.ppe[1];
    const st = new WalkState(this.nlevels);
    for (let vpn = Math.ceil(start / span) * span; vpn + span <= end; vpn += span) {
      this.seek(root, vpn, st, 1);
      if (st.level !== 1) continue;
      if (!this.isTable(st.lo, st.hi, 1)) continue;
      const child = this.child(st.lo, st.hi);
      if (this.store.slotUsed[child] === 0) this.freeTable(root, obs, st.slot, st.index, 0, vpn);
    }
  }
}

