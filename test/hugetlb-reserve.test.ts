// hugetlb reservations of private mappings when pages are zapped, and the
// reservation owner's COW with an empty pool. Every pool count below was
// measured on Linux 6.18.44 x86-64 (free_hugepages / resv_hugepages in
// /sys/kernel/mm/hugepages/hugepages-2048kB) with the same sequence of
// system calls; -1 is what the kernel prints as 18446744073709551615.
// Kernel rules: mm/hugetlb.c __unmap_hugepage_range (HPG_restore_reserve and
// vma_add_reservation for the owner's anonymous pages, since 6.9),
// free_huge_folio, hugetlb_vm_op_close, hugetlb_acct_memory, hugetlb_wp and
// unmap_ref_private (HPAGE_RESV_OWNER / HPAGE_RESV_UNMAPPED).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kind } from '../src/arch/index.js';
import { KernelError } from '../src/mm/errno.js';
import { fork } from '../src/mm/fork.js';
import { pool, setPoolSize } from '../src/mm/hugetlb.js';
import { checkInvariants } from '../src/mm/invariants.js';
import { Kernel } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { MAP, PROT, madvise, mmap, munmap, readRange, writeRange } from '../src/mm/syscalls.js';

const H = 2 * 1024 * 1024;

class T {
  readonly k: Kernel;
  readonly mm: Mm;
  constructor(arch: string, poolPages: number) {
    this.k = new Kernel({ arch });
    this.mm = this.k.spawn('main');
    setPoolSize(this.k, H, poolPages);
  }
  /** [free_hugepages, resv_hugepages]. */
  get pool(): [number, number] {
    const p = pool(this.k, H);
    return [p.free.length, p.resv];
  }
  map(len: number, noreserve = false, mm = this.mm): number {
    return mmap(this.k, mm, { length: len, prot: PROT.READ | PROT.WRITE, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB | (noreserve ? MAP.NORESERVE : 0), hugeBytes: H });
  }
  write(addr: number, v: number, mm = this.mm): void {
    writeRange(this.k, mm, addr, this.k.pageSize, () => v);
  }
  read(addr: number, mm = this.mm): number {
    return readRange(this.k, mm, addr, this.k.pageSize)[0];
  }
  /** The head pfn of the folio mapped at addr, -1 when nothing is. */
  frame(addr: number, mm = this.mm): number {
    const st = this.k.st;
    if (this.k.walker.seek(mm, addr / this.k.pageSize, st) !== Kind.LEAF) return -1;
    return this.k.mem.headOf(this.k.fmt.codec.pfn(st.lo, st.hi));
  }
  ok(what: string): void {
    assert.deepEqual(checkInvariants(this.k), [], what);
  }
}

function fails(f: () => unknown, code: string): void {
  assert.throws(f, (e: unknown) => e instanceof KernelError && e.code === code);
}

for (const arch of ['x86_64', 'arm64-4k', 'arm64-64k']) {
  describe(`${arch}: a zapped private hugetlb page and its reservation`, () => {
    it('MADV_DONTNEED gives the owner its reservation back; munmap gives it back and drops it', () => {
      const t = new T(arch, 4);
      const a = t.map(2 * H);
      assert.deepEqual(t.pool, [4, 2]);
      t.write(a, 1);
      assert.deepEqual(t.pool, [3, 1]);
      madvise(t.k, t.mm, a, H, 'dontneed');
      assert.deepEqual(t.pool, [4, 2], 'DONTNEED: free 4 resv 2 on 6.18');
      t.ok('dontneed');
      t.write(a, 2);
      assert.deepEqual(t.pool, [3, 1], 'the refault takes the restored reservation');
      t.read(a + H);
      assert.deepEqual(t.pool, [2, 0]);
      madvise(t.k, t.mm, a, 2 * H, 'dontneed');
      assert.deepEqual(t.pool, [4, 2]);
      assert.equal(t.read(a), 0);
      assert.deepEqual(t.pool, [3, 1]);
      munmap(t.k, t.mm, a, H);
      assert.deepEqual(t.pool, [4, 1]);
      munmap(t.k, t.mm, a + H, H);
      assert.deepEqual(t.pool, [4, 0]);
      t.ok('munmap');
    });

    it('a page a fork child still maps: the owner refault takes the reservation first, resv is -1 until the child exits', () => {
      const t = new T(arch, 4);
      const a = t.map(H);
      t.write(a, 7);
      assert.deepEqual(t.pool, [3, 0]);
      const c = fork(t.k, t.mm, 'child');
      madvise(t.k, t.mm, a, H, 'dontneed');
      assert.deepEqual(t.pool, [3, 0], 'the folio is still mapped by the child: nothing moves yet');
      t.ok('dontneed');
      t.write(a, 8);
      assert.deepEqual(t.pool, [2, -1], '6.18: HugePages_Rsvd 18446744073709551615');
      t.ok('refault');
      assert.equal(t.read(a, c), 7);
      t.k.exitMm(c);
      assert.deepEqual(t.pool, [3, 0], 'freeing the flagged folio gives the reservation back');
      munmap(t.k, t.mm, a, H);
      assert.deepEqual(t.pool, [4, 0]);
      t.ok('end');
    });

    it('munmap of a page a fork child still maps: resv -1; reservations still need free pages', () => {
      const t = new T(arch, 2);
      const a = t.map(H);
      t.write(a, 9);
      const c = fork(t.k, t.mm, 'child');
      munmap(t.k, t.mm, a, H);
      assert.deepEqual(t.pool, [1, -1]);
      // hugetlb_acct_memory: resv + 2 <= free passes, 2 > free pages does not.
      fails(() => t.map(2 * H), 'ENOMEM');
      const b = t.map(H);
      assert.deepEqual(t.pool, [1, 0]);
      const n = t.map(H, true);
      t.write(n, 1);
      assert.deepEqual(t.pool, [0, 0]);
      t.k.exitMm(c);
      assert.deepEqual(t.pool, [1, 1]);
      const m = t.map(H, true);
      fails(() => t.write(m, 1), 'SIGBUS');
      t.write(b, 2);
      assert.deepEqual(t.pool, [0, 0]);
      t.ok('end');
    });

    it('a child zap restores nothing; the owner zap of the last mapping does', () => {
      const t = new T(arch, 4);
      const a = t.map(H);
      t.write(a, 1);
      const c = fork(t.k, t.mm, 'child');
      madvise(t.k, c, a, H, 'dontneed');
      assert.deepEqual(t.pool, [3, 0]);
      madvise(t.k, t.mm, a, H, 'dontneed');
      assert.deepEqual(t.pool, [4, 1]);
      t.k.exitMm(c);
      assert.deepEqual(t.pool, [4, 1]);
      munmap(t.k, t.mm, a, H);
      assert.deepEqual(t.pool, [4, 0]);
    });

    it('MAP_NORESERVE has no reservation to restore', () => {
      const t = new T(arch, 1);
      const a = t.map(H, true);
      t.write(a, 1);
      assert.deepEqual(t.pool, [0, 0]);
      madvise(t.k, t.mm, a, H, 'dontneed');
      assert.deepEqual(t.pool, [1, 0]);
      t.write(a, 1);
      assert.deepEqual(t.pool, [0, 0]);
    });
  });

  describe(`${arch}: the reservation owner's COW with an empty pool (unmap_ref_private)`, () => {
    it('the owner keeps its page, the child loses it and gets SIGBUS in that VMA from then on', () => {
      const t = new T(arch, 3);
      const a = t.map(2 * H);
      t.write(a, 5);
      const b = t.map(H); // holds the last free page
      assert.deepEqual(t.pool, [2, 2]);
      const c = fork(t.k, t.mm, 'child');
      const before = t.frame(a);
      assert.equal(t.frame(a, c), before);
      t.write(a, 6);
      assert.equal(t.frame(a), before, 'reused in place, no copy');
      assert.equal(t.read(a), 6);
      assert.deepEqual(t.pool, [2, 2]);
      assert.equal(t.frame(a, c), -1, 'gone from the child');
      assert.equal(t.k.mem.totalMapcount[t.k.mem.headOf(before)], 1);
      t.ok('owner cow');
      fails(() => t.read(a, c), 'SIGBUS');
      munmap(t.k, t.mm, b, H);
      assert.deepEqual(t.pool, [2, 1]);
      // HPAGE_RESV_UNMAPPED: SIGBUS even where the pool could now give the child a page.
      fails(() => t.read(a + H, c), 'SIGBUS');
      t.write(a + H, 1);
      assert.deepEqual(t.pool, [1, 0]);
      t.k.exitMm(c);
      t.ok('end');
    });

    it('pool of one page: the owner COW succeeds, the child is SIGBUSed (measured)', () => {
      const t = new T(arch, 1);
      const a = t.map(H);
      t.write(a, 5);
      const c = fork(t.k, t.mm, 'child');
      t.write(a, 6);
      assert.deepEqual(t.pool, [0, 0]);
      fails(() => t.read(a, c), 'SIGBUS');
      fails(() => t.read(a, c), 'SIGBUS');
      assert.equal(t.read(a), 6);
    });

    it('a child COW with an empty pool is SIGBUS; so is a MAP_NORESERVE owner (no HPAGE_RESV_OWNER)', () => {
      const t = new T(arch, 1);
      const a = t.map(H);
      t.write(a, 5);
      const c = fork(t.k, t.mm, 'child');
      fails(() => t.write(a, 1, c), 'SIGBUS');
      assert.equal(t.read(a, c), 5);
      const u = new T(arch, 1);
      const n = u.map(H, true);
      u.write(n, 5);
      const uc = fork(u.k, u.mm, 'child');
      fails(() => u.write(n, 6), 'SIGBUS');
      assert.equal(u.read(n, uc), 5);
    });

    it('the UNMAPPED mark follows a split of the child VMA and is not inherited by a grandchild', () => {
      const t = new T(arch, 2);
      const a = t.map(2 * H);
      t.write(a, 5);
      t.write(a + H, 5);
      const c = fork(t.k, t.mm, 'child');
      t.write(a, 6);
      const vma = c.vmaAt(a / t.k.pageSize);
      assert.equal(vma?.hugeResvUnmapped, true);
      const g = fork(t.k, c, 'grandchild');
      assert.equal(g.vmaAt(a / t.k.pageSize)?.hugeResvUnmapped, false);
      munmap(t.k, c, a, H);
      assert.equal(c.vmaAt((a + H) / t.k.pageSize)?.hugeResvUnmapped, true);
      t.ok('end');
    });
  });
}
