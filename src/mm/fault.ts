// User accesses and page faults (mm/memory.c handle_mm_fault and the
// do_*_page functions; arch/x86/mm/fault.c for access_error/SIGSEGV).
// An access is the CPU's: if the leaf permits it, the CPU sets ACCESSED (and
// DIRTY on a store) and performs it; otherwise the fault handler runs and the
// access is retried.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag, PageFlag } from '../mem/phys.js';
import { fail, notSupported } from './errno.js';
import type { Kernel } from './kernel.js';
import { foldRange, unfoldContig } from './contpte.js';
import type { Mm } from './mm.js';
import { fit, vmaProt } from './pte.js';
import { hugetlbFault } from './hugetlb.js';
import { deviceContent, pfnmapFault } from './pfnmap.js';
import { Leaf, MARKER, decodeSoftleaf, isMarker, newSoftleaf } from './softleaf.js';
import { uffdWpFault } from './uffd.js';
import { doSwapPage, tryFreeSwapCache } from './swap.js';
import { finishMigrationAt, findMappings } from './migrate.js';
import { anonFaultOrder, doHugePmdAnonymousPage, doHugePmdWpPage, newAnonFolio } from './thp.js';
import { VM, type Vma } from './vma.js';

const ANON_FLAGS = FolioFlag.ANON | FolioFlag.SWAPBACKED | FolioFlag.UPTODATE | FolioFlag.LRU;

/**
 * One load or store of the 32-bit value tag of the page at `vpn`. Returns the
 * value read (or written). Throws KernelError SIGSEGV/SIGBUS.
 */
export function access(k: Kernel, mm: Mm, vpn: number, write: boolean, value = 0): number {
  const c = k.fmt.codec;
  for (let attempt = 0; attempt < 4; attempt++) {
    const kind = k.walker.seek(mm, vpn, k.st);
    const st = k.st;
    if (kind === Kind.LEAF) {
      const a = c.attrs(st.lo, st.hi);
      const ok = (a & Attr.VALID) !== 0 && (a & Attr.USER) !== 0 && (!write || ((a & Attr.WRITE) !== 0 && (a & Attr.UFFD_WP) === 0));
      if (ok) {
        // The MMU sets A (and D on a store) in the leaf it used.
        const want = a | Attr.YOUNG | (write ? Attr.DIRTY : 0);
        if (want !== a) {
          const e = c.leaf(c.pfn(st.lo, st.hi), want, st.level);
          k.walker.set(mm, k.rmap, st.slot, st.index, st.level, st.vpn, e.lo, e.hi);
        }
        const pfn = k.walker.pagePfn(st, vpn);
        if (write) {
          // Device memory behind a pfnmap keeps no contents in the model.
          if (k.mem.isFolioPage(pfn)) k.mem.content[pfn] = value >>> 0;
          return value >>> 0;
        }
        return k.mem.isFolioPage(pfn) ? k.mem.content[pfn] : 0;
      }
    }
    handleFault(k, mm, vpn, write);
  }
  throw new Error(`access at vpn ${vpn} still faults after the fault handler ran`);
}

/**
 * handle_mm_fault. `unshare` is FAULT_FLAG_UNSHARE (GUP's R/O pin of a page
 * that is not exclusive: reuse or copy, but stay read-only); `fromGup` skips
 * the arch access check, which GUP replaced by check_vma_flags (FOLL_FORCE).
 */
export function handleFault(k: Kernel, mm: Mm, vpn: number, write: boolean, unshare = false, fromGup = false): void {
  const vma = mm.vmaAt(vpn);
  if (!vma) fail('SIGSEGV', `no mapping at ${addr(k, vpn)}`);
  // arch/x86/mm/fault.c access_error(): writes need VM_WRITE, reads any of rwx.
  if (!fromGup && (write ? !vma.has(VM.WRITE) : !vma.has(VM.READ | VM.WRITE | VM.EXEC))) {
    fail('SIGSEGV', `${write ? 'write' : 'read'} not permitted at ${addr(k, vpn)}`);
  }
  // Non-present entries first, the same vocabulary at every level.
  let inheritWp = false;
  const kind0 = k.walker.seek(mm, vpn, k.st);
  if (kind0 === Kind.SWAP) {
    const leaf = decodeSoftleaf(k.fmt.codec, k.st.lo, k.st.hi, k.st.level, faultLeaf);
    if (leaf.kind === Leaf.MARKER) {
      // handle_pte_marker: guard -> SIGSEGV, poison -> SIGBUS, uffd-wp -> a none entry whose page inherits uffd-wp.
      if (isMarker(leaf, MARKER.GUARD)) fail('SIGSEGV', `guard region at ${addr(k, vpn)}`);
      if (isMarker(leaf, MARKER.POISONED)) fail('SIGBUS', `poisoned page at ${addr(k, vpn)}`);
      inheritWp = isMarker(leaf, MARKER.UFFD_WP);
      k.walker.set(mm, k.rmap, k.st.slot, k.st.index, k.st.level, k.st.vpn, 0, 0);
    } else if (leaf.kind === Leaf.SWAP) {
      return doSwapPage(k, mm, vma, vpn, write);
    } else if (leaf.kind === Leaf.MIGRATION) {
      // migration_entry_wait: the model's migrations complete before anyone waits; finish it.
      return finishMigrationAt(k, mm, vpn);
    }
  } else if (kind0 === Kind.LEAF && write && vma.has(VM.UFFD_WP) && k.fmt.codec.has(k.st.lo, k.st.hi, Attr.UFFD_WP)) {
    // A write to a write-protected entry goes to userfaultfd (handle_userfault), or is resolved in place (async).
    return uffdWpFault(k, mm, vma, vpn);
  } else if (kind0 === Kind.NONE || k.st.kind === Kind.TABLE) {
    uffdMissingOrMinor(k, mm, vma, vpn);
  }
  if (inheritWp) {
    handleFault(k, mm, vpn, write, unshare, fromGup);
    // The new entry carries the write protection the marker held (pte_mkuffd_wp).
    if (k.walker.seek(mm, vpn, k.st) === Kind.LEAF) {
      const st = k.st;
      const c = k.fmt.codec;
      const e = c.leaf(c.pfn(st.lo, st.hi), (c.attrs(st.lo, st.hi) | Attr.UFFD_WP) & ~Attr.WRITE, st.level);
      k.walker.set(mm, k.rmap, st.slot, st.index, st.level, st.vpn, e.lo, e.hi);
    }
    return;
  }
  if (vma.has(VM.HUGETLB)) return hugetlbFault(k, mm, vma, vpn, write, unshare);
  if (vma.has(VM.PFNMAP | VM.MIXEDMAP) && !unshare) {
    if (pfnmapFault(k, mm, vma, vpn, write)) return;
  }
  // __handle_mm_fault: pud_alloc, pmd_alloc; a none PMD in a THP-enabled VMA
  // gets a huge PMD; a present huge leaf is handled at its own level.
  if (vma.isAnonymous && !vma.isShared && doHugePmdAnonymousPage(k, mm, vma, vpn, write)) return;
  let kind = k.walker.seek(mm, vpn, k.st, 0, k.rmap);
  const st = k.st;
  if (st.level > 0) {
    if (kind === Kind.LEAF) {
      if (!write && !unshare) return; // spurious
      if (k.fmt.codec.has(st.lo, st.hi, Attr.WRITE)) return;
      if (doHugePmdWpPage(k, mm, vma, unshare)) return;
      // Split: fall back to the PTE path for this page (VM_FAULT_FALLBACK).
      kind = k.walker.seek(mm, vpn, k.st, 0, k.rmap);
    }
    if (st.level > 0) notSupported(`faults on non-present ${k.fmt.levelNames[st.level]} entries`);
  }
  if (kind === Kind.NONE) {
    if (vma.isAnonymous) return doAnonymousPage(k, mm, vma, vpn, write);
    return doFault(k, mm, vma, vpn, write);
  }
  if (kind === Kind.SWAP) throw new Error('non-present entry left after the non-present handling');
  if ((write || unshare) && !k.fmt.codec.has(st.lo, st.hi, Attr.WRITE)) {
    if (st.npages > 1) {
      // do_wp_page changes one PTE of a contiguous block (arm64 contpte): the block unfolds first
      // (contpte_try_unfold in ptep_clear_flush / contpte_ptep_set_access_flags).
      unfoldContig(k, mm, st.slot, st.index, 0, st.vpn);
      k.walker.seek(mm, vpn, st);
    }
    return doWpPage(k, mm, vma, vpn, unshare);
  }
  // A spurious fault: the entry already allows the access; the retry succeeds.
}

const faultLeaf = newSoftleaf();

/** Missing and minor userfaults: the event is delivered; the model's handler then lets the fault map the page. */
function uffdMissingOrMinor(k: Kernel, mm: Mm, vma: Vma, vpn: number): void {
  if (!vma.has(VM.UFFD_MISSING | VM.UFFD_MINOR)) return;
  const obj = vma.object;
  const cached = obj !== null && obj.cache.has(vma.pgoffAt(vpn) - (obj.hugeBytes > 0 ? vma.pgoffAt(vpn) % (obj.hugeBytes / k.pageSize) : 0));
  if (vma.has(VM.UFFD_MINOR) && cached) k.uffdEvents.push({ pid: mm.pid, vpn, kind: 'minor' });
  else if (vma.has(VM.UFFD_MISSING) && !cached) k.uffdEvents.push({ pid: mm.pid, vpn, kind: 'missing' });
}

function addr(k: Kernel, vpn: number): string {
  return '0x' + (vpn * k.pageSize).toString(16);
}

/** Map `pfn` at the entry k.st points to, with the VMA's protection plus `extra` attributes. */
function install(k: Kernel, mm: Mm, vma: Vma, vpn: number, pfn: number, extra: number): void {
  const st = k.st;
  const e = k.fmt.codec.leaf(pfn, fit(k.fmt, vmaProt(vma) | extra), 0);
  k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, e.lo, e.hi);
}

/** Writable-and-dirty if the VMA allows writes (maybe_mkwrite(pte_mkdirty())). */
function writeAttrs(vma: Vma): number {
  return vma.has(VM.WRITE) ? Attr.WRITE | Attr.DIRTY : Attr.DIRTY;
}

/** anon_vma_prepare: the first private anonymous page of a VMA gives it an anon_vma. */
function anonVmaPrepare(k: Kernel, vma: Vma): void {
  if (vma.anonVma === 0) vma.anonVma = k.newAnonVma();
}

function newAnonPage(k: Kernel, vma: Vma): number {
  anonVmaPrepare(k, vma);
  const h = k.mem.allocFolio(0, ANON_FLAGS);
  // folio_add_new_anon_rmap: a new anonymous page is exclusive to its mapper.
  k.mem.pageFlags[h] |= PageFlag.ANON_EXCLUSIVE;
  return h;
}

/**
 * do_anonymous_page: a read maps the shared zero page (special, read-only);
 * a write allocates a zeroed exclusive anonymous page.
 */
function doAnonymousPage(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean): void {
  if (!write) {
    install(k, mm, vma, vpn, k.mem.zeroPfn, Attr.SPECIAL);
    return;
  }
  // alloc_anon_folio: an mTHP order where the policy allows one and it fits.
  const order = anonFaultOrder(k, mm, vma, vpn);
  if (order === 0) {
    // alloc_anon_folio falls back to order 0 at the faulting address (the order scan moved k.st).
    k.walker.seek(mm, vpn, k.st, 0, k.rmap);
    install(k, mm, vma, vpn, newAnonPage(k, vma), writeAttrs(vma));
    return;
  }
  const pages = 2 ** order;
  const start = vpn - (vpn % pages);
  const h = newAnonFolio(k, vma, order);
  // set_ptes: every PTE of the folio at once.
  for (let i = 0; i < pages; i++) {
    k.walker.seek(mm, start + i, k.st, 0, k.rmap);
    install(k, mm, vma, start + i, h + i, writeAttrs(vma));
  }
  foldRange(k, mm, start, pages);
}

/** do_fault: file and shmem pages (do_read_fault / do_cow_fault / do_shared_fault). */
function doFault(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean): void {
  const obj = vma.object;
  if (!obj) throw new Error('doFault on an anonymous VMA');
  const index = vma.pgoffAt(vpn);
  // Beyond the end of the file: SIGBUS (filemap_fault, shmem_get_folio_gfp beyond i_size).
  if (index >= obj.sizePages) fail('SIGBUS', `access beyond the end of file ${obj.name}`);
  if (!write) {
    // uffd_disable_fault_around: no fault-around in VMAs registered for minor or wp faults.
    if ((!obj.shmem || obj.cache.has(index)) && !vma.has(VM.UFFD_MINOR | VM.UFFD_WP)) faultAround(k, mm, vma, vpn);
    if (k.walker.seek(mm, vpn, k.st, 0, k.rmap) === Kind.NONE) {
      install(k, mm, vma, vpn, k.cachePage(obj, index), 0);
    }
    return;
  }
  if (!vma.has(VM.SHARED)) {
    // do_cow_fault: a private copy of the file page.
    const src = k.cachePage(obj, index);
    const h = newAnonPage(k, vma);
    k.mem.content[h] = k.mem.content[src];
    install(k, mm, vma, vpn, h, writeAttrs(vma));
    return;
  }
  // do_shared_fault: the page-cache page itself, writable and dirty.
  const h = k.cachePage(obj, index);
  k.mem.folioFlags[h] |= FolioFlag.DIRTY;
  install(k, mm, vma, vpn, h, Attr.WRITE | Attr.DIRTY);
}

/**
 * do_fault_around + filemap_map_pages (mm/memory.c, mm/filemap.c): map the
 * cached pages of a fault_around_bytes-aligned window, clipped to the VMA
 * and to the PTE table, where the PTEs are still none.
 */
function faultAround(k: Kernel, mm: Mm, vma: Vma, vpn: number): void {
  const obj = vma.object;
  if (!obj) return;
  const nr = Math.max(1, Math.floor(k.opts.faultAroundBytes / k.pageSize));
  if (nr <= 1) return;
  const perTable = k.fmt.entries[0];
  const tableStart = vpn - (vpn % perTable);
  let from = vpn - ((vpn - tableStart) % nr);
  if (from < vma.start) from = vma.start;
  const to = Math.min(from + nr, tableStart + perTable, vma.end);
  for (let v = from; v < to; v++) {
    const index = vma.pgoffAt(v);
    if (!obj.shmem && index >= obj.sizePages) break;
    if (obj.shmem && !obj.cache.has(index)) continue;
    if (k.walker.seek(mm, v, k.st, 0, k.rmap) !== Kind.NONE || k.st.level !== 0) continue;
    install(k, mm, vma, v, k.cachePage(obj, index), 0);
  }
}

/**
 * do_wp_page: a write to a present read-only entry in a writable VMA.
 * Shared mappings just become writable (wp_page_shared); an exclusive
 * anonymous page, or one only we reference, is reused; anything else is
 * copied (wp_page_copy), the zero page included.
 */
function doWpPage(k: Kernel, mm: Mm, vma: Vma, vpn: number, unshare: boolean): void {
  const c = k.fmt.codec;
  const mem = k.mem;
  const st = k.st;
  const pfn = c.pfn(st.lo, st.hi);
  const attrs = c.attrs(st.lo, st.hi);
  const normal = k.rmap.normalPage(st.lo, st.hi, 0) >= 0;
  if (vma.has(VM.SHARED) && !unshare) {
    if (normal) mem.folioFlags[mem.headOf(pfn)] |= FolioFlag.DIRTY;
    const e = c.leaf(pfn, attrs | Attr.WRITE | Attr.DIRTY | Attr.YOUNG, 0);
    k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, e.lo, e.hi);
    return;
  }
  if (normal && (mem.folioFlags[mem.headOf(pfn)] & FolioFlag.ANON) !== 0) {
    const h = mem.headOf(pfn);
    let reuse = (mem.pageFlags[pfn] & PageFlag.ANON_EXCLUSIVE) !== 0;
    // wp_can_reuse_anon_folio: a small folio referenced only by this mapping
    // (and perhaps the swap cache) is reused and becomes exclusive again; a
    // large one when every reference is a mapping in this mm.
    if (!reuse && mem.order[h] === 0) {
      // A swap-cache folio is reused only after folio_free_swap succeeds: no other swap entry may use its slot.
      if ((mem.folioFlags[h] & FolioFlag.SWAPCACHE) !== 0) tryFreeSwapCache(k, h);
      reuse = mem.refcount[h] === 1 && (mem.folioFlags[h] & FolioFlag.SWAPCACHE) === 0;
    } else if (!reuse) {
      // __wp_can_reuse_large_anon_folio: a large folio with a single mapping is not reused (it is better
      // freed); otherwise reuse when every reference is a mapping and every mapping is in this mm.
      reuse = mem.totalMapcount[h] > 1 && mem.refcount[h] === mem.totalMapcount[h] &&
        findMappings(k, h, mm).length === mem.totalMapcount[h];
      k.walker.seek(mm, vpn, st);
    }
    if (reuse) {
      mem.pageFlags[pfn] |= PageFlag.ANON_EXCLUSIVE;
      // wp_page_reuse; an unshare fault only marks the page exclusive and leaves it read-only.
      if (unshare) return;
      const e = c.leaf(pfn, attrs | (vma.has(VM.WRITE) ? Attr.WRITE : 0) | Attr.DIRTY | Attr.YOUNG, 0);
      k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, e.lo, e.hi);
      return;
    }
  }
  // wp_page_copy: a new exclusive anonymous page with the old contents;
  // writable and dirty for a write, read-only for an unshare.
  const h = newAnonPage(k, vma);
  mem.content[h] = mem.isFolioPage(pfn) ? mem.content[pfn] : deviceContent(k, pfn);
  const keep = attrs & (Attr.SOFT_DIRTY | Attr.UFFD_WP);
  const e = c.leaf(h, fit(k.fmt, vmaProt(vma) | (unshare ? 0 : writeAttrs(vma)) | keep), 0);
  k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, e.lo, e.hi);
}

