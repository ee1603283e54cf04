// The per-CPU lazyfree batch of MADV_FREE (src/mm/lru.ts, mm/swap.c): which
// folios wait in it, what drains it, and the reference it holds. The drain
// points are the ones measured on Linux 6.18 through the conformance harness
// (conformance/scenarios/madvise-free-*.mms).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { System, PROT, MAP, KPF, PM, MREMAP, type Process } from '../src/index.js';
import { FOLIO_BATCH_SIZE, lruAddDrain } from '../src/mm/lru.js';
import { FrameKind } from '../src/mem/phys.js';

const RW = PROT.READ | PROT.WRITE;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;

class Fixture {
  readonly sys = new System({ arch: 'x86_64' });
  readonly p: Process = this.sys.spawn('main');
  readonly P = this.sys.pageSize;
  /** A private anonymous region of n pages, every page written (value = index + 1). */
  region(n: number): number {
    const a = this.p.mmap({ length: n * this.P, prot: RW, flags: ANON });
    for (let i = 0; i < n; i++) this.p.write(a + i * this.P, i + 1);
    return a;
  }
  free(a: number, n: number): void {
    this.p.madvise(a, n * this.P, 'free');
  }
  pfn(a: number, i = 0, p: Process = this.p): number {
    return this.p.system.kernel.mem.headOf(p.pagemap(a + i * this.P, this.P).frame[0]);
  }
  swapBacked(a: number, i: number): boolean {
    return (this.sys.kpageflags(this.pfn(a, i)) & KPF.SWAPBACKED) !== 0;
  }
  /** Pages of [a, a + n pages) still swap-backed. */
  backed(a: number, n: number): number {
    let c = 0;
    for (let i = 0; i < n; i++) if (this.swapBacked(a, i)) c++;
    return c;
  }
  lazyFree(a: number): number {
    const r = this.p.smaps().find((s) => s.vma.start * this.P <= a && a < s.vma.end * this.P);
    assert.ok(r);
    return r.fields.LazyFree;
  }
  get queued(): number {
    return this.sys.kernel.lru.lazyfree.length;
  }
  folios(): number {
    return this.sys.kernel.mem.inUse[FrameKind.FOLIO];
  }
  ok(): void {
    assert.deepEqual(this.sys.checkInvariants(), []);
  }
}

describe('lazyfree batch (mm/swap.c folio_mark_lazyfree)', () => {
  it('64 folios: two full batches drain (62 lazyfree), 2 wait with SWAPBACKED and a reference', () => {
    const f = new Fixture();
    const a = f.region(256);
    f.free(a, 64);
    assert.equal(FOLIO_BATCH_SIZE, 31);
    assert.equal(f.queued, 2);
    assert.equal(f.backed(a, 62), 0);
    assert.equal(f.backed(a + 62 * f.P, 2), 2);
    assert.equal(f.lazyFree(a), 62 * f.P);
    const k = f.sys.kernel;
    assert.equal(k.mem.refcount[f.pfn(a, 63)], 2); // the mapping and the batch
    assert.equal(k.mem.refcount[f.pfn(a, 0)], 1);
    // The PTEs are clean at once: Private_Clean counts all 64.
    const r = f.p.smaps()[0];
    assert.equal(r.fields.Private_Clean, 64 * f.P);
    f.ok();
  });

  it('batch boundaries: 31 drain exactly, 32 leave one, 100 leave 7; the next MADV_FREE drains first', () => {
    const f = new Fixture();
    const a = f.region(31);
    const b = f.region(32);
    const c = f.region(100);
    f.free(a, 31);
    assert.equal(f.queued, 0);
    assert.equal(f.backed(a, 31), 0);
    f.free(b, 32);
    assert.equal(f.queued, 1);
    assert.equal(f.backed(b, 32), 1);
    assert.equal(f.swapBacked(b, 31), true);
    f.free(c, 100);
    assert.equal(f.backed(b, 32), 0, 'madvise_free_single_vma drained B first');
    assert.equal(f.queued, 7);
    assert.equal(f.backed(c, 93), 0);
    assert.equal(f.lazyFree(a), (31 + 32 + 93) * f.P, 'the three regions merged into one VMA');
    assert.equal(f.backed(c + 93 * f.P, 7), 7);
    f.ok();
  });

  it('each VMA of one MADV_FREE drains the batch before its walk', () => {
    const f = new Fixture();
    const a = f.region(32);
    f.p.mprotect(a + 16 * f.P, f.P, PROT.READ); // three VMAs: 16 | 1 | 15 pages
    f.free(a, 32);
    // VMA 1 queues 16; VMA 2 drains them and queues 1; VMA 3 drains that and queues 15.
    assert.equal(f.queued, 15);
    assert.equal(f.backed(a, 17), 0);
    assert.equal(f.backed(a + 17 * f.P, 15), 15);
    f.ok();
  });

  it('munmap, MADV_DONTNEED, mprotect, mremap, faults and exit leave the batch alone', () => {
    const f = new Fixture();
    const a = f.region(16);
    const b = f.region(16);
    f.p.madvise(a, 16 * f.P, 'dontfork');
    const child = f.p.fork('child'); // fork drains (the harness's child populates itself); nothing is queued yet
    f.free(a, 10);
    assert.equal(f.queued, 10);
    f.p.munmap(b + 15 * f.P, f.P);
    f.p.madvise(b, f.P, 'dontneed');
    f.p.mprotect(b + 2 * f.P, f.P, PROT.READ);
    f.p.mremap(b + 4 * f.P, 2 * f.P, 2 * f.P, MREMAP.MAYMOVE);
    f.p.write(b + 8 * f.P, 99);
    f.p.read(b + 9 * f.P);
    child.exit();
    assert.equal(f.queued, 10);
    assert.equal(f.backed(a, 10), 10);
    assert.equal(f.lazyFree(a), 0);
    f.ok();
  });

  for (const [what, drain] of [
    ['MADV_COLD', (f: Fixture, b: number) => f.p.madvise(b, f.P, 'cold')],
    ['MADV_PAGEOUT', (f: Fixture, b: number) => f.p.madvise(b, f.P, 'pageout')],
    ['MADV_WILLNEED on anonymous memory', (f: Fixture, b: number) => f.p.madvise(b, f.P, 'willneed')],
    ['MADV_POPULATE_WRITE', (f: Fixture, b: number) => f.p.madvise(b, 4 * f.P, 'populate_write')],
    ['MADV_POPULATE_READ', (f: Fixture, b: number) => f.p.madvise(b, 4 * f.P, 'populate_read')],
    ['MAP_POPULATE', (f: Fixture) => void f.p.mmap({ length: 4 * f.P, prot: RW, flags: ANON | MAP.POPULATE })],
    ['MADV_COLLAPSE', (f: Fixture, b: number) => f.p.madvise(b, 2 << 20, 'collapse')],
    ['fork', (f: Fixture) => void f.p.fork('child')],
  ] as const) {
    it(`${what} drains the batch`, () => {
      const f = new Fixture();
      const a = f.region(16);
      const b = f.p.mmap({ length: 4 << 20, prot: RW, flags: ANON });
      f.p.write(b, 1);
      f.free(a, 10);
      assert.equal(f.queued, 10);
      drain(f, b);
      assert.equal(f.queued, 0);
      assert.equal(f.lazyFree(a), 10 * f.P);
      assert.equal(f.backed(a, 10), 0);
      const h = f.pfn(a, 0);
      assert.equal(f.sys.kernel.mem.refcount[h], f.sys.kernel.mem.totalMapcount[h], 'the batch reference is gone');
      f.ok();
    });
  }

  it('a large folio moves the batch at once, with the small folios queued before it', () => {
    const f = new Fixture();
    const a = f.p.mmap({ length: 4 << 20, prot: RW, flags: ANON });
    for (let i = 0; i < 10; i++) f.p.write(a + i * f.P, i);
    f.p.madvise(a, 4 << 20, 'hugepage');
    f.p.write(a + (2 << 20), 7);
    const thp = f.pfn(a + (2 << 20));
    assert.equal(f.sys.kernel.mem.order[thp], 9);
    f.free(a, (4 << 20) / f.P);
    assert.equal(f.queued, 0);
    assert.equal(f.backed(a, 10), 0);
    assert.equal(f.sys.kpageflags(thp) & KPF.SWAPBACKED, 0);
    assert.equal(f.lazyFree(a), 10 * f.P + (2 << 20));
    f.ok();
  });

  it('the batch reference makes a write fault copy a queued read-only page; after a drain it is reused', () => {
    const f = new Fixture();
    const a = f.region(16);
    f.p.fork('child').exit(); // the pages are read-only and not exclusive now
    f.free(a, 10);
    const old0 = f.pfn(a, 0);
    const old1 = f.pfn(a, 1);
    const before = f.folios();
    f.p.write(a, 42); // wp_can_reuse_anon_folio: refcount 2 (mapping + batch) > 1: copy
    assert.notEqual(f.pfn(a, 0), old0);
    assert.equal(f.p.read(a), 42);
    assert.equal(f.folios(), before + 1, 'the old folio lives on in the batch');
    assert.equal(f.sys.kernel.mem.totalMapcount[old0], 0);
    f.ok();
    lruAddDrain(f.sys.kernel);
    assert.equal(f.folios(), before, 'the drain dropped the last reference of the copied-from folio');
    f.p.write(a + f.P, 43); // refcount 1 now: reused, stays lazily freed (no SWAPBACKED) but dirty
    assert.equal(f.pfn(a, 1), old1);
    assert.equal(f.swapBacked(a, 1), false);
    assert.equal(f.lazyFree(a), 8 * f.P);
    f.ok();
  });

  it('a queued folio that is unmapped stays allocated until the drain, then is freed', () => {
    const f = new Fixture();
    const a = f.region(16);
    f.free(a, 4);
    const before = f.folios();
    f.p.munmap(a, 4 * f.P);
    assert.equal(f.folios(), before, 'munmap does not drain: the batch still holds the 4 folios');
    f.ok();
    f.p.madvise(a + 4 * f.P, f.P, 'cold');
    assert.equal(f.folios(), before - 4);
    f.ok();
  });

  it('MADV_PAGEOUT drains first, so queued clean pages are discarded, not swapped', () => {
    const f = new Fixture();
    const a = f.region(8);
    f.free(a, 8);
    assert.equal(f.queued, 8);
    f.p.madvise(a, 8 * f.P, 'pageout');
    const pm = f.p.pagemap(a, 8 * f.P);
    for (let i = 0; i < 8; i++) assert.equal(pm.pm[i] & (PM.PRESENT | PM.SWAP), 0, `page ${i} discarded`);
    assert.equal(f.p.read(a), 0, 'a discarded lazily freed page reads as zero');
    f.ok();
  });
});
