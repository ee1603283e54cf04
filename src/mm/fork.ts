// fork(): dup_mmap + copy_page_range (kernel/fork.c, mm/memory.c).
// - VM_DONTCOPY VMAs are not inherited; VM_WIPEONFORK ones are, empty.
// - Page tables are copied only where vma_needs_copy(): pfnmaps, uffd-wp,
//   or a VMA with an anon_vma (private anonymous pages); shared and
//   untouched file mappings fault again in the child.
// - copy_present_pte: an anonymous page that may be pinned is copied at once
//   (copy_present_page); otherwise it is shared: PageAnonExclusive cleared
//   (folio_try_dup_anon_rmap), both entries write-protected in COW mappings,
//   the child's entry made old.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { BaseVisitor, WALK_AGAIN, WALK_CONTINUE } from '../walk/walker.js';
import { splitHugeLeaf } from './thp.js';
import { unfoldContig } from './contpte.js';
import { hugetlbCopyForFork } from './hugetlb.js';
import { Leaf, MARKER, decodeSoftleaf, makeMarker, makeMigrationEntry, newSoftleaf } from './softleaf.js';
import { newUffdCtx, type UffdCtx } from './uffd.js';
import { SwpFlag, type Word2 } from '../arch/index.js';

/** The codec's encoders return a shared scratch word: copy it before the next encode. */
function copyWord(w: Word2): Word2 {
  return { lo: w.lo, hi: w.hi };
}
import { notSupported } from './errno.js';
import type { Kernel } from './kernel.js';
import { drainAfterFork } from './lru.js';
import type { Mm } from './mm.js';
import { VM, Vma } from './vma.js';

export function fork(k: Kernel, parent: Mm, name: string): Mm {
  const child = k.spawn(name);
  try {
    dupMmap(k, parent, child);
  } catch (e) {
    // dup_mm failed: the half-built child is torn down and fork returns the error.
    k.exitMm(child);
    throw e;
  }
  drainAfterFork(k);
  return child;
}

function dupMmap(k: Kernel, parent: Mm, child: Mm): void {
  const childCtx = new Map<number, UffdCtx>();
  const copier = new CopyVisitor(k, parent, child);
  for (const v of parent.vmas) {
    if (v.has(VM.DONTCOPY)) continue;
    const cv = new Vma(v.start, v.end, v.flags, v.pgoff, v.object, 0);
    if (cv.object) cv.object.users++;
    // dup_userfaultfd: with UFFD_FEATURE_EVENT_FORK the child's VMA is registered with a new context,
    // otherwise it loses the registration (and with it any uffd-wp state, cleared below).
    if (v.uffd?.eventFork) {
      // dup_userfaultfd: one child context per parent context.
      let ctx = childCtx.get(v.uffd.id);
      if (!ctx) childCtx.set(v.uffd.id, (ctx = newUffdCtx(v.uffd)));
      cv.uffd = ctx;
    }
    else cv.flags &= ~(VM.UFFD_WP | VM.UFFD_MISSING | VM.UFFD_MINOR);
    child.insert(cv);
    if (v.has(VM.WIPEONFORK)) continue;
    // anon_vma_fork: the child's VMA gets its own anon_vma (chained to the parent's).
    if (v.anonVma !== 0) {
      cv.anonVma = k.newAnonVma();
      cv.forkChild = true;
    }
    if (!needsCopy(v, cv)) continue;
    copier.vma = v;
    copier.childVma = cv;
    k.walker.walk(parent, v.start, v.end, copier);
  }
}

/** vma_needs_copy: pfnmaps, uffd-wp in the child, guard markers (VM_MAYBE_GUARD), or anonymous pages. */
function needsCopy(v: Vma, child: Vma): boolean {
  return v.has(VM.PFNMAP | VM.MIXEDMAP | VM.MAYBE_GUARD) || child.has(VM.UFFD_WP) || v.anonVma !== 0;
}

class CopyVisitor extends BaseVisitor {
  vma!: Vma;
  childVma!: Vma;
  private readonly sl = newSoftleaf();
  private readonly k: Kernel;
  private readonly parent: Mm;
  private readonly child: Mm;
  constructor(k: Kernel, parent: Mm, child: Mm) {
    super();
    this.k = k;
    this.parent = parent;
    this.child = child;
  }

  /** copy_p?d_range allocate the child's table for every parent table met in the range. */
  override tablePre(_slot: number, level: number, vpn: number): number {
    if (level < this.k.fmt.nlevels - 1) {
      const from = Math.max(vpn, this.vma.start);
      this.k.walker.seek(this.child, from, this.k.st, level, this.k.rmap);
    }
    return WALK_CONTINUE;
  }

  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number, index: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    const mem = k.mem;
    if (vpn < this.vma.start || vpn + npages > this.vma.end) notSupported('fork of a huge leaf crossing a VMA boundary');
    const kind = c.kind(lo, hi, level);
    if (kind !== Kind.LEAF) return this.copyNonPresent(vpn, npages, level, slot, index);
    // copy_hugetlb_page_range's huge_pte_alloc: a page of flagged tables (8xx 8M) needs its tables flagged in the child too.
    if (k.walker.spansTables(npages, level)) k.walker.tableLeafTables(this.child, k.rmap, vpn);
    const per = k.fmt.pagesPerEntry[level];
    if (level === 0 && npages > per && !this.vma.has(VM.HUGETLB) && this.parent.hasPinned && this.vma.isCow) {
      // copy_present_ptes: a maybe-pinned folio is not copied as a batch but page by page
      // (copy_present_page), write-protecting the parent's PTEs one at a time: a contiguous
      // block (arm64 contpte) unfolds (ptep_set_wrprotect -> contpte_try_unfold).
      const p0 = k.rmap.normalPage(lo, hi, level, vpn);
      if (p0 >= 0 && mem.maybeDmaPinned(mem.headOf(p0))) {
        unfoldContig(k, this.parent, slot, index, level, vpn);
        return WALK_AGAIN;
      }
    }
    let copied = -1;
    for (let i = 0; i < k.walker.leafEntries(npages, level); i++) {
      const ev = vpn + i * per;
      const elo = k.walker.lo(slot, index + i);
      const ehi = k.walker.hi(slot, index + i);
      let attrs = c.attrs(elo, ehi);
      const pfn = c.pfnAt(elo, ehi, ev);
      const page = k.rmap.normalPage(elo, ehi, level, ev);
      // The child's entry: old; uffd-wp only survives into a uffd-wp VMA.
      let childAttrs = attrs & ~Attr.YOUNG;
      if (!this.childVma.has(VM.UFFD_WP)) childAttrs &= ~Attr.UFFD_WP;
      if (this.vma.has(VM.SHARED)) childAttrs &= ~Attr.DIRTY;
      let childPfn = pfn;
      if (page >= 0 && (mem.folioFlags[mem.headOf(page)] & FolioFlag.ANON) !== 0) {
        const h = mem.headOf(page);
        // folio_needs_cow_for_dma: only in COW mappings of an mm that has pinned pages (MMF_HAS_PINNED).
        if (this.parent.hasPinned && this.vma.isCow && mem.maybeDmaPinned(h) && (mem.pageFlags[page] & PageFlag.ANON_EXCLUSIVE) !== 0) {
          const hugetlb = (mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0;
          if (level > 0 && !hugetlb) {
            // copy_huge_pmd: a maybe-pinned THP is not shared; the PMD is split and the PTEs copied one by one.
            splitHugeLeaf(k, this.parent, slot, index, level, vpn);
            return WALK_AGAIN;
          }
          // copy_present_page / copy_hugetlb_page_range: the child gets its own copy now, writable if the VMA is.
          // One copy per folio, even when a contiguous group maps it with several entries.
          // A hugetlb folio is copied whole; otherwise the one page (a small folio, or a page of a PTE-mapped THP).
          if (copied < 0) {
            const src = hugetlb ? h : pfn;
            copied = hugetlb ? hugetlbCopyForFork(k, h) : mem.allocFolio(0, FolioFlag.ANON | FolioFlag.SWAPBACKED | FolioFlag.UPTODATE | FolioFlag.LRU);
            const n = mem.nrPages(copied);
            mem.content.copyWithin(copied, src, src + n);
            for (let p = copied; p < copied + n; p++) mem.pageFlags[p] |= PageFlag.ANON_EXCLUSIVE;
          }
          childPfn = hugetlb ? copied + (pfn - h) : copied;
          childAttrs = (childAttrs | Attr.DIRTY | (this.vma.has(VM.WRITE) ? Attr.WRITE : 0)) & ~Attr.YOUNG;
          this.install(ev, level, childPfn, childAttrs);
          continue;
        }
        // folio_try_dup_anon_rmap_pte: the page is shared now.
        for (let p = 0; p < per; p++) mem.pageFlags[page + p] &= ~PageFlag.ANON_EXCLUSIVE;
      }
      if (this.vma.isCow && (attrs & Attr.WRITE) !== 0) {
        // Write-protect both sides (ptep_set_wrprotect on the parent).
        attrs &= ~Attr.WRITE;
        childAttrs &= ~Attr.WRITE;
        const e = c.leaf(pfn, attrs, level);
        k.walker.set(this.parent, k.rmap, slot, index + i, level, ev, e.lo, e.hi);
      }
      this.install(ev, level, childPfn, childAttrs);
    }
    // copy_huge_pmd: the child's huge leaf gets its own deposited table.
    if (level > 0 && this.parent.deposits.has(vpn)) k.walker.deposit(this.child, k.rmap, vpn);
    return WALK_CONTINUE;
  }

  /**
   * copy_nonpresent_pte: a swap entry gains a user and stops being exclusive
   * (in the parent too); a writable or exclusive migration entry becomes a
   * read one on both sides in a COW mapping; guard and poison markers are
   * copied, uffd-wp markers and bits only into a uffd-wp child.
   */
  private copyNonPresent(vpn: number, npages: number, level: number, slot: number, index: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    const per = k.fmt.pagesPerEntry[level];
    const childWp = this.childVma.has(VM.UFFD_WP);
    for (let i = 0; i < k.walker.leafEntries(npages, level); i++) {
      const ev = vpn + i * per;
      const elo = k.walker.lo(slot, index + i);
      const ehi = k.walker.hi(slot, index + i);
      const leaf = decodeSoftleaf(c, elo, ehi, level, this.sl);
      let out: Word2 | null = null;
      if (leaf.kind === Leaf.MARKER) {
        const bits = (leaf.offset & (MARKER.GUARD | MARKER.POISONED)) | (childWp ? leaf.offset & MARKER.UFFD_WP : 0);
        if (bits !== 0) out = copyWord(makeMarker(c, bits));
      } else if (leaf.kind === Leaf.SWAP) {
        if (leaf.exclusive) {
          const shared = copyWord(c.swap(leaf.type, leaf.offset, leaf.flags & ~SwpFlag.EXCLUSIVE));
          k.walker.set(this.parent, k.rmap, slot, index + i, level, ev, shared.lo, shared.hi);
        }
        out = copyWord(c.swap(leaf.type, leaf.offset, leaf.flags & ~SwpFlag.EXCLUSIVE & ~(childWp ? 0 : SwpFlag.UFFD_WP)));
      } else if (leaf.kind === Leaf.MIGRATION) {
        let lo2 = elo;
        let hi2 = ehi;
        if ((leaf.writable || leaf.exclusive) && this.vma.isCow) {
          const r = copyWord(makeMigrationEntry(c, leaf.offset, false, false, leaf.young, leaf.dirty, leaf.flags));
          k.walker.set(this.parent, k.rmap, slot, index + i, level, ev, r.lo, r.hi);
          lo2 = r.lo;
          hi2 = r.hi;
        }
        const flags = c.swpFlags(lo2, hi2);
        out = copyWord(c.swap(c.swpType(lo2, hi2), c.swpOffset(lo2, hi2), childWp ? flags : flags & ~SwpFlag.UFFD_WP));
      }
      if (out) {
        const st = k.st;
        k.walker.seek(this.child, ev, st, level, k.rmap);
        k.walker.set(this.child, k.rmap, st.slot, st.index, level, ev, out.lo, out.hi);
      }
    }
    return WALK_CONTINUE;
  }

  private install(vpn: number, level: number, pfn: number, attrs: number): void {
    const k = this.k;
    const st = k.st;
    k.walker.seek(this.child, vpn, st, level, k.rmap);
    if (st.level !== level || st.kind !== Kind.NONE) throw new Error(`fork: child entry at ${vpn} is not empty`);
    const e = k.fmt.codec.leaf(pfn, attrs, level);
    k.walker.set(this.child, k.rmap, st.slot, st.index, level, vpn, e.lo, e.hi);
  }
}
