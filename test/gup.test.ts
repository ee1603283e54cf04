// GUP (mm/gup.c) on every page-table format: pin accounting, the slow path
// (__get_user_pages + follow_page_mask + faultin_page), the unshare rule for
// R/O pins, the fast path (gup_fast) and its fallbacks, vm_normal_page()
// (mm/memory.c) and folio_walk_start()/folio_walk_end() (mm/pagewalk.c).
// Expected values come from the kernel's rules as digested in
// ../shared/docs/kernel-semantics.md §2-§4, §6 and §10, and from the kernel
// sources named next to each test. Sizes are in base pages of the format
// (t.P) and PMD spans (t.N pages, t.H bytes), so one test runs on 4K, 16K and
// 64K pages. Every test ends with checkInvariants(k) == [].
//
// Tests marked { todo: 'bug: ...' } show where the model still differs from
// the kernel; they stay here so the fix can be checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Kind, formatNames, getFormat } from '../src/arch/index.js';
import * as gupModule from '../src/gup/gup.js';
import { FOLL, checkVmaFlags, getUserPages, getUserPagesFast, pinUserPages, pinUserPagesFast, releaseRecord, type GupResult } from '../src/gup/gup.js';
import { FolioFlag, FrameKind, GUP_PIN_COUNTING_BIAS, PageFlag } from '../src/mem/phys.js';
import { KernelError } from '../src/mm/errno.js';
import { fork } from '../src/mm/fork.js';
import { setPoolSize } from '../src/mm/hugetlb.js';
import { checkInvariants } from '../src/mm/invariants.js';
import type { Mm } from '../src/mm/mm.js';
import { devicePfnBase } from '../src/mm/pfnmap.js';
import { swapOn } from '../src/mm/swap.js';
import { MAP, PROT, madvise, mmap, mprotect, munmap, readRange, writeRange } from '../src/mm/syscalls.js';
import { VM, type MappedObject, type Vma } from '../src/mm/vma.js';
import { FW, folioWalkEnd, folioWalkStart } from '../src/views/folio_walk.js';
import { vmNormalPage } from '../src/views/normal_page.js';
import type { EntryObserver } from '../src/walk/walker.js';
import { SlotKernel } from './helpers/mm.js';

const RW = PROT.READ | PROT.WRITE;
const GiB = 2 ** 30;

/** An observer that accounts nothing: lets a test forge an entry behind rmap's back. */
const NO_ACCOUNTING: EntryObserver = {
  entryChanged(): void {},
  tableChanged(): void {},
};

/** One kernel, one process, the sizes of the format, and the mappings the tests make. */
class T extends SlotKernel {
  map(len: number, prot: number, flags: number, extra: { file?: MappedObject; hugeBytes?: number; pfnmap?: boolean; mixedmap?: boolean } = {}, mm: Mm = this.mm): number {
    const addr = this.at();
    assert.equal(mmap(this.k, mm, { addr, length: len, prot, flags: flags | MAP.FIXED, ...extra }), addr);
    return addr;
  }

  anon(len: number, prot: number = RW, mm: Mm = this.mm): number {
    return this.map(len, prot, MAP.PRIVATE | MAP.ANONYMOUS, {}, mm);
  }

  /** A PMD-mapped THP (MADV_HUGEPAGE, first write). */
  thp(mm: Mm = this.mm): number {
    const a = this.anon(this.H, RW, mm);
    madvise(this.k, mm, a, this.H, 'hugepage');
    this.write(a, 1, mm);
    assert.equal(this.level(a, mm), 1, 'a PMD-mapped THP');
    return a;
  }

  /** A private anonymous hugetlb mapping of one PMD-size page, written (the pool gets `pool` pages). */
  hugetlb(pool = 2, shared = false): number {
    setPoolSize(this.k, this.H, pool);
    const a = this.map(this.H, RW, (shared ? MAP.SHARED : MAP.PRIVATE) | MAP.ANONYMOUS | MAP.HUGETLB);
    this.write(a, 1);
    return a;
  }

  write(addr: number, value: number, mm: Mm = this.mm, len: number = this.P): void {
    writeRange(this.k, mm, addr, len, () => value);
  }

  read(addr: number, mm: Mm = this.mm): number {
    return readRange(this.k, mm, addr, this.P)[0];
  }

  /** The pfn mapped at addr (the exact page inside a huge leaf). */
  pfn(addr: number, mm: Mm = this.mm): number {
    const vpn = addr / this.P;
    assert.equal(this.k.lookup(mm, vpn), Kind.LEAF, `nothing present at 0x${addr.toString(16)}`);
    const st = this.k.st;
    return this.k.fmt.codec.pfn(st.lo, st.hi) + (vpn - st.vpn);
  }

  level(addr: number, mm: Mm = this.mm): number {
    this.k.lookup(mm, addr / this.P);
    return this.k.st.level;
  }

  /** Generic attributes of the present leaf at addr. */
  attrs(addr: number, mm: Mm = this.mm): number {
    assert.equal(this.k.lookup(mm, addr / this.P), Kind.LEAF);
    return this.k.fmt.codec.attrs(this.k.st.lo, this.k.st.hi);
  }

  writable(addr: number, mm: Mm = this.mm): boolean {
    return (this.attrs(addr, mm) & Attr.WRITE) !== 0;
  }

  vma(addr: number, mm: Mm = this.mm): Vma {
    const v = mm.vmaAt(addr / this.P);
    assert.ok(v, `no VMA at 0x${addr.toString(16)}`);
    return v;
  }

  /** vm_normal_page of the leaf at addr. */
  normal(addr: number, mm: Mm = this.mm): number {
    const vpn = addr / this.P;
    assert.equal(this.k.lookup(mm, vpn), Kind.LEAF);
    const { lo, hi, level } = this.k.st;
    return vmNormalPage(this.k, this.vma(addr, mm), vpn, lo, hi, level);
  }

  head(pfn: number): number {
    return this.k.mem.headOf(pfn);
  }

  ref(pfn: number): number {
    return this.k.mem.refcount[this.head(pfn)];
  }

  pins(pfn: number): number {
    return this.k.mem.pincount[this.head(pfn)];
  }

  exclusive(pfn: number): boolean {
    return (this.k.mem.pageFlags[pfn] & PageFlag.ANON_EXCLUSIVE) !== 0;
  }

  anonPage(pfn: number): boolean {
    return this.k.mem.isFolioPage(pfn) && (this.k.mem.folioFlags[this.head(pfn)] & FolioFlag.ANON) !== 0;
  }

  folios(): number {
    return this.k.mem.inUse[FrameKind.FOLIO];
  }

  /** A successful GUP: no error, `n` pages; returns the result. */
  ok(r: GupResult, n: number): GupResult {
    assert.equal(r.error, null, `GUP failed: ${String(r.error)}`);
    assert.equal(r.pfns.length, n);
    return r;
  }

  /** A failed GUP: that errno, nothing grabbed, no record kept. */
  failed(r: GupResult, errno: string): void {
    assert.equal(r.error, errno);
    assert.deepEqual(r.pfns, []);
    assert.equal(r.record, -1);
  }

  release(...rs: GupResult[]): void {
    for (const r of rs) if (r.record >= 0) releaseRecord(this.k, r.record);
  }

  done(): void {
    assert.deepEqual(checkInvariants(this.k), []);
  }
}

/** `fn` throws KernelError `code`. */
function throwsErrno(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof KernelError && e.code === code);
}

const ARCHES = formatNames();

/**
 * Tests of THP and PMD-size hugetlb pages need leaves at the PMD level; a
 * format whose PMD level holds no leaves (ppc-8xx: 2 levels, the PGD is the
 * PMD and every page size goes through a PTE table) skips them, with this reason.
 */
export function noPmdLeaf(arch: string): string | false {
  return getFormat(arch).leafAllowed[1] ? false : `${arch}: the PMD level holds no leaves (no THP, no PMD-size hugetlb)`;
}

for (const arch of ARCHES) {
  describe(`GUP pin accounting (${arch})`, () => {
    it('a small folio takes GUP_PIN_COUNTING_BIAS per pin and 1 per FOLL_GET; unpin restores exactly', () => {
      const t = new T(arch);
      const k = t.k;
      assert.equal(GUP_PIN_COUNTING_BIAS, 1024);
      const a = t.anon(4 * t.P);
      t.write(a, 1, t.mm, 2 * t.P);
      const p0 = t.pfn(a);
      const p1 = t.pfn(a + t.P);
      const before = { ref: [t.ref(p0), t.ref(p1)], pin: [t.pins(p0), t.pins(p1)], map: [k.mem.mapcountOfPage(p0), k.mem.mapcountOfPage(p1)], flags: [k.mem.pageFlags[p0], k.mem.pageFlags[p1]] };
      assert.deepEqual(before.ref, [1, 1]);
      const r1 = t.ok(pinUserPages(k, t.mm, a, 2, 0), 2);
      assert.deepEqual(r1.pfns, [p0, p1]);
      assert.deepEqual([t.ref(p0), t.ref(p1), t.pins(p0)], [1025, 1025, 0]);
      assert.equal(k.mem.maybeDmaPinned(p0), true);
      const r2 = t.ok(pinUserPagesFast(k, t.mm, a, 1, FOLL.WRITE), 1);
      assert.deepEqual(r2.pfns, [p0]);
      assert.equal(t.ref(p0), 1 + 2 * 1024);
      const g1 = t.ok(getUserPages(k, t.mm, a + t.P, 1, 0), 1);
      const g2 = t.ok(getUserPagesFast(k, t.mm, a + t.P, 1, FOLL.WRITE), 1);
      assert.deepEqual([g1.pfns, g2.pfns], [[p1], [p1]]);
      assert.equal(t.ref(p1), 1025 + 2);
      // Pins and references are not mappings.
      assert.deepEqual([k.mem.mapcountOfPage(p0), k.mem.mapcountOfPage(p1)], [1, 1]);
      assert.equal(k.pins.size, 4);
      t.done();
      t.release(r1, r2, g1, g2);
      assert.equal(k.pins.size, 0);
      assert.deepEqual({ ref: [t.ref(p0), t.ref(p1)], pin: [t.pins(p0), t.pins(p1)], map: [k.mem.mapcountOfPage(p0), k.mem.mapcountOfPage(p1)], flags: [k.mem.pageFlags[p0], k.mem.pageFlags[p1]] }, before);
      assert.equal(k.mem.maybeDmaPinned(p0), false);
      t.done();
    });

    it('a THP takes 1 reference and 1 _pincount per page pinned (slow and fast), FOLL_GET 1 reference', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.thp();
      const h = t.pfn(a);
      assert.equal(k.mem.nrPages(h), t.N);
      const r = t.ok(pinUserPages(k, t.mm, a + 3 * t.P, 5, 0), 5);
      assert.deepEqual(r.pfns, [h + 3, h + 4, h + 5, h + 6, h + 7]);
      assert.deepEqual([t.ref(h), t.pins(h), k.mem.maybeDmaPinned(h)], [1 + 5, 5, true]);
      const rf = t.ok(pinUserPagesFast(k, t.mm, a, t.N, FOLL.WRITE), t.N);
      assert.deepEqual(rf.pfns, Array.from({ length: t.N }, (_, i) => h + i));
      assert.deepEqual([t.ref(h), t.pins(h)], [1 + 5 + t.N, 5 + t.N]);
      const g = t.ok(getUserPages(k, t.mm, a, 2, 0), 2);
      assert.deepEqual([t.ref(h), t.pins(h)], [1 + 5 + t.N + 2, 5 + t.N]);
      // Still one PMD mapping.
      assert.deepEqual([t.level(a), k.mem.entireMapcount[h], k.mem.totalMapcount[h]], [1, 1, 1]);
      t.done();
      t.release(r, rf, g);
      assert.deepEqual([t.ref(h), t.pins(h), k.mem.maybeDmaPinned(h)], [1, 0, false]);
      t.done();
    });

    it('a hugetlb folio takes 1 reference and 1 _pincount per page pinned', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.hugetlb();
      const h = t.pfn(a);
      assert.ok((k.mem.folioFlags[h] & FolioFlag.HUGETLB) !== 0);
      const r = t.ok(pinUserPages(k, t.mm, a + t.P, 3, FOLL.LONGTERM), 3);
      assert.deepEqual(r.pfns, [h + 1, h + 2, h + 3]);
      assert.deepEqual([t.ref(h), t.pins(h)], [4, 3]);
      const rf = t.ok(pinUserPagesFast(k, t.mm, a, 2, FOLL.WRITE | FOLL.LONGTERM), 2);
      assert.deepEqual(rf.pfns, [h, h + 1]);
      assert.deepEqual([t.ref(h), t.pins(h), k.mem.maybeDmaPinned(h)], [6, 5, true]);
      t.done();
      t.release(r, rf);
      assert.deepEqual([t.ref(h), t.pins(h), k.mem.maybeDmaPinned(h)], [1, 0, false]);
      t.done();
    });

    it('the shared zero page: a pin takes nothing (try_grab_folio skips is_zero_folio)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P);
      assert.equal(t.read(a), 0);
      assert.equal(t.pfn(a), k.mem.zeroPfn);
      const folios = t.folios();
      const r = t.ok(pinUserPages(k, t.mm, a, 1, 0), 1);
      const rf = t.ok(pinUserPagesFast(k, t.mm, a, 1, 0), 1);
      assert.deepEqual([r.pfns, rf.pfns], [[k.mem.zeroPfn], [k.mem.zeroPfn]]);
      assert.equal(t.folios(), folios, 'nothing allocated');
      assert.equal(t.pfn(a), k.mem.zeroPfn, 'still the zero page');
      t.done();
      t.release(r, rf);
      t.done();
    });

    it('exit of the pinning process releases its pins and references', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      const mine = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.LONGTERM), 1);
      const folios = t.folios();
      const q = k.spawn('q');
      const b = t.anon(4 * t.P, RW, q);
      t.write(b, 2, q, 4 * t.P);
      const qp = t.pfn(b, q);
      t.ok(pinUserPages(k, q, b, 2, FOLL.WRITE), 2);
      t.ok(pinUserPagesFast(k, q, b, 1, 0), 1);
      t.ok(getUserPages(k, q, b + 2 * t.P, 2, 0), 2);
      assert.equal(k.pins.size, 4);
      assert.equal(t.ref(qp), 1 + 2 * 1024);
      t.done();
      k.exitMm(q);
      assert.deepEqual([...k.pins.keys()], [mine.record]);
      assert.equal(t.folios(), folios, "q's pages were freed with its pins");
      assert.equal(t.ref(t.pfn(a)), 1025);
      t.done();
    });

    it('maybeDmaPinned: refcount >= 1024 for a small folio (false positives allowed), _pincount for a large one', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      const p = t.pfn(a);
      const refs: GupResult[] = [];
      for (let i = 0; i < 1022; i++) refs.push(getUserPages(k, t.mm, a, 1, 0));
      assert.deepEqual([t.ref(p), k.mem.maybeDmaPinned(p)], [1023, false]);
      refs.push(getUserPagesFast(k, t.mm, a, 1, 0));
      assert.deepEqual([t.ref(p), k.mem.maybeDmaPinned(p)], [1024, true], 'folio_maybe_dma_pinned: a false positive from 1023 FOLL_GET references');
      const b = t.thp();
      const h = t.pfn(b);
      for (let n = 0; n < 1024; n += Math.min(t.N, 1024)) refs.push(getUserPages(k, t.mm, b, Math.min(t.N, 1024), 0));
      assert.ok(t.ref(h) > 1024);
      assert.equal(k.mem.maybeDmaPinned(h), false, 'a large folio is judged by _pincount alone');
      const r = t.ok(pinUserPages(k, t.mm, b + t.P, 1, 0), 1);
      assert.equal(k.mem.maybeDmaPinned(h), true);
      t.done();
      t.release(...refs, r);
      assert.deepEqual([t.ref(p), t.ref(h), k.mem.maybeDmaPinned(p), k.mem.maybeDmaPinned(h)], [1, 1, false, false]);
      t.done();
    });

    it('the huge zero folio is pinned like any large folio (is_zero_folio is the small zero page only)', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.H);
      madvise(k, t.mm, a, t.H, 'hugepage');
      assert.equal(t.read(a), 0);
      const hz = k.hugeZeroPfn;
      assert.equal(t.pfn(a), hz);
      const ref0 = t.ref(hz);
      const r = t.ok(pinUserPages(k, t.mm, a, 3, 0), 3);
      assert.deepEqual(r.pfns, [hz, hz + 1, hz + 2]);
      assert.deepEqual([t.ref(hz) - ref0, t.pins(hz)], [3, 3]);
      t.release(r);
      assert.deepEqual([t.ref(hz) - ref0, t.pins(hz)], [0, 0]);
      t.done();
    });

    it('fork copies a pinned hugetlb page from the pool; with the pool empty fork fails with ENOMEM and leaves no child', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.hugetlb(1);
      const h = t.pfn(a);
      const r = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.LONGTERM), 1);
      throwsErrno(() => fork(k, t.mm, 'child'), 'ENOMEM');
      assert.deepEqual([...k.procs.values()].map((m) => m.name), ['main']);
      assert.deepEqual([t.pfn(a), t.ref(h), t.pins(h)], [h, 2, 1]);
      t.done();
      // With a free page in the pool, the child gets its own copy at once.
      setPoolSize(k, t.H, 2);
      const child = fork(k, t.mm, 'child2');
      const c = t.pfn(a, child);
      assert.notEqual(t.head(c), h);
      assert.deepEqual([k.mem.content[c], t.exclusive(c), t.writable(a, child), t.exclusive(h), t.writable(a)], [1, true, true, true, true]);
      t.release(r);
      t.done();
    });

    it('pin_user_pages (slow path) sets MMF_HAS_PINNED', {
    }, () => {
      const t = new T(arch);
      const a = t.anon(t.P);
      t.write(a, 1);
      assert.equal(t.mm.hasPinned, false);
      const r = t.ok(pinUserPages(t.k, t.mm, a, 1, 0), 1);
      assert.equal(t.mm.hasPinned, true);
      t.release(r);
      t.done();
    });

    it('fork shares a page that only FOLL_GET references made look pinned (MMF_HAS_PINNED is clear)', {
    }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 7);
      const p = t.pfn(a);
      const refs: GupResult[] = [];
      for (let i = 0; i < 1024; i++) refs.push(getUserPages(k, t.mm, a, 1, 0));
      assert.equal(k.mem.maybeDmaPinned(p), true);
      const child = fork(k, t.mm, 'child');
      assert.equal(t.pfn(a, child), p, 'the child shares the page');
      assert.equal(t.exclusive(p), false);
      t.release(...refs);
      t.done();
    });
  });

  describe(`GUP slow path (${arch})`, () => {
    it('a R/O pin (no FOLL_LONGTERM) of an untouched private anonymous page faults in and pins the shared zero page', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P);
      const folios = t.folios();
      const r = t.ok(pinUserPages(k, t.mm, a, 1, 0), 1);
      assert.deepEqual(r.pfns, [k.mem.zeroPfn]);
      assert.equal(t.pfn(a), k.mem.zeroPfn);
      assert.equal(t.writable(a), false);
      assert.ok((t.attrs(a) & Attr.SPECIAL) !== 0);
      assert.equal(t.folios(), folios);
      t.release(r);
      t.done();
    });

    it('a R/O FOLL_LONGTERM pin in a COW mapping unshares the zero page into a new exclusive anonymous page (slow and fast)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P);
      for (const [i, pin] of [[0, pinUserPages], [1, pinUserPagesFast]] as const) {
        const addr = a + i * t.P;
        const r = t.ok(pin(k, t.mm, addr, 1, FOLL.LONGTERM), 1);
        const p = r.pfns[0];
        assert.notEqual(p, k.mem.zeroPfn);
        assert.equal(t.pfn(addr), p);
        assert.deepEqual([t.anonPage(p), t.exclusive(p), t.writable(addr), t.ref(p), k.mem.content[p]], [true, true, false, 1025, 0]);
        t.release(r);
      }
      t.done();
    });

    it('FOLL_WRITE breaks COW after fork; the child keeps the old page', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 7);
      const p0 = t.pfn(a);
      const child = fork(k, t.mm, 'child');
      assert.equal(t.writable(a), false);
      const r = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE), 1);
      const p1 = r.pfns[0];
      assert.notEqual(p1, p0);
      assert.deepEqual([t.pfn(a), t.writable(a), t.exclusive(p1), k.mem.content[p1], t.ref(p1)], [p1, true, true, 7, 1025]);
      assert.deepEqual([t.pfn(a, child), t.ref(p0)], [p0, 1]);
      t.release(r);
      t.done();
    });

    it('FOLL_FORCE|FOLL_WRITE on a read-only private mapping COWs into an anonymous page mapped read-only', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P, PROT.READ);
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.WRITE), 'EFAULT');
      const r = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.FORCE), 1);
      const p = r.pfns[0];
      // maybe_mkwrite() does not make it writable without VM_WRITE; it is dirty and exclusive.
      assert.deepEqual([t.pfn(a), t.anonPage(p), t.exclusive(p), t.writable(a), (t.attrs(a) & Attr.DIRTY) !== 0], [p, true, true, false, true]);
      // can_follow_write_pte: FOLL_FORCE may now write through the R/O entry to our own exclusive page.
      const again = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.FORCE), 1);
      assert.deepEqual(again.pfns, [p]);
      // A private file mapping: the page cache keeps the file's data.
      const f = k.createFile('f', 4 * t.P);
      const b = t.map(t.P, PROT.READ, MAP.PRIVATE, { file: f });
      assert.equal(t.read(b), 0);
      const cached = t.pfn(b);
      const rb = t.ok(pinUserPages(k, t.mm, b, 1, FOLL.WRITE | FOLL.FORCE), 1);
      assert.notEqual(rb.pfns[0], cached);
      assert.deepEqual([t.anonPage(rb.pfns[0]), f.cache.get(0), t.ref(cached)], [true, cached, 1]);
      t.release(r, again, rb);
      t.done();
    });

    it('FOLL_FORCE|FOLL_WRITE on a shared read-only mapping is EFAULT (not a COW mapping)', () => {
      const t = new T(arch);
      const k = t.k;
      const f = k.createFile('f', 4 * t.P);
      const a = t.map(t.P, PROT.READ, MAP.SHARED, { file: f });
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.FORCE), 'EFAULT');
      const s = t.map(t.P, PROT.READ, MAP.SHARED | MAP.ANONYMOUS);
      t.failed(pinUserPages(k, t.mm, s, 1, FOLL.WRITE | FOLL.FORCE), 'EFAULT');
      // Reading is fine.
      t.release(t.ok(pinUserPages(k, t.mm, a, 1, FOLL.FORCE), 1));
      t.done();
    });

    it('FOLL_ANON on a file or shmem VMA is EFAULT', () => {
      const t = new T(arch);
      const k = t.k;
      const f = k.createFile('f', 4 * t.P);
      const a = t.map(t.P, RW, MAP.PRIVATE, { file: f });
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.ANON), 'EFAULT');
      t.failed(getUserPages(k, t.mm, a, 1, FOLL.ANON), 'EFAULT');
      const s = t.map(t.P, RW, MAP.SHARED | MAP.ANONYMOUS);
      t.failed(pinUserPages(k, t.mm, s, 1, FOLL.ANON), 'EFAULT');
      const b = t.anon(t.P);
      t.release(t.ok(pinUserPages(k, t.mm, b, 1, FOLL.ANON), 1));
      t.done();
    });

    it('VM_IO|VM_PFNMAP is EFAULT (check_vma_flags), slow and fast', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.map(4 * t.P, RW, MAP.SHARED, { pfnmap: true });
      t.read(a);
      assert.equal(checkVmaFlags(t.vma(a), FOLL.PIN), 'EFAULT');
      t.failed(pinUserPages(k, t.mm, a, 1, 0), 'EFAULT');
      t.failed(pinUserPagesFast(k, t.mm, a, 1, 0), 'EFAULT');
      t.failed(getUserPages(k, t.mm, a, 1, 0), 'EFAULT');
      t.done();
    });

    it('a special pfn in a VM_MIXEDMAP VMA without VM_IO is EEXIST (follow_pfn_pte)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.map(4 * t.P, RW, MAP.SHARED, { mixedmap: true });
      t.read(a);
      const v = t.vma(a);
      // vm_insert_page/vmf_insert_mixed drivers do not set VM_IO (only remap_pfn_range does).
      v.flags &= ~VM.IO;
      assert.equal(checkVmaFlags(v, FOLL.PIN), null);
      t.failed(pinUserPages(k, t.mm, a, 1, 0), 'EEXIST');
      t.done();
    });

    it('PROT_NONE is EFAULT without FOLL_FORCE; FOLL_FORCE reads it, and writes it in a COW mapping', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P, PROT.NONE);
      t.failed(pinUserPages(k, t.mm, a, 1, 0), 'EFAULT');
      t.failed(pinUserPagesFast(k, t.mm, a, 1, 0), 'EFAULT');
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.WRITE), 'EFAULT');
      // !VM_READ: FOLL_FORCE and VM_MAYREAD; the entry stays PROT_NONE (followed: no FOLL_HONOR_NUMA_FAULT).
      const r = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.FORCE), 1);
      assert.deepEqual(r.pfns, [k.mem.zeroPfn]);
      assert.ok((t.attrs(a) & Attr.PROTNONE) !== 0);
      // !VM_WRITE in a COW mapping: FOLL_FORCE may write (ptrace's /proc/PID/mem): the zero page is COWed.
      const w = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.FORCE), 1);
      const p = w.pfns[0];
      assert.deepEqual([t.pfn(a), t.anonPage(p), t.exclusive(p), t.writable(a), (t.attrs(a) & Attr.PROTNONE) !== 0], [p, true, true, false, true]);
      // A shared PROT_NONE mapping is not a COW mapping.
      const s = t.map(t.P, PROT.NONE, MAP.SHARED | MAP.ANONYMOUS);
      t.failed(pinUserPages(k, t.mm, s, 1, FOLL.WRITE | FOLL.FORCE), 'EFAULT');
      t.release(t.ok(pinUserPages(k, t.mm, s, 1, FOLL.FORCE), 1));
      t.release(r, w);
      t.done();
    });

    it('FOLL_DUMP: EFAULT on an anonymous hole and on the zero pages; a file hole is faulted in', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P);
      t.failed(getUserPages(k, t.mm, a, 1, FOLL.DUMP), 'EFAULT');
      assert.equal(k.lookup(t.mm, a / t.P), Kind.NONE, 'no_page_table does not fault');
      t.read(a + t.P);
      t.failed(getUserPages(k, t.mm, a + t.P, 1, FOLL.DUMP), 'EFAULT');
      const z = t.anon(t.H);
      madvise(k, t.mm, z, t.H, 'hugepage');
      t.read(z);
      assert.equal(t.pfn(z), k.hugeZeroPfn);
      t.failed(getUserPages(k, t.mm, z, 1, FOLL.DUMP), 'EFAULT');
      t.write(a, 5);
      t.release(t.ok(getUserPages(k, t.mm, a, 1, FOLL.DUMP), 1));
      const f = k.createFile('f', 4 * t.P);
      const b = t.map(t.P, PROT.READ, MAP.PRIVATE, { file: f });
      const r = t.ok(getUserPages(k, t.mm, b, 1, FOLL.DUMP), 1);
      assert.deepEqual(r.pfns, [f.cache.get(0)]);
      t.release(r);
      t.done();
    });

    it('FOLL_DUMP on a shared hugetlb page in the page cache faults it in', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.hugetlb(2, true);
      const h = t.pfn(a);
      madvise(k, t.mm, a, t.H, 'dontneed');
      assert.equal(k.lookup(t.mm, a / t.P), Kind.NONE);
      const r = t.ok(getUserPages(k, t.mm, a, 1, FOLL.DUMP), 1);
      assert.deepEqual(r.pfns, [h]);
      t.release(r);
      t.done();
    });

    it('FOLL_NOFAULT: EFAULT on a hole, fine on a present page', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P);
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.NOFAULT), 'EFAULT');
      assert.equal(k.lookup(t.mm, a / t.P), Kind.NONE);
      t.write(a, 1);
      t.release(t.ok(pinUserPages(k, t.mm, a, 1, FOLL.NOFAULT | FOLL.WRITE), 1));
      t.done();
    });

    it('FOLL_SPLIT_PMD splits a THP PMD mapping (the folio stays whole); EOPNOTSUPP on hugetlb', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.thp();
      const h = t.pfn(a);
      const r = t.ok(pinUserPages(k, t.mm, a + 3 * t.P, 2, FOLL.SPLIT_PMD), 2);
      assert.deepEqual(r.pfns, [h + 3, h + 4]);
      assert.deepEqual([t.level(a), t.level(a + 3 * t.P), k.mem.nrPages(h), k.mem.entireMapcount[h], k.mem.totalMapcount[h]], [0, 0, t.N, 0, t.N]);
      assert.deepEqual([t.ref(h), t.pins(h)], [t.N + 2, 2]);
      const b = t.hugetlb();
      t.failed(pinUserPages(k, t.mm, b, 1, FOLL.SPLIT_PMD), 'EOPNOTSUPP');
      assert.equal(t.level(b), 1);
      t.release(r);
      t.done();
    });

    it('FOLL_LONGTERM|FOLL_WRITE: EFAULT on a shared ext4 mapping (writable_file_mapping_allowed); shmem, hugetlb and private files are fine', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const f = k.createFile('f', 4 * t.P);
      const a = t.map(t.P, RW, MAP.SHARED, { file: f });
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.LONGTERM), 'EFAULT');
      t.failed(pinUserPagesFast(k, t.mm, a, 1, FOLL.WRITE | FOLL.LONGTERM), 'EFAULT');
      // Not long-term, or read-only: allowed.
      const short = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE), 1);
      const ro = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.LONGTERM), 1);
      assert.deepEqual([short.pfns, ro.pfns], [[f.cache.get(0)], [f.cache.get(0)]]);
      const s = t.map(t.P, RW, MAP.SHARED | MAP.ANONYMOUS);
      const rs = t.ok(pinUserPages(k, t.mm, s, 1, FOLL.WRITE | FOLL.LONGTERM), 1);
      const rsf = t.ok(pinUserPagesFast(k, t.mm, s, 1, FOLL.WRITE | FOLL.LONGTERM), 1);
      assert.equal(rsf.pfns[0], rs.pfns[0]);
      const h = t.hugetlb(2, true);
      const rh = t.ok(pinUserPages(k, t.mm, h, 1, FOLL.WRITE | FOLL.LONGTERM), 1);
      const p = t.map(t.P, RW, MAP.PRIVATE, { file: f });
      const rp = t.ok(pinUserPages(k, t.mm, p, 1, FOLL.WRITE | FOLL.LONGTERM), 1);
      assert.equal(t.anonPage(rp.pfns[0]), true, 'a private file mapping COWs into anonymous memory');
      t.release(short, ro, rs, rsf, rh, rp);
      t.done();
    });

    it('invalid flag combinations are EINVAL (is_valid_gup_args, gup_fast_fallback)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      throwsErrno(() => pinUserPages(k, t.mm, a, 1, FOLL.GET), 'EINVAL');
      throwsErrno(() => pinUserPagesFast(k, t.mm, a, 1, FOLL.GET), 'EINVAL');
      throwsErrno(() => getUserPages(k, t.mm, a, 1, FOLL.LONGTERM), 'EINVAL');
      throwsErrno(() => getUserPagesFast(k, t.mm, a, 1, FOLL.LONGTERM), 'EINVAL');
      throwsErrno(() => pinUserPages(k, t.mm, a, 1, FOLL.LONGTERM | FOLL.PCI_P2PDMA), 'EINVAL');
      for (const internal of [FOLL.TOUCH, FOLL.PIN, FOLL.REMOTE, FOLL.FAST_ONLY, FOLL.UNLOCKABLE, FOLL.TRIED, FOLL.MADV_POPULATE]) {
        throwsErrno(() => pinUserPages(k, t.mm, a, 1, internal), 'EINVAL');
        throwsErrno(() => getUserPagesFast(k, t.mm, a, 1, internal), 'EINVAL');
      }
      assert.equal(k.pins.size, 0);
      assert.equal(t.ref(t.pfn(a)), 1);
      t.done();
    });

    it('pin_user_pages_fast takes only the flags gup_fast_fallback allows (EINVAL for FOLL_DUMP, FOLL_ANON, FOLL_SPLIT_PMD)', {
    }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      for (const bad of [FOLL.DUMP, FOLL.ANON, FOLL.SPLIT_PMD, FOLL.NOWAIT, FOLL.HWPOISON]) {
        throwsErrno(() => pinUserPagesFast(k, t.mm, a, 1, bad), 'EINVAL');
        throwsErrno(() => getUserPagesFast(k, t.mm, a, 1, bad), 'EINVAL');
      }
      assert.equal(k.pins.size, 0);
      t.done();
    });

    it('FOLL_FORCE|FOLL_WRITE on a read-only hugetlb mapping is EFAULT', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      setPoolSize(k, t.H, 2);
      const a = t.map(t.H, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB);
      assert.equal(checkVmaFlags(t.vma(a), FOLL.PIN | FOLL.WRITE | FOLL.FORCE), 'EFAULT');
      t.failed(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.FORCE), 'EFAULT');
      t.done();
    });

    it('a range across two VMAs stops at the one GUP may not touch: the pages so far are returned with the error', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(4 * t.P);
      mprotect(k, t.mm, a + 2 * t.P, 2 * t.P, PROT.NONE);
      t.write(a, 3, t.mm, 2 * t.P);
      for (const pin of [pinUserPages, pinUserPagesFast]) {
        const r = pin(k, t.mm, a, 4, 0);
        assert.deepEqual([r.pfns, r.error], [[t.pfn(a), t.pfn(a + t.P)], 'EFAULT']);
        assert.ok(k.pins.has(r.record));
        t.release(r);
      }
      t.done();
    });

    it('a pinned page outlives its mapping: munmap keeps the pin, unpin frees the page', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 9);
      const p = t.pfn(a);
      const folios = t.folios();
      const r = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.LONGTERM), 1);
      munmap(k, t.mm, a, t.P);
      assert.deepEqual([k.mem.isFolioPage(p), t.ref(p), k.mem.mapcountOfPage(p), k.mem.content[p]], [true, 1024, 0, 9]);
      t.done();
      t.release(r);
      assert.deepEqual([k.mem.isFolioPage(p), t.folios()], [false, folios - 1]);
      t.done();
    });
  });

  describe(`GUP unshare rule for R/O pins (${arch})`, () => {
    for (const [name, pin] of [['slow', pinUserPages], ['fast', pinUserPagesFast]] as const) {
      it(`${name}: after fork, a R/O pin of a page the child still maps copies it; the entry stays read-only`, () => {
        const t = new T(arch);
        const k = t.k;
        const a = t.anon(t.P);
        t.write(a, 4);
        const p0 = t.pfn(a);
        const child = fork(k, t.mm, 'child');
        assert.deepEqual([t.exclusive(p0), t.ref(p0)], [false, 2]);
        const r = t.ok(pin(k, t.mm, a, 1, 0), 1);
        const p1 = r.pfns[0];
        assert.notEqual(p1, p0);
        assert.deepEqual([t.pfn(a), t.writable(a), t.exclusive(p1), t.ref(p1), k.mem.content[p1]], [p1, false, true, 1025, 4]);
        assert.deepEqual([t.pfn(a, child), t.ref(p0), t.exclusive(p0)], [p0, 1, false]);
        // A write through the page table reuses the pinned page: the pin sees it.
        t.write(a, 5);
        assert.deepEqual([t.pfn(a), k.mem.content[p1], t.read(a, child)], [p1, 5, 4]);
        t.release(r);
        t.done();
      });

      it(`${name}: a R/O pin reuses a page that has no other reference (the child exited); the entry stays read-only`, () => {
        const t = new T(arch);
        const k = t.k;
        const a = t.anon(t.P);
        t.write(a, 4);
        const p0 = t.pfn(a);
        k.exitMm(fork(k, t.mm, 'child'));
        assert.deepEqual([t.exclusive(p0), t.ref(p0), t.writable(a)], [false, 1, false]);
        const r = t.ok(pin(k, t.mm, a, 1, 0), 1);
        assert.deepEqual([r.pfns[0], t.pfn(a), t.writable(a), t.exclusive(p0), t.ref(p0)], [p0, p0, false, true, 1025]);
        t.release(r);
        t.done();
      });

      it(`${name}: a R/O pin of an exclusive page mapped read-only (mprotect) needs no unshare`, () => {
        const t = new T(arch);
        const k = t.k;
        const a = t.anon(t.P);
        t.write(a, 4);
        const p0 = t.pfn(a);
        mprotect(k, t.mm, a, t.P, PROT.READ);
        const r = t.ok(pin(k, t.mm, a, 1, FOLL.LONGTERM), 1);
        assert.deepEqual([r.pfns[0], t.writable(a), t.exclusive(p0), t.ref(p0)], [p0, false, true, 1025]);
        t.release(r);
        t.done();
      });

      it(`${name}: THP after fork: a R/O pin splits the parent's PMD and copies the pinned page; the child keeps its PMD`, { skip: noPmdLeaf(arch) }, () => {
        const t = new T(arch);
        const k = t.k;
        const a = t.thp();
        const h = t.pfn(a);
        const child = fork(k, t.mm, 'child');
        const r = t.ok(pin(k, t.mm, a + t.P, 1, 0), 1);
        const p = r.pfns[0];
        assert.notEqual(t.head(p), h);
        assert.deepEqual([t.level(a), t.pfn(a + t.P), t.pfn(a + 2 * t.P), t.writable(a + t.P), t.exclusive(p), t.ref(p)], [0, p, h + 2, false, true, 1025]);
        // The child's PMD plus the parent's N-1 PTEs.
        assert.deepEqual([t.level(a, child), t.ref(h), k.mem.entireMapcount[h], k.mem.mapcountOfPage(h + 2), k.mem.mapcountOfPage(h + 1)], [1, t.N, 1, 2, 1]);
        t.release(r);
        t.done();
      });

      it(`${name}: THP whose child exited: a R/O pin reuses the PMD-mapped folio and keeps the PMD read-only`, { skip: noPmdLeaf(arch) }, () => {
        const t = new T(arch);
        const k = t.k;
        const a = t.thp();
        const h = t.pfn(a);
        k.exitMm(fork(k, t.mm, 'child'));
        assert.deepEqual([t.exclusive(h), t.ref(h)], [false, 1]);
        const r = t.ok(pin(k, t.mm, a + 2 * t.P, 2, 0), 2);
        assert.deepEqual(r.pfns, [h + 2, h + 3]);
        assert.deepEqual([t.level(a), t.writable(a), t.exclusive(h), t.ref(h), t.pins(h)], [1, false, true, 3, 2]);
        t.release(r);
        t.done();
      });

      it(`${name}: hugetlb after fork: a R/O pin copies the huge page; once the child exited it reuses it`, { skip: noPmdLeaf(arch) }, () => {
        const t = new T(arch);
        const k = t.k;
        const a = t.hugetlb(2);
        const h = t.pfn(a);
        const child = fork(k, t.mm, 'child');
        const r = t.ok(pin(k, t.mm, a, 2, 0), 2);
        const n = t.head(r.pfns[0]);
        assert.notEqual(n, h);
        assert.deepEqual([r.pfns, t.writable(a), t.exclusive(n), t.ref(n), t.pins(n)], [[n, n + 1], false, true, 3, 2]);
        assert.deepEqual([t.pfn(a, child), t.ref(h)], [h, 1]);
        t.release(r);
        k.exitMm(t.mm);
        const r2 = t.ok(pin(k, child, a, 1, 0), 1);
        assert.deepEqual([r2.pfns, t.exclusive(h), t.writable(a, child), t.ref(h)], [[h], true, false, 2]);
        t.release(r2);
        t.done();
      });
    }

    it('FOLL_WRITE pins never unshare: the entry is writable, hence exclusive', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      const p = t.pfn(a);
      const r = t.ok(pinUserPages(k, t.mm, a, 1, FOLL.WRITE | FOLL.LONGTERM), 1);
      assert.deepEqual([r.pfns, t.writable(a), t.exclusive(p)], [[p], true, true]);
      t.release(r);
      t.done();
    });

    it('FOLL_GET never unshares: a shared page is referenced as it is', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      const p = t.pfn(a);
      const child = fork(k, t.mm, 'child');
      const r = t.ok(getUserPages(k, t.mm, a, 1, 0), 1);
      assert.deepEqual([r.pfns, t.pfn(a, child), t.exclusive(p), t.ref(p)], [[p], p, false, 3]);
      t.release(r);
      t.done();
    });
  });

  describe(`GUP-fast (${arch})`, () => {
    it('grabs present pages without faulting (works under FOLL_NOFAULT), writable ones for FOLL_WRITE', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(4 * t.P);
      t.write(a, 1, t.mm, 3 * t.P);
      const pfns = [t.pfn(a), t.pfn(a + t.P), t.pfn(a + 2 * t.P)];
      const r = t.ok(pinUserPagesFast(k, t.mm, a, 3, FOLL.WRITE | FOLL.NOFAULT), 3);
      assert.deepEqual(r.pfns, pfns);
      const g = t.ok(getUserPagesFast(k, t.mm, a, 3, FOLL.NOFAULT), 3);
      assert.deepEqual(g.pfns, pfns);
      assert.equal(t.mm.hasPinned, true, 'gup_fast_fallback sets MMF_HAS_PINNED for FOLL_PIN');
      t.release(r, g);
      t.done();
    });

    it('falls back to the slow path: a hole is faulted in (EFAULT under FOLL_NOFAULT)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(2 * t.P);
      t.failed(pinUserPagesFast(k, t.mm, a, 1, FOLL.NOFAULT), 'EFAULT');
      const r = t.ok(pinUserPagesFast(k, t.mm, a, 1, FOLL.WRITE), 1);
      assert.equal(t.pfn(a), r.pfns[0]);
      assert.equal(t.anonPage(r.pfns[0]), true);
      t.release(r);
      t.done();
    });

    it('falls back for non-present entries: a swapped-out page is swapped in by the slow path (EFAULT under FOLL_NOFAULT)', () => {
      const t = new T(arch);
      const k = t.k;
      swapOn(k);
      const a = t.anon(t.P);
      t.write(a, 8);
      madvise(k, t.mm, a, t.P, 'pageout');
      assert.equal(k.lookup(t.mm, a / t.P), Kind.SWAP);
      t.failed(pinUserPagesFast(k, t.mm, a, 1, FOLL.NOFAULT), 'EFAULT');
      assert.equal(k.lookup(t.mm, a / t.P), Kind.SWAP);
      const r = t.ok(pinUserPagesFast(k, t.mm, a, 1, 0), 1);
      const p = r.pfns[0];
      // do_swap_page: an exclusive entry comes back exclusive; a read fault leaves the folio in the swap cache.
      assert.deepEqual([t.pfn(a), k.mem.content[p], t.exclusive(p), t.ref(p)], [p, 8, true, 1 + 1 + 1024]);
      t.release(r);
      t.done();
    });

    it('falls back for special entries: the zero page (no fault needed), a pfnmap (EFAULT from check_vma_flags)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.read(a);
      const r = t.ok(pinUserPagesFast(k, t.mm, a, 1, FOLL.NOFAULT), 1);
      assert.deepEqual(r.pfns, [k.mem.zeroPfn]);
      const b = t.map(t.H, RW, MAP.SHARED, { pfnmap: true });
      t.read(b);
      t.failed(pinUserPagesFast(k, t.mm, b, 1, 0), 'EFAULT');
      t.failed(getUserPagesFast(k, t.mm, b, 1, 0), 'EFAULT');
      t.release(r);
      t.done();
    });

    it('falls back for PROT_NONE (EFAULT) and for read-only entries when writing (COW)', () => {
      const t = new T(arch);
      const k = t.k;
      const n = t.anon(t.P);
      t.write(n, 1);
      mprotect(k, t.mm, n, t.P, PROT.NONE);
      t.failed(pinUserPagesFast(k, t.mm, n, 1, 0), 'EFAULT');
      const a = t.anon(t.P);
      t.write(a, 2);
      const p0 = t.pfn(a);
      fork(k, t.mm, 'child');
      t.failed(pinUserPagesFast(k, t.mm, a, 1, FOLL.WRITE | FOLL.NOFAULT), 'EFAULT');
      const r = t.ok(pinUserPagesFast(k, t.mm, a, 1, FOLL.WRITE), 1);
      assert.notEqual(r.pfns[0], p0);
      assert.deepEqual([t.pfn(a), t.writable(a)], [r.pfns[0], true]);
      t.release(r);
      t.done();
    });

    it('falls back for pages that must be unshared (EFAULT under FOLL_NOFAULT)', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 2);
      const p0 = t.pfn(a);
      fork(k, t.mm, 'child');
      t.failed(pinUserPagesFast(k, t.mm, a, 1, FOLL.NOFAULT), 'EFAULT');
      assert.equal(t.pfn(a), p0);
      // FOLL_GET does not unshare: the fast path takes the shared page.
      const g = t.ok(getUserPagesFast(k, t.mm, a, 1, FOLL.NOFAULT), 1);
      assert.deepEqual(g.pfns, [p0]);
      // A file page in a COW mapping and FOLL_LONGTERM: gup_must_unshare(NULL, ...) says "fall back".
      const f = k.createFile('f', t.P);
      const b = t.map(t.P, RW, MAP.PRIVATE, { file: f });
      t.read(b);
      t.failed(pinUserPagesFast(k, t.mm, b, 1, FOLL.LONGTERM | FOLL.NOFAULT), 'EFAULT');
      const short = t.ok(pinUserPagesFast(k, t.mm, b, 1, FOLL.NOFAULT), 1);
      assert.deepEqual(short.pfns, [f.cache.get(0)]);
      t.release(g, short);
      t.done();
    });

    it('a THP PMD and a hugetlb leaf are grabbed whole by the fast path', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.thp();
      const h = t.pfn(a);
      const r = t.ok(pinUserPagesFast(k, t.mm, a + t.P, t.N - 1, FOLL.WRITE | FOLL.NOFAULT), t.N - 1);
      assert.deepEqual([r.pfns[0], r.pfns[t.N - 2], t.ref(h), t.pins(h)], [h + 1, h + t.N - 1, t.N, t.N - 1]);
      const b = t.hugetlb();
      const hb = t.pfn(b);
      const rb = t.ok(pinUserPagesFast(k, t.mm, b, 2, FOLL.WRITE | FOLL.LONGTERM | FOLL.NOFAULT), 2);
      assert.deepEqual([rb.pfns, t.ref(hb), t.pins(hb)], [[hb, hb + 1], 3, 2]);
      t.release(r, rb);
      t.done();
    });

    it('FOLL_FAST_ONLY (get_user_pages_fast_only) returns short instead of falling back', {
    }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(3 * t.P);
      t.write(a, 1, t.mm, 2 * t.P);
      const api = (gupModule as unknown as Record<string, unknown>)['getUserPagesFastOnly'];
      assert.equal(typeof api, 'function', 'getUserPagesFastOnly is exported');
      const fastOnly = api as typeof getUserPagesFast;
      const r = fastOnly(k, t.mm, a, 3, 0);
      assert.deepEqual(r.pfns, [t.pfn(a), t.pfn(a + t.P)]);
      assert.equal(k.lookup(t.mm, a / t.P + 2), Kind.NONE, 'the hole was not faulted in');
      t.release(r);
      t.done();
    });
  });

  describe(`vm_normal_page (${arch})`, () => {
    it('normal anonymous, file and shmem pages give their pfn; a PMD leaf gives the head', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.write(a, 1);
      assert.equal(t.normal(a), t.pfn(a));
      const f = k.createFile('f', t.P);
      const b = t.map(t.P, PROT.READ, MAP.SHARED, { file: f });
      t.read(b);
      assert.equal(t.normal(b), f.cache.get(0));
      const s = t.map(t.P, RW, MAP.SHARED | MAP.ANONYMOUS);
      t.write(s, 1);
      assert.equal(t.normal(s), t.pfn(s));
      const h = t.thp();
      assert.equal(t.normal(h + 5 * t.P), t.pfn(h));
      const g = t.hugetlb();
      assert.equal(t.normal(g + 3 * t.P), t.pfn(g));
      // A PUD leaf: see the 1 GiB folio_walk test below.
      assert.deepEqual(k.badPageMaps, []);
      t.done();
    });

    it('special entries of a pfnmap and the zero pages give -1 without a report', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const d = t.map(2 * t.H, RW, MAP.SHARED, { pfnmap: true });
      t.read(d);
      t.read(d + t.H + 3 * t.P);
      assert.deepEqual([t.level(d), (t.attrs(d) & Attr.SPECIAL) !== 0], [1, true]);
      assert.deepEqual([t.normal(d), t.normal(d + t.H + 3 * t.P)], [-1, -1]);
      const m = t.map(4 * t.P, RW, MAP.SHARED, { mixedmap: true });
      t.read(m);
      assert.equal(t.normal(m), -1);
      const z = t.anon(t.P);
      t.read(z);
      assert.equal(t.normal(z), -1);
      const hz = t.anon(t.H);
      madvise(k, t.mm, hz, t.H, 'hugepage');
      t.read(hz);
      assert.deepEqual([t.pfn(hz), t.level(hz), (t.attrs(hz) & Attr.SPECIAL) !== 0], [k.hugeZeroPfn, 1, true]);
      assert.equal(t.normal(hz), -1);
      assert.deepEqual(k.badPageMaps, []);
      t.done();
    });

    it('a special entry forged into an anonymous VMA gives -1 and a "BUG: Bad page map" report', () => {
      const t = new T(arch);
      const k = t.k;
      const c = k.fmt.codec;
      const a = t.anon(t.P);
      t.write(a, 1);
      const vpn = a / t.P;
      k.lookup(t.mm, vpn);
      const { slot, index, lo, hi } = k.st;
      const pfn = c.pfn(lo, hi);
      const e = c.leaf(pfn, c.attrs(lo, hi) | Attr.SPECIAL, 0);
      k.walker.set(t.mm, NO_ACCOUNTING, slot, index, 0, vpn, e.lo, e.hi);
      assert.equal(t.normal(a), -1);
      assert.equal(k.badPageMaps.length, 1);
      assert.match(k.badPageMaps[0], /^BUG: Bad page map .*special entry outside a pfnmap/);
      assert.ok(checkInvariants(k).some((p) => p.includes('special entry outside a pfnmap')), 'the checker sees it too');
      // A non-special entry whose pfn has no struct page (above the memmap).
      const bogus = c.leaf(devicePfnBase(k.fmt) + 5, c.attrs(lo, hi), 0);
      k.walker.set(t.mm, NO_ACCOUNTING, slot, index, 0, vpn, bogus.lo, bogus.hi);
      assert.equal(t.normal(a), -1);
      assert.equal(k.badPageMaps.length, 2);
      assert.match(k.badPageMaps[1], /^BUG: Bad page map .*has no struct page/);
      k.walker.set(t.mm, NO_ACCOUNTING, slot, index, 0, vpn, lo, hi);
      assert.equal(t.normal(a), pfn);
      t.done();
    });
  });

  describe(`folio_walk (${arch})`, () => {
    it('PTE, PMD (THP) and hugetlb leaves: the folio, the exact page for the address and the level', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(8 * t.P);
      t.write(a + 3 * t.P, 1);
      const p = t.pfn(a + 3 * t.P);
      const va = t.vma(a);
      const fw = folioWalkStart(k, t.mm, va, a / t.P + 3, 0);
      assert.ok(fw);
      assert.deepEqual([fw.folio, fw.page, fw.level], [p, p, 0]);
      folioWalkEnd(fw);
      const b = t.thp();
      const h = t.pfn(b);
      const fb = folioWalkStart(k, t.mm, t.vma(b), b / t.P + 5, 0);
      assert.ok(fb);
      assert.deepEqual([fb.folio, fb.page, fb.level], [h, h + 5, 1]);
      folioWalkEnd(fb);
      const g = t.hugetlb();
      const hg = t.pfn(g);
      const vg = t.vma(g);
      const fg = folioWalkStart(k, t.mm, vg, g / t.P + t.N - 1, FW.MIGRATION);
      assert.ok(fg);
      assert.deepEqual([fg.folio, fg.page, fg.level], [hg, hg + t.N - 1, 1]);
      assert.equal(vg.hugeLock.readers, 1, 'the hugetlb VMA lock is held until folio_walk_end');
      assert.notDeepEqual(checkInvariants(k), []);
      folioWalkEnd(fg);
      assert.equal(vg.hugeLock.held, false);
      t.done();
    });

    it('a 1 GiB hugetlb page: a PUD leaf (or a contiguous PMD group) where the format has one', () => {
      const t = new T(arch);
      const k = t.k;
      // x86-64 and arm64-4k map 1 GiB with a PUD leaf, arm64-16k with a contiguous group of 32 PMDs.
      const geo = k.fmt.leafSizes().find((s) => s.bytes === GiB);
      if (geo === undefined) {
        assert.throws(() => setPoolSize(k, GiB, 1));
        return;
      }
      setPoolSize(k, GiB, 1);
      const a = t.map(GiB, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB, { hugeBytes: GiB });
      const off = 12345;
      t.write(a + off * t.P, 3);
      const h = t.pfn(a);
      const v = t.vma(a);
      const fw = folioWalkStart(k, t.mm, v, a / t.P + off, 0);
      assert.ok(fw);
      assert.deepEqual([fw.folio, fw.page, fw.level, v.hugeLock.held], [h, h + off, geo.level, true]);
      folioWalkEnd(fw);
      assert.equal(v.hugeLock.held, false);
      // vm_normal_page_pud: the head, whatever the address inside the leaf.
      assert.deepEqual([t.level(a + off * t.P), t.normal(a + off * t.P)], [geo.level, h]);
      assert.deepEqual(k.badPageMaps, []);
      // GUP through the PUD leaf: one reference and one pin per page.
      const r = t.ok(pinUserPages(k, t.mm, a + off * t.P, 2, 0), 2);
      const rf = t.ok(pinUserPagesFast(k, t.mm, a, 1, FOLL.WRITE), 1);
      assert.deepEqual([r.pfns, rf.pfns, t.ref(h), t.pins(h)], [[h + off, h + off + 1], [h], 4, 3]);
      t.release(r, rf);
      t.done();
    });

    it('FW_ZEROPAGE reports the zero page and the huge zero PMD with page -1; without it they are not found', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.anon(t.P);
      t.read(a);
      const v = t.vma(a);
      assert.equal(folioWalkStart(k, t.mm, v, a / t.P, 0), null);
      const fz = folioWalkStart(k, t.mm, v, a / t.P, FW.ZEROPAGE);
      assert.ok(fz);
      assert.deepEqual([fz.folio, fz.page, fz.level], [k.mem.zeroPfn, -1, 0]);
      folioWalkEnd(fz);
      const b = t.anon(t.H);
      madvise(k, t.mm, b, t.H, 'hugepage');
      t.read(b);
      const vb = t.vma(b);
      assert.equal(folioWalkStart(k, t.mm, vb, b / t.P + 2, 0), null);
      const fh = folioWalkStart(k, t.mm, vb, b / t.P + 2, FW.ZEROPAGE);
      assert.ok(fh);
      assert.deepEqual([fh.folio, fh.page, fh.level], [k.hugeZeroPfn, -1, 1]);
      folioWalkEnd(fh);
      assert.deepEqual(k.badPageMaps, []);
      t.done();
    });

    it('not found: a pfnmap, a hole, an address outside the VMA; a hugetlb miss releases the VMA lock', { skip: noPmdLeaf(arch) }, () => {
      const t = new T(arch);
      const k = t.k;
      const d = t.map(t.H, RW, MAP.SHARED, { pfnmap: true });
      t.read(d);
      const vd = t.vma(d);
      for (const flags of [0, FW.ZEROPAGE, FW.MIGRATION | FW.ZEROPAGE]) assert.equal(folioWalkStart(k, t.mm, vd, d / t.P, flags), null);
      const a = t.anon(4 * t.P);
      t.write(a, 1);
      const va = t.vma(a);
      assert.equal(folioWalkStart(k, t.mm, va, a / t.P + 1, FW.ZEROPAGE), null);
      assert.equal(folioWalkStart(k, t.mm, va, a / t.P + 4, 0), null);
      setPoolSize(k, t.H, 2);
      const g = t.map(2 * t.H, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB, { hugeBytes: t.H });
      const vg = t.vma(g);
      assert.equal(folioWalkStart(k, t.mm, vg, g / t.P + t.N, 0), null);
      assert.equal(vg.hugeLock.held, false);
      assert.deepEqual(k.badPageMaps, []);
      t.done();
    });
  });
}
