// The per-CPU LRU folio batch of MADV_FREE (mm/swap.c: cpu_fbatches.lru_lazyfree,
// folio_mark_lazyfree, lru_lazyfree, lru_add_drain_cpu). MADV_FREE does not
// make a folio lazily freeable at once: folio_mark_lazyfree takes a reference
// and queues the folio in this CPU's batch; SWAPBACKED is cleared (smaps
// LazyFree, kpageflags without SWAPBACKED) only when the batch is drained,
// which happens when it fills (FOLIO_BATCH_SIZE folios), at once for a large
// folio (folio_may_be_lru_cached is false for them), and at the lru_add_drain()
// call sites a scenario reaches.
//
// One CPU: the conformance harness runs every scenario process on one CPU
// (conformance/harness.c, sched_setaffinity), so one batch models the kernel's.
// Drain points, as measured on Linux 6.18 x86-64 through the harness (a folio
// queued by MADV_FREE, then the operation, then pagemap/kpageflags):
//   drain     MADV_FREE (each VMA, before its walk: madvise_free_single_vma),
//             MADV_COLD and MADV_PAGEOUT (madvise_cold/madvise_pageout),
//             MADV_WILLNEED on anonymous or shmem memory (madvise_willneed,
//             after the swap-in walk), MADV_COLLAPSE (madvise_collapse:
//             lru_add_drain_all), MADV_POPULATE_READ/WRITE, MAP_POPULATE and
//             MAP_LOCKED (GUP's populate path), a large folio entering the
//             batch, and fork (see drainAfterFork);
//   no drain  munmap, exit, MADV_DONTNEED (the zap paths stopped draining:
//             "mm: remove unnecessary calls to lru_add_drain", v6.14), mprotect,
//             mremap, mmap, page faults, a long-term pin of present pages,
//             MADV_WILLNEED on a file, guard_install, dontfork, nohugepage.
// Not modelled: drains by other processes on the same CPU and khugepaged's
// periodic lru_add_drain_all() (every scan, default 10 s), which on the real
// kernel can empty the batch at any time; the lru_add batch of new folios
// (MADV_FREE drains it before it looks at LRU flags, so it does not change
// which folios become lazy-free).
import { FolioFlag } from '../mem/phys.js';
import type { Kernel } from './kernel.js';

/** include/linux/pagevec.h PAGEVEC_SIZE: folios in a per-CPU batch. */
export const FOLIO_BATCH_SIZE = 31;

/** The local CPU's lazyfree batch: folio heads, each holding one reference. */
export class LruBatches {
  readonly lazyfree: number[] = [];
  /** References the batch holds on folio `h` (for the invariant checker). */
  refs(h: number): number {
    let n = 0;
    for (const f of this.lazyfree) if (f === h) n++;
    return n;
  }
}

/**
 * folio_mark_lazyfree (mm/swap.c): an anonymous, swap-backed folio on the LRU
 * and outside the swap cache is queued with a reference; the batch is
 * moved when it is full or when the folio is large.
 */
export function folioMarkLazyfree(k: Kernel, h: number): void {
  const mem = k.mem;
  const f = mem.folioFlags[h];
  if ((f & (FolioFlag.ANON | FolioFlag.SWAPBACKED | FolioFlag.LRU)) !== (FolioFlag.ANON | FolioFlag.SWAPBACKED | FolioFlag.LRU)) return;
  // (The model has no unevictable flag: MADV_FREE refuses VM_LOCKED VMAs and skips shared folios.)
  if ((f & FolioFlag.SWAPCACHE) !== 0) return;
  // __folio_batch_add_and_move: folio_get, then move the batch if it is now full or the folio is large.
  mem.get(h);
  const b = k.lru.lazyfree;
  b.push(h);
  if (b.length >= FOLIO_BATCH_SIZE || mem.order[h] > 0) lruAddDrain(k);
}

/**
 * lru_add_drain (lru_add_drain_cpu for the one CPU): every queued folio that
 * is still anonymous, swap-backed and outside the swap cache loses SWAPBACKED
 * (lru_lazyfree), then the batch's references are dropped (folios_put), which
 * frees a folio nothing else uses any more.
 */
export function lruAddDrain(k: Kernel): void {
  const b = k.lru.lazyfree;
  if (b.length === 0) return;
  const mem = k.mem;
  const queued = b.splice(0, b.length);
  for (const h of queued) {
    const f = mem.folioFlags[h];
    if ((f & FolioFlag.ANON) === 0 || (f & FolioFlag.SWAPBACKED) === 0 || (f & FolioFlag.SWAPCACHE) !== 0) continue;
    mem.folioFlags[h] = f & ~FolioFlag.SWAPBACKED;
  }
  for (const h of queued) mem.put(h);
}

/**
 * fork drains the batch on the reference machine, though not in dup_mmap: the
 * harness's forked worker populates its own file VMAs with MADV_POPULATE_READ
 * (conformance/harness.c w_populate_self), and populate drains. A scenario
 * process is that worker, so the model drains after fork too.
 */
export function drainAfterFork(k: Kernel): void {
  lruAddDrain(k);
}
