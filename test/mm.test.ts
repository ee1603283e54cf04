// Behaviour tests of the mm model with expected values, on every page-table
// format. Expectations come from the kernel (mm/memory.c, mm/mmap.c,
// mm/mprotect.c, mm/madvise.c, mm/mremap.c, mm/vma.c, kernel/fork.c) and from
// what the real kernel showed (../shared/docs/kernel-oracle.md). Sizes are in
// base pages of the format (e.P) and PMD spans (e.span = pages one PTE table
// maps), so the same test runs on 4K, 16K and 64K pages.
//
// Tests marked { todo: 'bug: ...' } show a divergence from the kernel that
// the model still has; they stay in the file so the fix can be checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Attr } from '../src/arch/index.js';
import { FolioFlag } from '../src/mem/phys.js';
import type { FailureName } from '../src/mm/errno.js';
import { fork } from '../src/mm/fork.js';
import { checkInvariants } from '../src/mm/invariants.js';
import type { Mm } from '../src/mm/mm.js';
import { MAP, MREMAP, PROT, madvise, mmap, mprotect, mremap, munmap, type Advice } from '../src/mm/syscalls.js';
import { VM, type Vma } from '../src/mm/vma.js';
import { KPF, PM, SCAN, SCAN_NOT_REPORTED } from '../src/views/pagemap.js';
import { smapsKb } from '../src/views/smaps.js';
import { ARCHES, Env, fails, finish, snapshot, walkBacksUpOverPlainLeaves } from './helpers/mm.js';

const R = PROT.READ;
const RW = PROT.READ | PROT.WRITE;
/** kpageflags of a mapped, exclusive anonymous page (MAPPEDTODISK = PageAnonExclusive). */
const KPF_ANON_EXCL = KPF.MMAP | KPF.ANON | KPF.SWAPBACKED | KPF.MAPPEDTODISK;
/** ... and of a mapped anonymous page that is not PageAnonExclusive (shared since fork). */
const KPF_ANON_SHARED = KPF.MMAP | KPF.ANON | KPF.SWAPBACKED;

/** VmPTE (kB) after one page is touched in a fresh slot: one table of each counted level (pte, pmd, pud). */
const FIRST_TOUCH_VMPTE: Record<string, number> = {
  x86_64: 12, // PUD + PMD + PTE tables of 4 kB (the pgd is not counted)
  'x86_64-la57': 12, // the p4d table is not counted either (mm_pgtables_bytes)
  'arm64-4k': 12,
  'arm64-16k': 32, // 3 levels: PMD + PTE tables of 16 kB
  'arm64-64k': 128, // 3 levels: PMD + PTE tables of 64 kB (8192 entries)
  'riscv64-sv39': 8, // 3 levels: PMD + PTE tables of 4 kB
  'riscv64-sv48': 12,
  'riscv64-sv57': 12, // no p4d counter in mm_pgtables_bytes
  'ppc64-radix-4k': 12,
  'ppc64-radix-64k': 8, // (32 + 512 + 512) x 8 bytes = 8448 bytes, >> 10
  'ppc64-hash-64k': 18, // (256 + 1024 + 1024) x 8 bytes
};

function vmaOf(e: Env, addr: number, mm: Mm = e.mm): Vma {
  const v = e.vmaAt(addr, mm);
  assert.ok(v, `no VMA at 0x${addr.toString(16)}`);
  return v;
}

/** `fn` fails with `code`, the observable state is unchanged and the invariants hold. */
function failsUnchanged(e: Env, fn: () => unknown, code: FailureName, msg?: string): void {
  const before = snapshot(e.k);
  fails(fn, code, msg);
  assert.deepEqual(snapshot(e.k), before, `${msg ?? code}: state changed by a failed call`);
  assert.deepEqual(checkInvariants(e.k), []);
}

/**
 * The table indices [from, to) that a read fault at table index `pteOff`
 * maps: do_fault_around (mm/memory.c) with fault_around_bytes = 64K, i.e.
 * max(ALIGN_DOWN(pte_off, nr), start of the VMA) up to from + nr, clipped to
 * the PTE table and the VMA; filemap_map_pages stops at EOF (`eofOff`).
 * With 64K pages nr = 1: no fault-around at all.
 */
function faultAroundWindow(e: Env, pteOff: number, vmaOff: number, vmaPages: number, eofOff: number): [number, number] {
  const nr = Math.floor(65536 / e.P);
  if (nr <= 1) return [pteOff, pteOff + 1];
  const from = Math.max(pteOff - (pteOff % nr), pteOff - Math.min(pteOff, vmaOff));
  const to = Math.min(from + nr, e.k.fmt.entries[0], pteOff + vmaPages - vmaOff, eofOff);
  return [from, to];
}

for (const arch of ARCHES) {
  describe(`mm behaviour on ${arch}`, () => {
    // ------------------------------------------------------------------
    describe('private anonymous faults and the zero page', () => {
      it('a read of untouched private anon maps the zero page; a write allocates; a write after a read replaces the zero page', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 16);
        assert.equal(e.read(a), 0);
        const z = e.page(a);
        assert.equal(z.pm, PM.PRESENT, 'zero page: present, not exclusive, not file');
        assert.equal(z.frame, k.mem.zeroPfn);
        assert.equal(z.count, 0);
        assert.equal(z.kpf, KPF.ZERO);
        assert.equal(z.scan, SCAN.PRESENT | SCAN.WRITTEN | SCAN.PFNZERO);
        assert.equal(e.writable(a), false, 'the zero page is mapped read-only');
        assert.equal(e.smaps(a).Rss, 0);
        assert.equal(e.status().RssAnon, 0);
        // A none PTE in the same table.
        assert.deepEqual(e.page(a + 5 * P), { pm: 0, frame: -1, scan: SCAN.WRITTEN, count: 0, kpf: 0 });

        e.write(a + P, 7);
        const w = e.page(a + P);
        assert.equal(w.pm, PM.PRESENT | PM.EXCLUSIVE);
        assert.notEqual(w.frame, k.mem.zeroPfn);
        assert.equal(w.count, 1);
        assert.equal(w.kpf, KPF_ANON_EXCL);
        assert.equal(w.scan, SCAN.PRESENT | SCAN.WRITTEN);
        assert.equal(e.writable(a + P), true);
        assert.equal(e.status().RssAnon, e.kb(1));
        const s1 = e.smaps(a);
        assert.equal(s1.Rss, P);
        assert.equal(s1.Anonymous, P);
        assert.equal(s1.Private_Dirty, P);

        e.write(a, 9);
        const r = e.page(a);
        assert.equal(r.pm, PM.PRESENT | PM.EXCLUSIVE);
        assert.notEqual(r.frame, k.mem.zeroPfn);
        assert.notEqual(r.frame, w.frame);
        assert.equal(r.kpf, KPF_ANON_EXCL);
        assert.equal(e.status().RssAnon, e.kb(2));
        assert.equal(e.read(a), 9);
        assert.equal(e.read(a + P), 7);
        finish(k);
      });

      it('a write-only mapping is readable; PROT_READ|PROT_EXEC is readable and not writable', () => {
        const e = new Env(arch);
        const a = e.anon(e.slot(1), 2, PROT.WRITE);
        assert.equal(e.read(a), 0);
        e.write(a, 3);
        assert.equal(e.read(a), 3);
        const b = e.anon(e.slot(2), 2, PROT.READ | PROT.EXEC);
        assert.equal(e.read(b), 0);
        fails(() => e.write(b, 1), 'SIGSEGV');
        assert.equal(e.flags(b), 'rd ex mr mw me');
        finish(e.k);
      });
    });

    // ------------------------------------------------------------------
    describe('fork and copy-on-write', () => {
      it('parent and child share the pages read-only; a write in either copies; the other keeps the old frame', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 8);
        for (let i = 0; i < 8; i++) e.write(a + i * P, 100 + i);
        const before = Array.from({ length: 8 }, (_, i) => e.page(a + i * P).frame);
        const c = fork(k, e.mm, 'child');
        for (let i = 0; i < 8; i++) {
          for (const mm of [e.mm, c]) {
            const p = e.page(a + i * P, mm);
            assert.equal(p.frame, before[i], `page ${i} is shared, not copied`);
            assert.equal(p.pm, PM.PRESENT, 'shared since fork: not exclusive');
            assert.equal(p.count, 2);
            assert.equal(p.kpf, KPF_ANON_SHARED, 'PageAnonExclusive cleared at fork');
            assert.equal(e.writable(a + i * P, mm), false, 'both PTEs are write-protected');
          }
          assert.equal(e.attrs(a + i * P, c) & Attr.YOUNG, 0, "the child's PTEs start old");
        }
        const ps = e.smaps(a);
        assert.equal(ps.Shared_Dirty, 8 * P);
        assert.equal(ps.Private_Dirty, 0);
        assert.equal(smapsKb('Pss', ps.Pss), (8 * P) / 2 / 1024);
        const cs = e.smaps(a, c);
        assert.equal(cs.Shared_Dirty, 8 * P);
        assert.equal(cs.Referenced, 0);
        assert.equal(e.status(c).RssAnon, e.kb(8));

        // The child writes page 0: it gets a copy.
        e.write(a, 1000, c);
        const c0 = e.page(a, c);
        assert.notEqual(c0.frame, before[0]);
        assert.equal(c0.pm, PM.PRESENT | PM.EXCLUSIVE);
        assert.equal(c0.count, 1);
        assert.equal(c0.kpf, KPF_ANON_EXCL);
        const p0 = e.page(a);
        assert.equal(p0.frame, before[0], 'the parent keeps the old frame');
        assert.equal(p0.count, 1);
        assert.equal(p0.pm, PM.PRESENT | PM.EXCLUSIVE, 'mapcount 1: pagemap exclusive');
        assert.equal(p0.kpf, KPF_ANON_SHARED, 'but not PageAnonExclusive until written');
        assert.equal(e.read(a, c), 1000);
        assert.equal(e.read(a), 100);
        // Page 0 of the parent now has refcount 1: its wp fault reuses it (no copy).
        e.write(a, 2000);
        const p0b = e.page(a);
        assert.equal(p0b.frame, before[0], 'refcount 1: reused');
        assert.equal(p0b.kpf, KPF_ANON_EXCL);
        assert.equal(e.writable(a), true);

        // The parent writes page 1, still shared: the parent copies, the child keeps it.
        e.write(a + P, 2001);
        assert.notEqual(e.page(a + P).frame, before[1]);
        assert.equal(e.page(a + P, c).frame, before[1]);
        assert.equal(e.read(a + P, c), 101);
        assert.deepEqual(checkInvariants(k), []);

        // After the child exits every page has refcount 1 again.
        k.exitMm(c);
        const p3 = e.page(a + 3 * P);
        assert.equal(p3.pm, PM.PRESENT | PM.EXCLUSIVE);
        assert.equal(p3.kpf, KPF_ANON_SHARED, 'exclusive again, but PageAnonExclusive only once written');
        assert.equal(e.writable(a + 3 * P), false);
        e.write(a + 3 * P, 3003);
        const p3b = e.page(a + 3 * P);
        assert.equal(p3b.frame, before[3], 'written by nobody after fork, refcount 1: reused');
        assert.equal(p3b.kpf, KPF_ANON_EXCL);
        assert.equal(e.status().RssAnon, e.kb(8));
        assert.equal(e.smaps(a).Private_Dirty, 8 * P);
        for (let i = 4; i < 8; i++) assert.equal(e.read(a + i * P), 100 + i);
        finish(k);
      });

      it('a zero-page-only VMA has no anon_vma: the child gets no page tables for it and faults again', () => {
        const e = new Env(arch);
        const a = e.anon(e.slot(1), 4);
        e.read(a);
        const c = fork(e.k, e.mm, 'child');
        assert.equal(e.page(a, c).pm, 0);
        assert.equal(e.status(c).VmPTE, 0);
        assert.equal(e.read(a, c), 0);
        assert.equal(e.page(a, c).frame, e.k.mem.zeroPfn);
        finish(e.k);
      });

      it('MADV_DONTFORK VMAs are not inherited; MADV_WIPEONFORK ones are, empty', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        const b = e.anon(e.slot(2), 4);
        e.write(a, 1);
        e.write(b, 2);
        madvise(k, e.mm, a, 4 * P, 'dontfork');
        madvise(k, e.mm, b, 4 * P, 'wipeonfork');
        assert.equal(e.flags(a), 'rd wr mr mw me dc ac');
        assert.equal(e.flags(b), 'rd wr mr mw me ac wf');
        const c = fork(k, e.mm, 'child');
        assert.equal(e.vmaAt(a, c), undefined);
        fails(() => e.read(a, c), 'SIGSEGV');
        assert.equal(e.flags(b, c), 'rd wr mr mw me ac wf');
        assert.equal(e.page(b, c).pm, 0);
        assert.equal(e.read(b, c), 0);
        assert.equal(e.read(b), 2);
        assert.equal(e.page(b).pm, PM.PRESENT | PM.EXCLUSIVE);
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('shared anonymous memory', () => {
      it('a read allocates a shmem page; fork copies no page tables; both see the same frame and value', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.map(e.slot(1), 8, RW, MAP.SHARED);
        assert.equal(e.flags(a), 'rd wr sh mr mw me ms');
        assert.equal(e.read(a), 0);
        const p = e.page(a);
        assert.notEqual(p.frame, k.mem.zeroPfn, 'no zero page for shared memory');
        assert.equal(p.pm, PM.PRESENT | PM.FILE | PM.EXCLUSIVE);
        assert.equal(p.kpf, KPF.MMAP | KPF.SWAPBACKED);
        assert.equal(p.scan, SCAN.PRESENT | SCAN.WRITTEN | SCAN.FILE);
        assert.equal(p.count, 1);
        assert.equal(e.status().RssShmem, e.kb(1));
        assert.equal(e.status().RssAnon, 0);
        let s = e.smaps(a);
        assert.equal(s.Rss, P);
        assert.equal(s.Private_Clean, P, 'only this process maps it: private');
        assert.equal(s.Anonymous, 0);
        e.write(a + P, 9);
        assert.equal(e.writable(a + P), true, 'shmem does not need write-notify');
        s = e.smaps(a);
        assert.equal(s.Private_Dirty, P);

        const c = fork(k, e.mm, 'child');
        assert.equal(e.status(c).RssShmem, 0);
        assert.equal(e.status(c).VmPTE, 0, 'no page-table copy for shared VMAs');
        assert.equal(e.smaps(a, c).Rss, 0);
        assert.equal(e.page(a + P, c).pm, 0);
        assert.equal(e.read(a + P, c), 9);
        const cp = e.page(a + P, c);
        assert.equal(cp.frame, e.page(a + P).frame);
        assert.equal(cp.count, 2);
        assert.equal(cp.pm, PM.PRESENT | PM.FILE);
        assert.equal(e.page(a + P).pm, PM.PRESENT | PM.FILE);
        // shmem has fault-around too (filemap_map_pages): the child's read also
        // mapped page 0, which was in the cache (not with 64K pages: no fault-around).
        const around = Math.floor(65536 / P) > 1;
        assert.equal(e.page(a, c).pm, around ? PM.PRESENT | PM.FILE : 0);
        e.write(a + 2 * P, 11, c);
        assert.equal(e.read(a + 2 * P), 11);
        assert.equal(e.page(a + 2 * P).frame, e.page(a + 2 * P, c).frame);
        s = e.smaps(a);
        assert.equal(s.Private_Clean, around ? 0 : P);
        assert.equal(s.Shared_Clean, around ? P : 0);
        assert.equal(s.Shared_Dirty, 2 * P);
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('file mappings', () => {
      it('a read fault maps the fault-around window, clipped to the VMA, the PTE table and EOF', () => {
        const e = new Env(arch);
        const { k, P } = e;
        // One file per case, so no page is mapped twice (which would clear the exclusive bit).
        for (const name of ['f1', 'f2', 'f3']) k.createFile(name, 64 * P);
        k.createFile('small', 5 * P - 100);
        const cache = (name: string): Map<number, number> => {
          const f = k.files.get(name);
          assert.ok(f);
          return f.cache;
        };
        const check = (base: number, vmaFirst: number, vmaPages: number, fault: number, file: string, fileOff: number, window: [number, number]): void => {
          // Table index i maps file index i - vmaFirst + fileOff.
          assert.equal(e.read(base + fault * P), e.tag(fault - vmaFirst + fileOff));
          for (let i = vmaFirst; i < vmaFirst + vmaPages; i++) {
            const p = e.page(base + i * P);
            const inWin = i >= window[0] && i < window[1];
            // Only the faulting page's PTE table exists (the base is table-aligned).
            const sameTable = Math.floor(i / k.fmt.entries[0]) === Math.floor(fault / k.fmt.entries[0]);
            assert.equal(p.pm, inWin ? PM.PRESENT | PM.FILE | PM.EXCLUSIVE : 0, `table index ${i}`);
            assert.equal(p.scan, inWin ? SCAN.PRESENT | SCAN.WRITTEN | SCAN.FILE : sameTable ? SCAN.WRITTEN : 0, `table index ${i}`);
            if (inWin) {
              assert.equal(p.frame, cache(file).get(i - vmaFirst + fileOff));
              assert.equal(p.kpf, KPF.MMAP | KPF.MAPPEDTODISK);
            }
          }
        };
        // A table-aligned VMA over the whole file, fault at page 20.
        const w1 = faultAroundWindow(e, 20, 20, 64, 64);
        if (P === 4096) assert.deepEqual(w1, [16, 32], '16 pages of 4K around the fault');
        e.map(e.slot(1), 64, R, MAP.PRIVATE, { fileName: 'f1' });
        check(e.slot(1), 0, 64, 20, 'f1', 0, w1);
        assert.equal(e.status().RssFile, e.kb(w1[1] - w1[0]));
        for (let i = w1[0]; i < w1[1]; i++) assert.equal(e.read(e.slot(1) + i * P), e.tag(i));
        // A VMA that starts inside a window: the window starts at the VMA and is nr long.
        const w2 = faultAroundWindow(e, 5, 2, 40, 64);
        if (P === 4096) assert.deepEqual(w2, [3, 19]);
        e.map(e.slot(2) + 3 * P, 40, R, MAP.PRIVATE, { fileName: 'f2', offPages: 3 });
        check(e.slot(2), 3, 40, 5, 'f2', 3, w2);
        // The VMA ends inside the window.
        const w3 = faultAroundWindow(e, 8, 8, 10, 64);
        if (P === 4096) assert.deepEqual(w3, [0, 10]);
        e.map(e.slot(3), 10, R, MAP.PRIVATE, { fileName: 'f3' });
        check(e.slot(3), 0, 10, 8, 'f3', 0, w3);
        // The file ends inside the window.
        const w4 = faultAroundWindow(e, 1, 1, 16, 5);
        if (P === 4096) assert.deepEqual(w4, [0, 5]);
        e.map(e.slot(4), 16, R, MAP.SHARED, { fileName: 'small' });
        check(e.slot(4), 0, 16, 1, 'small', 0, w4);
        finish(k);
      });

      it('a private write makes an anonymous copy of the file page; the page cache page stays', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const f = k.createFile('f', 8 * P);
        const a = e.map(e.slot(1), 8, RW, MAP.PRIVATE, { fileName: 'f' });
        const s = e.map(e.slot(2), 8, R, MAP.SHARED, { fileName: 'f' });
        assert.equal(e.flags(a), 'rd wr mr mw me ac');
        // populate_write breaks COW without storing: the copy holds the file's tag.
        madvise(k, e.mm, a + 3 * P, P, 'populate_write');
        const c3 = e.page(a + 3 * P);
        assert.equal(c3.pm, PM.PRESENT | PM.EXCLUSIVE, 'an anonymous copy: not a file page');
        assert.equal(c3.kpf, KPF_ANON_EXCL);
        assert.notEqual(c3.frame, f.cache.get(3));
        assert.equal(e.read(a + 3 * P), e.tag(3));
        e.write(a + 4 * P, 77);
        assert.equal(e.read(a + 4 * P), 77);
        assert.equal(e.status().RssAnon, e.kb(2));
        // The page cache is unchanged: the shared mapping reads the file's tags from the cached frames.
        assert.equal(e.read(s + 4 * P), e.tag(4));
        assert.equal(e.page(s + 4 * P).frame, f.cache.get(4));
        assert.equal(e.read(s + 3 * P), e.tag(3));
        assert.equal((k.mem.folioFlags[f.cache.get(4) ?? -1] & FolioFlag.DIRTY) !== 0, false);
        // A private page not written still maps the page-cache page.
        assert.equal(e.read(a + 5 * P), e.tag(5));
        assert.equal(e.page(a + 5 * P).frame, f.cache.get(5));
        assert.equal(e.writable(a + 5 * P), false);
        finish(k);
      });

      it('a shared write dirties the page-cache page and every mapping of the file sees it', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const f = k.createFile('f', 8 * P);
        const a = e.map(e.slot(1), 8, RW, MAP.SHARED, { fileName: 'f' });
        const b = e.map(e.slot(2), 8, RW, MAP.SHARED, { fileName: 'f' });
        assert.equal(e.flags(a), 'rd wr sh mr mw me ms');
        assert.equal(e.read(a + 6 * P), e.tag(6));
        assert.equal(e.writable(a + 6 * P), false, 'write-notify: a shared file page is mapped read-only first');
        e.write(a + 6 * P, 66);
        assert.equal(e.writable(a + 6 * P), true);
        e.write(a + 5 * P, 555);
        const h = f.cache.get(5);
        assert.ok(h !== undefined);
        assert.notEqual(k.mem.folioFlags[h] & FolioFlag.DIRTY, 0);
        assert.equal(e.read(b + 5 * P), 555);
        assert.equal(e.read(b + 6 * P), 66);
        assert.equal(e.page(a + 5 * P).frame, h);
        assert.equal(e.page(b + 5 * P).frame, h);
        assert.equal(e.page(b + 5 * P).pm, PM.PRESENT | PM.FILE, 'mapped twice: not exclusive');
        assert.equal(e.page(b + 5 * P).count, 2);
        // Another process mapping the file sees it too.
        const other = k.spawn('other');
        const o = mmap(k, other, { length: 8 * P, prot: R, flags: MAP.PRIVATE, file: f });
        assert.equal(e.read(o + 5 * P, other), 555);
        assert.equal(e.page(o + 5 * P, other).frame, h);
        finish(k);
      });

      it('an access beyond the end of the file raises SIGBUS; MADV_POPULATE then fails with EFAULT', () => {
        const e = new Env(arch);
        const { k, P } = e;
        k.createFile('g', 2 * P + P / 2); // 3 pages
        const a = e.map(e.slot(1), 8, RW, MAP.SHARED, { fileName: 'g' });
        const b = e.map(e.slot(2), 8, RW, MAP.PRIVATE, { fileName: 'g' });
        assert.equal(e.read(a + 2 * P), e.tag(2));
        fails(() => e.read(a + 3 * P), 'SIGBUS');
        fails(() => e.write(a + 5 * P, 1), 'SIGBUS');
        fails(() => e.read(b + 4 * P), 'SIGBUS');
        fails(() => e.write(b + 3 * P, 1), 'SIGBUS');
        for (let i = 3; i < 8; i++) assert.equal(e.page(a + i * P).pm, 0);
        fails(() => madvise(k, e.mm, b, 8 * P, 'populate_write'), 'EFAULT');
        for (let i = 0; i < 3; i++) assert.equal(e.page(b + i * P).pm, PM.PRESENT | PM.EXCLUSIVE, `page ${i} populated before the failure`);
        assert.deepEqual(checkInvariants(k), []);
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('SIGSEGV', () => {
      it('an access outside any VMA, a write to a read-only VMA and any access to PROT_NONE raise SIGSEGV', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        failsUnchanged(e, () => e.read(s), 'SIGSEGV', 'nothing mapped');
        e.anon(s, 2);
        e.anon(s + 4 * P, 2);
        failsUnchanged(e, () => e.read(s + 2 * P), 'SIGSEGV', 'in the gap');
        failsUnchanged(e, () => e.write(s + 3 * P, 1), 'SIGSEGV', 'in the gap');
        const r = e.anon(e.slot(2), 2, R);
        failsUnchanged(e, () => e.write(r, 1), 'SIGSEGV', 'write to a read-only VMA');
        assert.equal(e.read(r), 0);
        failsUnchanged(e, () => e.write(r, 1), 'SIGSEGV', 'write to a read-only VMA over the zero page');
        const n = e.anon(e.slot(3), 2, PROT.NONE);
        failsUnchanged(e, () => e.read(n), 'SIGSEGV', 'read of PROT_NONE');
        failsUnchanged(e, () => e.write(n, 1), 'SIGSEGV', 'write to PROT_NONE');
        // A populated page made PROT_NONE stays present (to the kernel) but faults.
        e.write(s, 5);
        mprotect(k, e.mm, s, 2 * P, PROT.NONE);
        assert.equal(e.page(s).pm & PM.PRESENT, PM.PRESENT);
        failsUnchanged(e, () => e.read(s), 'SIGSEGV', 'read of a PROT_NONE page');
        mprotect(k, e.mm, s, 2 * P, RW);
        assert.equal(e.read(s), 5);
        assert.equal(e.writable(s), true, 'mprotect back: an exclusive anon page is writable again without a fault');
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('errno rules', () => {
      it('mmap: EINVAL for length 0, unaligned fixed address or offset, both or neither of shared/private; EEXIST for MAP_FIXED_NOREPLACE', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const f = k.createFile('f', 4 * P);
        const s = e.slot(1);
        e.anon(s, 4);
        e.write(s, 1);
        const A = MAP.ANONYMOUS;
        failsUnchanged(e, () => mmap(k, e.mm, { length: 0, prot: RW, flags: MAP.PRIVATE | A }), 'EINVAL', 'length 0');
        failsUnchanged(e, () => mmap(k, e.mm, { addr: s + 8 * P + 1, length: P, prot: RW, flags: MAP.PRIVATE | A | MAP.FIXED }), 'EINVAL', 'unaligned fixed');
        failsUnchanged(e, () => mmap(k, e.mm, { addr: s + 8 * P + 1, length: P, prot: RW, flags: MAP.PRIVATE | A | MAP.FIXED_NOREPLACE }), 'EINVAL', 'unaligned noreplace');
        failsUnchanged(e, () => mmap(k, e.mm, { length: P, prot: R, flags: MAP.PRIVATE, file: f, offset: 100 }), 'EINVAL', 'unaligned offset');
        failsUnchanged(e, () => mmap(k, e.mm, { length: P, prot: RW, flags: MAP.PRIVATE | MAP.SHARED | A }), 'EINVAL', 'anonymous MAP_SHARED|MAP_PRIVATE');
        failsUnchanged(e, () => mmap(k, e.mm, { length: P, prot: RW, flags: A }), 'EINVAL', 'neither shared nor private');
        failsUnchanged(e, () => mmap(k, e.mm, { length: P, prot: R, flags: 0, file: f }), 'EINVAL', 'file, neither');
        failsUnchanged(e, () => mmap(k, e.mm, { addr: s + 2 * P, length: 4 * P, prot: RW, flags: MAP.PRIVATE | A | MAP.FIXED_NOREPLACE }), 'EEXIST');
        failsUnchanged(e, () => mmap(k, e.mm, { addr: s - P, length: 2 * P, prot: RW, flags: MAP.PRIVATE | A | MAP.FIXED_NOREPLACE }), 'EEXIST');
        // Adjacent, not overlapping: fine, and it merges.
        assert.equal(mmap(k, e.mm, { addr: s + 4 * P, length: 4 * P, prot: RW, flags: MAP.PRIVATE | A | MAP.FIXED_NOREPLACE }), s + 4 * P);
        assert.deepEqual(e.vmas(s, 8 * P), [[s, s + 8 * P]]);
        // MAP_FIXED replaces.
        assert.equal(mmap(k, e.mm, { addr: s, length: P, prot: R, flags: MAP.PRIVATE | A | MAP.FIXED }), s);
        assert.equal(e.read(s), 0);
        assert.deepEqual(e.vmas(s, 8 * P), [[s, s + P], [s + P, s + 8 * P]]);
        finish(k);
      });

      it('mmap: MAP_SHARED|MAP_PRIVATE on a file is MAP_SHARED_VALIDATE, a shared mapping', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const f = k.createFile('f', 4 * P);
        const a = mmap(k, e.mm, { length: 4 * P, prot: RW, flags: MAP.SHARED | MAP.PRIVATE, file: f });
        assert.equal(e.flags(a), 'rd wr sh mr mw me ms');
        finish(k);
      });

      it('mmap ignores unknown PROT bits (do_mmap does not validate prot)', () => {
        const e = new Env(arch);
        const a = mmap(e.k, e.mm, { length: e.P, prot: RW | 0x8, flags: MAP.PRIVATE | MAP.ANONYMOUS });
        assert.equal(e.flags(a), 'rd wr mr mw me ac');
        finish(e.k);
      });

      it('munmap: EINVAL for an unaligned address or length 0; an unmapped range succeeds', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const g = e.grain;
        const s = e.anon(e.slot(1), 4 * g);
        e.write(s, 1);
        failsUnchanged(e, () => munmap(k, e.mm, s + 1, P), 'EINVAL', 'unaligned');
        failsUnchanged(e, () => munmap(k, e.mm, s, 0), 'EINVAL', 'length 0');
        const before = snapshot(k);
        munmap(k, e.mm, s + 8 * g * P, 4 * P);
        munmap(k, e.mm, e.slot(2), P);
        assert.deepEqual(snapshot(k), before);
        // A partly mapped range unmaps the mapped part; a partial length rounds up.
        munmap(k, e.mm, s + 3 * g * P, 2 * g * P - 10);
        assert.deepEqual(e.vmas(s, 8 * g * P), [[s, s + 3 * g * P]]);
        assert.equal(e.read(s), 1);
        finish(k);
      });

      it('mprotect: EINVAL for an unaligned address or bad prot; ENOMEM at a hole, with the part before it changed', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 4);
        e.anon(s + 6 * P, 4, PROT.READ | PROT.WRITE | PROT.EXEC);
        for (let i = 0; i < 4; i++) e.write(s + i * P, i);
        e.write(s + 6 * P, 6);
        failsUnchanged(e, () => mprotect(k, e.mm, s + 1, P, R), 'EINVAL', 'unaligned');
        failsUnchanged(e, () => mprotect(k, e.mm, s, P, 0x10), 'EINVAL', 'bad prot');
        const before = snapshot(k);
        mprotect(k, e.mm, s, 0, R);
        assert.deepEqual(snapshot(k), before, 'length 0 is a no-op');
        failsUnchanged(e, () => mprotect(k, e.mm, s + 4 * P, 4 * P, R), 'ENOMEM', 'starting in a hole');
        failsUnchanged(e, () => mprotect(k, e.mm, e.slot(2), P, R), 'ENOMEM', 'nothing mapped');
        // The first VMA changes, then the hole stops it.
        fails(() => mprotect(k, e.mm, s, 10 * P, R), 'ENOMEM');
        assert.equal(e.flags(s), 'rd mr mw me ac');
        assert.equal(e.writable(s), false);
        fails(() => e.write(s, 1), 'SIGSEGV');
        assert.equal(e.flags(s + 6 * P), 'rd wr ex mr mw me ac');
        assert.equal(e.writable(s + 6 * P), true);
        assert.equal(e.read(s + 2 * P), 2);
        assert.deepEqual(checkInvariants(k), []);
        finish(k);
      });

      it('mprotect: length 0 returns 0 before prot is validated', () => {
        const e = new Env(arch);
        const s = e.anon(e.slot(1), 1);
        mprotect(e.k, e.mm, s, 0, 0x10);
        finish(e.k);
      });

      it('mprotect: PROT_SEM is a valid protection bit (arch_validate_prot)', () => {
        const e = new Env(arch);
        const s = e.anon(e.slot(1), 1);
        mprotect(e.k, e.mm, s, e.P, R | 0x8);
        assert.equal(e.flags(s), 'rd mr mw me');
        finish(e.k);
      });

      it('mprotect: EACCES when a VMA may not get the permission (VM_MAYWRITE clear, as for a MAP_SHARED mapping of an O_RDONLY file)', () => {
        const e = new Env(arch);
        const { k, P } = e;
        k.createFile('f', 4 * P);
        const s = e.map(e.slot(1), 4, R, MAP.SHARED, { fileName: 'f' });
        // do_mmap clears VM_MAYWRITE and VM_SHARED for a file opened read-only; the model has no fd modes.
        vmaOf(e, s).flags &= ~(VM.MAYWRITE | VM.SHARED);
        assert.equal(e.flags(s), 'rd mr me ms');
        failsUnchanged(e, () => mprotect(k, e.mm, s, 4 * P, RW), 'EACCES');
        mprotect(k, e.mm, s, 4 * P, PROT.READ | PROT.EXEC);
        assert.equal(e.flags(s), 'rd ex mr me ms');
        finish(k);
      });

      it('mprotect: EACCES on a later VMA leaves the earlier VMAs changed', () => {
        const e = new Env(arch);
        const { k, P } = e;
        k.createFile('f', 4 * P);
        const s = e.slot(1);
        e.anon(s, 4);
        e.map(s + 4 * P, 4, R, MAP.SHARED, { fileName: 'f' });
        vmaOf(e, s + 4 * P).flags &= ~(VM.MAYWRITE | VM.SHARED);
        fails(() => mprotect(k, e.mm, s, 8 * P, PROT.READ | PROT.WRITE | PROT.EXEC), 'EACCES');
        assert.equal(e.flags(s), 'rd wr ex mr mw me ac', 'the first VMA was changed before the failure');
        finish(k);
      });

      it('madvise: EINVAL for unaligned or unknown advice; ENOMEM at a hole with the mapped part advised', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 4);
        e.anon(s + 6 * P, 6, PROT.READ | PROT.WRITE | PROT.EXEC);
        for (let i = 0; i < 4; i++) e.write(s + i * P, 10 + i);
        for (let i = 6; i < 12; i++) e.write(s + i * P, 10 + i);
        failsUnchanged(e, () => madvise(k, e.mm, s + 1, P, 'dontneed'), 'EINVAL', 'unaligned');
        failsUnchanged(e, () => madvise(k, e.mm, s, P, 'bogus' as unknown as Advice), 'EINVAL', 'unknown advice');
        failsUnchanged(e, () => madvise(k, e.mm, s, -P, 'dontneed'), 'EINVAL', 'negative length');
        const before = snapshot(k);
        madvise(k, e.mm, s, 0, 'dontneed');
        assert.deepEqual(snapshot(k), before, 'length 0 is a no-op');
        failsUnchanged(e, () => madvise(k, e.mm, e.slot(2), P, 'dontneed'), 'ENOMEM', 'nothing mapped');
        // [s, s+10P) covers the first VMA, a hole, and 4 pages of the second.
        fails(() => madvise(k, e.mm, s, 10 * P, 'dontneed'), 'ENOMEM');
        for (let i = 0; i < 4; i++) assert.equal(e.read(s + i * P), 0, `page ${i} was dropped`);
        for (let i = 6; i < 10; i++) assert.equal(e.read(s + i * P), 0, `page ${i} was dropped`);
        for (let i = 10; i < 12; i++) assert.equal(e.read(s + i * P), 10 + i, `page ${i} is outside the range`);
        fails(() => madvise(k, e.mm, s + 2 * P, 6 * P, 'dontfork'), 'ENOMEM');
        assert.deepEqual(e.vmas(s, 12 * P), [[s, s + 2 * P], [s + 2 * P, s + 4 * P], [s + 6 * P, s + 8 * P], [s + 8 * P, s + 12 * P]]);
        assert.equal(e.flags(s + 2 * P), 'rd wr mr mw me dc ac');
        assert.equal(e.flags(s + 6 * P), 'rd wr ex mr mw me dc ac');
        assert.equal(e.flags(s + 8 * P), 'rd wr ex mr mw me ac');
        finish(k);
      });

      it('madvise: MADV_WIPEONFORK needs private anonymous memory', () => {
        const e = new Env(arch);
        const { k, P } = e;
        k.createFile('f', 4 * P);
        const sh = e.map(e.slot(1), 4, RW, MAP.SHARED);
        const pf = e.map(e.slot(2), 4, RW, MAP.PRIVATE, { fileName: 'f' });
        const sf = e.map(e.slot(3), 4, RW, MAP.SHARED, { fileName: 'f' });
        failsUnchanged(e, () => madvise(k, e.mm, sh, 4 * P, 'wipeonfork'), 'EINVAL', 'shared anonymous');
        failsUnchanged(e, () => madvise(k, e.mm, pf, 4 * P, 'wipeonfork'), 'EINVAL', 'private file');
        failsUnchanged(e, () => madvise(k, e.mm, sf, 4 * P, 'wipeonfork'), 'EINVAL', 'shared file');
        const a = e.anon(e.slot(4), 4);
        madvise(k, e.mm, a + P, P, 'wipeonfork');
        assert.deepEqual(e.vmas(a, 4 * P).length, 3);
        assert.equal(e.flags(a + P), 'rd wr mr mw me ac wf');
        madvise(k, e.mm, a + P, P, 'keeponfork');
        assert.deepEqual(e.vmas(a, 4 * P), [[a, a + 4 * P]]);
        finish(k);
      });

      it('madvise: MADV_WIPEONFORK stops at the first file/shared VMA, the VMAs before it are changed', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 4);
        e.map(s + 4 * P, 4, RW, MAP.SHARED);
        fails(() => madvise(k, e.mm, s, 8 * P, 'wipeonfork'), 'EINVAL');
        assert.equal(e.flags(s), 'rd wr mr mw me ac wf');
        finish(k);
      });

      it('madvise populate: EINVAL without the permission (FOLL_MADV_POPULATE), ENOMEM on a hole after populating the mapped part', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const ro = e.anon(e.slot(1), 4, R);
        failsUnchanged(e, () => madvise(k, e.mm, ro, 4 * P, 'populate_write'), 'EINVAL', 'populate_write on read-only');
        const none = e.anon(e.slot(2), 4, PROT.NONE);
        failsUnchanged(e, () => madvise(k, e.mm, none, 4 * P, 'populate_read'), 'EINVAL', 'populate_read on PROT_NONE');
        const wo = e.anon(e.slot(3), 4, PROT.WRITE);
        failsUnchanged(e, () => madvise(k, e.mm, wo, 4 * P, 'populate_read'), 'EINVAL', 'populate_read needs VM_READ');
        failsUnchanged(e, () => madvise(k, e.mm, e.slot(4), 4 * P, 'populate_read'), 'ENOMEM', 'unmapped');
        madvise(k, e.mm, ro, 4 * P, 'populate_read');
        for (let i = 0; i < 4; i++) assert.equal(e.page(ro + i * P).frame, k.mem.zeroPfn);
        const a = e.anon(e.slot(5), 4);
        fails(() => madvise(k, e.mm, a, 8 * P, 'populate_write'), 'ENOMEM');
        for (let i = 0; i < 4; i++) assert.equal(e.page(a + i * P).pm, PM.PRESENT | PM.EXCLUSIVE, `page ${i} was populated`);
        assert.equal(e.status().RssAnon, e.kb(4));
        // A populated VMA followed by an incompatible one: the first is populated, then EINVAL.
        const b = e.anon(e.slot(6), 2);
        e.anon(b + 2 * P, 2, R);
        fails(() => madvise(k, e.mm, b, 4 * P, 'populate_write'), 'EINVAL');
        assert.equal(e.page(b + P).pm, PM.PRESENT | PM.EXCLUSIVE);
        assert.equal(e.page(b + 2 * P).pm, 0);
        finish(k);
      });

      it('mremap: EINVAL for bad flag combinations, overlap and alignment; EFAULT for unmapped or spanning ranges; ENOMEM when it cannot grow in place', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 4);
        e.anon(s + 4 * P, 4, R);
        e.write(s, 1);
        const d = e.slot(2);
        const { MAYMOVE, FIXED, DONTUNMAP } = MREMAP;
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 4 * P, FIXED, d), 'EINVAL', 'FIXED without MAYMOVE');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 8 * P, MAYMOVE | DONTUNMAP | FIXED, d), 'EINVAL', 'DONTUNMAP with a different size');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 4 * P, DONTUNMAP, d), 'EINVAL', 'DONTUNMAP without MAYMOVE');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 4 * P, MAYMOVE | FIXED, s + 2 * P), 'EINVAL', 'overlapping fixed ranges');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 4 * P, MAYMOVE | FIXED, s - 2 * P), 'EINVAL', 'overlapping fixed ranges below');
        failsUnchanged(e, () => mremap(k, e.mm, s + 1, 4 * P, 4 * P, MAYMOVE), 'EINVAL', 'unaligned old address');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 4 * P, MAYMOVE | FIXED, d + 1), 'EINVAL', 'unaligned new address');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 0, MAYMOVE), 'EINVAL', 'new length 0');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 4 * P, 8), 'EINVAL', 'unknown flag');
        failsUnchanged(e, () => mremap(k, e.mm, s + 8 * P, P, 2 * P, MAYMOVE), 'EFAULT', 'unmapped old address');
        failsUnchanged(e, () => mremap(k, e.mm, s + 2 * P, 4 * P, 8 * P, MAYMOVE), 'EFAULT', 'growing a range spanning two VMAs');
        // (A same-size MREMAP_FIXED move of several whole VMAs is allowed from about 6.17; a resizing one never is.)
        failsUnchanged(e, () => mremap(k, e.mm, s + 2 * P, 4 * P, 6 * P, MAYMOVE | FIXED, d), 'EFAULT', 'moving and growing a range spanning two VMAs');
        failsUnchanged(e, () => mremap(k, e.mm, s, 4 * P, 6 * P, 0), 'ENOMEM', 'the next VMA is in the way');
        failsUnchanged(e, () => mremap(k, e.mm, s + 2 * P, 2 * P, 3 * P, 0), 'ENOMEM', 'the next VMA is in the way (tail of a VMA)');
        finish(k);
      });

      it('mremap: shrinking (or keeping the size) in place may cross VMA boundaries', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 4);
        e.anon(s + 4 * P, 4, R);
        assert.equal(mremap(k, e.mm, s + 2 * P, 4 * P, 4 * P, 0), s + 2 * P);
        assert.equal(mremap(k, e.mm, s + 2 * P, 4 * P, P, 0), s + 2 * P);
        assert.deepEqual(e.vmas(s, 8 * P), [[s, s + 3 * P], [s + 6 * P, s + 8 * P]]);
        finish(k);
      });

      it('mremap: old_len 0 on a private mapping is EINVAL', () => {
        const e = new Env(arch);
        const s = e.anon(e.slot(1), 4);
        failsUnchanged(e, () => mremap(e.k, e.mm, s, 0, 4 * e.P, MREMAP.MAYMOVE), 'EINVAL');
        finish(e.k);
      });
    });

    // ------------------------------------------------------------------
    describe('VMA split and merge, VmFlags', () => {
      it('VmFlags of private, shared, read-only and file mappings', () => {
        const e = new Env(arch);
        const { k, P } = e;
        k.createFile('f', 4 * P);
        assert.equal(e.flags(e.anon(e.slot(1), 2)), 'rd wr mr mw me ac');
        assert.equal(e.flags(e.map(e.slot(2), 2, RW, MAP.SHARED)), 'rd wr sh mr mw me ms');
        const ro = e.anon(e.slot(3), 2, R);
        assert.equal(e.flags(ro), 'rd mr mw me', 'a read-only private mapping is not charged');
        mprotect(k, e.mm, ro, 2 * P, RW);
        assert.equal(e.flags(ro), 'rd wr mr mw me ac', 'made writable: charged');
        assert.equal(e.flags(e.anon(e.slot(4), 2, PROT.NONE)), 'mr mw me');
        assert.equal(e.flags(e.map(e.slot(5), 2, RW, MAP.PRIVATE, { fileName: 'f' })), 'rd wr mr mw me ac');
        assert.equal(e.flags(e.map(e.slot(6), 2, R, MAP.SHARED, { fileName: 'f' })), 'rd sh mr mw me ms');
        assert.equal(e.flags(e.map(e.slot(7), 2, RW, MAP.PRIVATE | MAP.NORESERVE)), 'rd wr mr mw me nr');
        finish(k);
      });

      it('mprotect of one page in the middle makes 3 VMAs; mprotect back merges them (kernel-oracle.md §2)', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const G = e.grain * P; // one page (a contiguous group while the walker bug stands)
        const a = e.anon(e.slot(1), 8 * e.grain);
        for (let i = 0; i < 8; i++) e.write(a + i * G, i);
        mprotect(k, e.mm, a + 4 * G, G, R);
        assert.deepEqual(e.vmas(a, 8 * G), [[a, a + 4 * G], [a + 4 * G, a + 5 * G], [a + 5 * G, a + 8 * G]]);
        assert.equal(e.flags(a + 4 * G), 'rd mr mw me ac');
        assert.equal(e.writable(a + 4 * G), false);
        assert.equal(e.writable(a + 3 * G), true);
        mprotect(k, e.mm, a + 4 * G, G, RW);
        assert.deepEqual(e.vmas(a, 8 * G), [[a, a + 8 * G]]);
        assert.equal(e.flags(a), 'rd wr mr mw me ac');
        assert.equal(e.writable(a + 4 * G), true, 'exclusive anon page: writable again without a fault');
        for (let i = 0; i < 8; i++) assert.equal(e.read(a + i * G), i);
        finish(k);
      });

      it('an untouched private mapping made read-only is no longer charged (no anon_vma yet)', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 8);
        mprotect(k, e.mm, a + 4 * P, P, R);
        assert.equal(e.flags(a + 4 * P), 'rd mr mw me');
        mprotect(k, e.mm, a + 4 * P, P, RW);
        assert.deepEqual(e.vmas(a, 8 * P), [[a, a + 8 * P]]);
        finish(k);
      });

      it('madvise dontfork on a part splits it and sets dc; dofork merges back', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 8);
        e.write(a, 1);
        madvise(k, e.mm, a + 2 * P, 3 * P, 'dontfork');
        assert.deepEqual(e.vmas(a, 8 * P), [[a, a + 2 * P], [a + 2 * P, a + 5 * P], [a + 5 * P, a + 8 * P]]);
        assert.equal(e.flags(a + 2 * P), 'rd wr mr mw me dc ac');
        assert.equal(e.flags(a), 'rd wr mr mw me ac');
        madvise(k, e.mm, a + 2 * P, 3 * P, 'dofork');
        assert.deepEqual(e.vmas(a, 8 * P), [[a, a + 8 * P]]);
        finish(k);
      });

      it('adjacent compatible mappings merge; different protections or file offsets do not', () => {
        const e = new Env(arch);
        const { k, P } = e;
        k.createFile('f', 16 * P);
        const s = e.slot(1);
        e.anon(s, 4);
        e.anon(s + 4 * P, 4);
        assert.deepEqual(e.vmas(s, 8 * P), [[s, s + 8 * P]]);
        e.anon(s + 8 * P, 4, R);
        assert.equal(e.vmas(s, 12 * P).length, 2);
        const t = e.slot(2);
        e.map(t, 4, R, MAP.SHARED, { fileName: 'f' });
        e.map(t + 4 * P, 4, R, MAP.SHARED, { fileName: 'f', offPages: 4 });
        assert.deepEqual(e.vmas(t, 8 * P), [[t, t + 8 * P]], 'contiguous file offsets merge');
        e.map(t + 8 * P, 4, R, MAP.SHARED, { fileName: 'f', offPages: 0 });
        assert.equal(e.vmas(t, 12 * P).length, 2, 'non-contiguous offsets do not');
        // Two shared anonymous mappings are different objects.
        const u = e.slot(3);
        e.map(u, 4, RW, MAP.SHARED);
        e.map(u + 4 * P, 4, RW, MAP.SHARED);
        assert.equal(e.vmas(u, 8 * P).length, 2);
        finish(k);
      });

      it("a forked child's VMA with an anon_vma does not merge with a new adjacent VMA", () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        e.write(a, 1);
        const c = fork(k, e.mm, 'child');
        mmap(k, c, { addr: a + 4 * P, length: 4 * P, prot: RW, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED });
        assert.equal(e.vmas(a, 8 * P, c).length, 2);
        // In the parent (a singular anon_vma chain) the same mmap merges.
        mmap(k, e.mm, { addr: a + 4 * P, length: 4 * P, prot: RW, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED });
        assert.equal(e.vmas(a, 8 * P).length, 1);
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('page tables', () => {
      it('VmPTE counts the tables below the pgd that one touch allocates', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 2 * e.span);
        assert.equal(e.status().VmPTE, 0, 'mmap allocates no tables');
        e.write(s, 1);
        // One table of every level below the pgd (counted if it is a pte, pmd or pud table: mm_pgtables_bytes >> 10).
        const one = new Array<number>(k.fmt.nlevels - 1).fill(1);
        const expected = FIRST_TOUCH_VMPTE[arch] ?? e.vmpteKb(one);
        assert.equal(e.vmpteKb(one), expected);
        assert.deepEqual([...e.mm.tables].slice(0, -1), one);
        assert.equal(e.status().VmPTE, expected);
        e.write(s + 7 * P, 1);
        assert.equal(e.status().VmPTE, expected, 'same PTE table');
        e.read(s + e.spanBytes + P);
        assert.equal(e.mm.tables[0], 2, 'the next PMD span needs a PTE table');
        assert.equal(e.status().VmPTE, e.vmpteKb([2, ...one.slice(1)]));
        finish(k);
      });

      it('MADV_DONTNEED over a whole aligned PMD span frees its PTE table (PT_RECLAIM); a partial one keeps it', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 2 * e.span);
        e.write(s, 1);
        e.write(s + 5 * P, 2);
        e.write(s + e.spanBytes + P, 3);
        const before = [...e.mm.tables];
        const fewer = [before[0] - 1, ...before.slice(1)];
        const t0 = e.pteTable(s);
        assert.notEqual(t0, -1);
        madvise(k, e.mm, s, e.spanBytes, 'dontneed');
        assert.equal(e.pteTable(s), -1);
        assert.deepEqual([...e.mm.tables], fewer);
        assert.equal(e.status().VmPTE, e.vmpteKb(fewer));
        assert.equal(e.page(s).scan, 0, 'no table: PAGEMAP_SCAN reports nothing');
        // Every populated page of the second span, but not the whole span.
        const t1 = e.pteTable(s + e.spanBytes);
        madvise(k, e.mm, s + e.spanBytes, e.spanBytes - P, 'dontneed');
        assert.equal(e.pteTable(s + e.spanBytes), t1, 'a partial DONTNEED keeps the table');
        assert.equal(e.page(s + e.spanBytes + P).scan, SCAN.WRITTEN);
        assert.deepEqual([...e.mm.tables], fewer);
        assert.equal(e.status().RssAnon, 0);
        finish(k);
      });

      it('MADV_DONTNEED over two VMAs that together cover a PMD span keeps the table (zapped per VMA)', () => {
        const e = new Env(arch);
        const { k } = e;
        const s = e.slot(1);
        const half = e.span / 2;
        e.anon(s, half);
        e.anon(s + half * e.P, half, PROT.READ | PROT.WRITE | PROT.EXEC);
        e.write(s, 1);
        e.write(s + half * e.P, 1);
        const t = e.pteTable(s);
        madvise(k, e.mm, s, e.spanBytes, 'dontneed');
        assert.equal(e.pteTable(s), t);
        assert.equal(e.page(s).scan, SCAN.WRITTEN);
        finish(k);
      });

      it('munmap frees page tables only within the gap between the neighbouring VMAs (free_pgtables floor/ceiling)', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        // A and B share a PTE table: unmapping B frees nothing.
        const b = s + 4 * e.grain * P;
        e.anon(s, 2);
        e.anon(b, 2, R);
        e.write(s, 1);
        e.read(b);
        const base = [...e.mm.tables];
        const more = [base[0] + 1, ...base.slice(1)];
        const t = e.pteTable(s);
        munmap(k, e.mm, b, 2 * P);
        assert.deepEqual([...e.mm.tables], base);
        assert.equal(e.pteTable(s), t);
        assert.equal(e.page(b).scan, SCAN_NOT_REPORTED);
        // C in the next PMD span, alone there: its PTE table goes with it.
        const c = s + e.spanBytes;
        e.anon(c, 1);
        e.write(c, 1);
        assert.deepEqual([...e.mm.tables], more);
        munmap(k, e.mm, c, P);
        assert.deepEqual([...e.mm.tables], base);
        assert.equal(e.status().VmPTE, e.vmpteKb(base));
        assert.equal(e.pteTable(c), -1);
        // C and D in the same span, D above: the ceiling (D's start, rounded down) keeps the table.
        e.anon(c, 1);
        e.anon(c + 10 * P, 1, R);
        e.write(c, 1);
        const tc = e.pteTable(c);
        munmap(k, e.mm, c, P);
        assert.equal(e.pteTable(c), tc);
        assert.deepEqual([...e.mm.tables], more);
        // D alone in its span, A below in another span: D's PTE table goes, the upper tables stay for A.
        munmap(k, e.mm, c + 10 * P, P);
        assert.deepEqual([...e.mm.tables], base);
        // The last VMA of the slot: everything below the pgd goes.
        munmap(k, e.mm, s, 2 * P);
        assert.equal(e.status().VmPTE, 0);
        assert.deepEqual([...e.mm.tables].slice(0, -1), new Array<number>(k.fmt.nlevels - 1).fill(0));
        finish(k);
      });

      it('a range walk visits only the leaves that overlap the range', () => {
        // Probed with a read-only visitor: when the walker backed up to the start of a
        // contiguous group over plain PTEs (fixed in 63dd013), munmap/mprotect/MADV_DONTNEED
        // of [A+P, A+2P) with page A populated allocated tables until memory ran out.
        assert.equal(walkBacksUpOverPlainLeaves(arch), false);
      });

      it('exit frees every table and page', () => {
        const e = new Env(arch);
        const { k, P } = e;
        e.anon(e.slot(1), 4);
        e.write(e.slot(1), 1);
        e.map(e.slot(2), 4, RW, MAP.SHARED);
        e.write(e.slot(2), 1);
        k.createFile('f', 4 * P);
        e.map(e.slot(3), 4, R, MAP.PRIVATE, { fileName: 'f' });
        e.read(e.slot(3));
        const c = fork(k, e.mm, 'child');
        e.read(e.slot(2), c);
        finish(k);
      });

      it('PAGEMAP_SCAN: no table -> 0, a none PTE in a table -> WRITTEN (kernel-oracle.md §7.1), the zero page -> PRESENT|WRITTEN|PFNZERO', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, 8);
        e.anon(s + 8 * P, 8, PROT.NONE);
        assert.equal(e.page(s).scan, 0);
        assert.equal(e.page(s + 9 * P).scan, 0);
        assert.equal(e.page(s + 16 * P).scan, SCAN_NOT_REPORTED, 'outside every VMA: not reported');
        e.read(s);
        assert.equal(e.page(s).scan, SCAN.PRESENT | SCAN.WRITTEN | SCAN.PFNZERO);
        assert.equal(e.page(s + P).scan, SCAN.WRITTEN);
        assert.equal(e.page(s + 9 * P).scan, SCAN.WRITTEN, 'a neighbouring VMA sharing the table');
        assert.equal(e.page(s + 9 * P).pm, 0);
        e.write(s + 2 * P, 1);
        assert.equal(e.page(s + 2 * P).scan, SCAN.PRESENT | SCAN.WRITTEN);
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('mremap', () => {
      it('an aligned move of a whole PMD span moves the PTE table itself and keeps the frames', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1);
        e.anon(s, e.span);
        const pages = [0, 1, e.span - 1];
        for (const i of pages) e.write(s + i * P, 50 + i);
        const frames = pages.map((i) => e.page(s + i * P).frame);
        const table = e.pteTable(s);
        const vmpte = e.status().VmPTE;
        const d = s + 2 * e.spanBytes;
        assert.equal(mremap(k, e.mm, s, e.spanBytes, e.spanBytes, MREMAP.MAYMOVE | MREMAP.FIXED, d), d);
        assert.equal(e.pteTable(d), table, 'the PMD entry moved (move_normal_pmd)');
        assert.equal(e.pteTable(s), -1);
        assert.equal(e.status().VmPTE, vmpte, 'no table allocated or left behind');
        pages.forEach((i, j) => {
          assert.equal(e.page(d + i * P).frame, frames[j]);
          assert.equal(e.read(d + i * P), 50 + i);
        });
        fails(() => e.read(s), 'SIGSEGV');
        assert.deepEqual(e.vmas(s, 3 * e.spanBytes), [[d, d + e.spanBytes]]);
        assert.equal(e.status().RssAnon, e.kb(3));
        finish(k);
      });

      it('an unaligned move keeps the frames', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const s = e.slot(1) + P;
        e.anon(s, 8);
        for (let i = 0; i < 8; i++) e.write(s + i * P, 70 + i);
        const frames = Array.from({ length: 8 }, (_, i) => e.page(s + i * P).frame);
        const d = e.slot(1) + 3 * e.spanBytes + 5 * P;
        assert.equal(mremap(k, e.mm, s, 8 * P, 8 * P, MREMAP.MAYMOVE | MREMAP.FIXED, d), d);
        for (let i = 0; i < 8; i++) {
          assert.equal(e.page(d + i * P).frame, frames[i]);
          assert.equal(e.page(d + i * P).pm, PM.PRESENT | PM.EXCLUSIVE);
          assert.equal(e.read(d + i * P), 70 + i);
        }
        fails(() => e.read(s), 'SIGSEGV');
        assert.equal(e.status().RssAnon, e.kb(8));
        finish(k);
      });

      it('shrinking unmaps the tail; growing in place works when the space after is free', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const n = 4 * e.grain; // the half that stays (a contiguous group multiple while the walker bug stands)
        const a = e.anon(e.slot(1), 2 * n);
        for (let i = 0; i < 2 * n; i++) e.write(a + i * P, i + 1);
        assert.equal(mremap(k, e.mm, a, 2 * n * P, n * P, 0), a);
        assert.deepEqual(e.vmas(a, 4 * n * P), [[a, a + n * P]]);
        fails(() => e.read(a + (n + 1) * P), 'SIGSEGV');
        assert.equal(e.status().RssAnon, e.kb(n));
        const frames = Array.from({ length: n }, (_, i) => e.page(a + i * P).frame);
        assert.equal(mremap(k, e.mm, a, n * P, 3 * n * P, 0), a);
        assert.deepEqual(e.vmas(a, 4 * n * P), [[a, a + 3 * n * P]]);
        for (let i = 0; i < n; i++) {
          assert.equal(e.page(a + i * P).frame, frames[i]);
          assert.equal(e.read(a + i * P), i + 1);
        }
        assert.equal(e.read(a + (2 * n + 1) * P), 0);
        finish(k);
      });

      it('growing with MREMAP_MAYMOVE moves when the next VMA is in the way', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        e.anon(a + 4 * P, 4, R);
        for (let i = 0; i < 4; i++) e.write(a + i * P, 90 + i);
        const frames = Array.from({ length: 4 }, (_, i) => e.page(a + i * P).frame);
        const r = mremap(k, e.mm, a, 4 * P, 8 * P, MREMAP.MAYMOVE);
        assert.notEqual(r, a);
        assert.equal(r % P, 0);
        for (let i = 0; i < 4; i++) {
          assert.equal(e.page(r + i * P).frame, frames[i]);
          assert.equal(e.read(r + i * P), 90 + i);
        }
        assert.equal(e.read(r + 6 * P), 0);
        fails(() => e.read(a), 'SIGSEGV');
        assert.deepEqual(e.vmas(a, 8 * P), [[a + 4 * P, a + 8 * P]]);
        finish(k);
      });

      it('MREMAP_DONTUNMAP moves the pages and leaves the old VMA in place, empty', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        for (let i = 0; i < 4; i++) e.write(a + i * P, 30 + i);
        const frames = Array.from({ length: 4 }, (_, i) => e.page(a + i * P).frame);
        const d = e.slot(2);
        assert.equal(mremap(k, e.mm, a, 4 * P, 4 * P, MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP, d), d);
        assert.deepEqual(e.vmas(a, 4 * P), [[a, a + 4 * P]]);
        for (let i = 0; i < 4; i++) {
          assert.equal(e.page(a + i * P).pm, 0);
          assert.equal(e.page(d + i * P).frame, frames[i]);
          assert.equal(e.read(d + i * P), 30 + i);
        }
        assert.equal(e.read(a), 0);
        assert.equal(e.page(a).frame, k.mem.zeroPfn);
        assert.equal(e.status().RssAnon, e.kb(4));
        finish(k);
      });

      it('MREMAP_DONTUNMAP keeps VM_ACCOUNT on the old VMA (stable fix "mm/mremap: correctly account old mapping after MREMAP_DONTUNMAP remap")', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        e.write(a, 1);
        mremap(k, e.mm, a, 4 * P, 4 * P, MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP, e.slot(2));
        assert.equal(e.flags(a), 'rd wr mr mw me ac');
        assert.equal(e.flags(e.slot(2)), 'rd wr mr mw me ac');
        finish(k);
      });

      it('MREMAP_DONTUNMAP without MREMAP_FIXED still moves (to an address of its choosing)', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        e.write(a, 42);
        const r = mremap(k, e.mm, a, 4 * P, 4 * P, MREMAP.MAYMOVE | MREMAP.DONTUNMAP);
        assert.notEqual(r, a);
        assert.equal(e.read(r), 42);
        assert.equal(e.page(a).pm, 0);
        finish(k);
      });

      it('a moved shared anonymous mapping keeps its pages; both ends of a DONTUNMAP see the same object', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.map(e.slot(1), 4, RW, MAP.SHARED);
        e.write(a + P, 5);
        const h = e.page(a + P).frame;
        const d = e.slot(2);
        mremap(k, e.mm, a, 4 * P, 4 * P, MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP, d);
        assert.equal(e.page(d + P).frame, h);
        assert.equal(e.read(a + P), 5);
        assert.equal(e.page(a + P).frame, h);
        e.write(d + 2 * P, 6);
        assert.equal(e.read(a + 2 * P), 6);
        finish(k);
      });

      it('growing a shared anonymous mapping does not grow its shmem file: the new part raises SIGBUS', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.map(e.slot(1), 4, RW, MAP.SHARED);
        assert.equal(mremap(k, e.mm, a, 4 * P, 8 * P, 0), a);
        fails(() => e.read(a + 6 * P), 'SIGBUS');
        finish(k);
      });
    });

    // ------------------------------------------------------------------
    describe('MADV_DONTNEED', () => {
      it('private anonymous: the pages go; a read maps the zero page again', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.anon(e.slot(1), 4);
        for (let i = 0; i < 4; i++) e.write(a + i * P, 7);
        madvise(k, e.mm, a, 4 * P, 'dontneed');
        for (let i = 0; i < 4; i++) assert.equal(e.page(a + i * P).pm, 0);
        assert.equal(e.status().RssAnon, 0);
        assert.equal(e.read(a), 0);
        assert.equal(e.page(a).frame, k.mem.zeroPfn);
        e.write(a, 8);
        assert.equal(e.page(a).pm, PM.PRESENT | PM.EXCLUSIVE);
        finish(k);
      });

      it('file: the mappings go, the page cache stays; a later read maps the same frame; a private copy is dropped', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const f = k.createFile('f', 8 * P);
        const a = e.map(e.slot(1), 8, RW, MAP.PRIVATE, { fileName: 'f' });
        assert.equal(e.read(a), 0);
        const h = e.page(a).frame;
        assert.equal(h, f.cache.get(0));
        e.write(a + 2 * P, 77);
        const cached = f.cache.size;
        madvise(k, e.mm, a, 8 * P, 'dontneed');
        for (let i = 0; i < 8; i++) assert.equal(e.page(a + i * P).pm, 0);
        assert.equal(e.status().RssFile, 0);
        assert.equal(e.status().RssAnon, 0);
        assert.equal(f.cache.size, cached, 'the page cache keeps its pages');
        assert.equal(e.read(a), 0);
        assert.equal(e.page(a).frame, h, 'the same page-cache frame');
        assert.equal(e.read(a + 2 * P), e.tag(2), "the private copy is gone: the file's content again");
        finish(k);
      });

      it('shared anonymous: the pages stay in the shmem object', () => {
        const e = new Env(arch);
        const { k, P } = e;
        const a = e.map(e.slot(1), 4, RW, MAP.SHARED);
        e.write(a, 5);
        const h = e.page(a).frame;
        madvise(k, e.mm, a, 4 * P, 'dontneed');
        assert.equal(e.page(a).pm, 0);
        assert.equal(e.status().RssShmem, 0);
        assert.equal(e.read(a), 5);
        assert.equal(e.page(a).frame, h);
        finish(k);
      });
    });

    // mm/madvise.c madvise_walk_vmas: VMA by VMA in address order; the first VMA
    // MADV_FREE cannot apply to (madvise_free_single_vma: not private anonymous)
    // ends the walk with EINVAL, after the VMAs before it were freed.
    it('MADV_FREE over [anon | shared]: EINVAL, the anonymous pages before the shared VMA are lazily freed', () => {
      const e = new Env(arch);
      const { k, P } = e;
      const s = e.slot(1);
      e.anon(s, 4);
      e.map(s + 4 * P, 4, PROT.READ | PROT.WRITE, MAP.SHARED);
      for (let i = 0; i < 8; i++) e.write(s + i * P, 1 + i);
      assert.equal(e.smaps(s).LazyFree, 0);
      fails(() => madvise(k, e.mm, s, 8 * P, 'free'), 'EINVAL');
      // The four folios wait in the per-CPU lazyfree batch (src/mm/lru.ts); MADV_COLD drains it.
      assert.equal(k.lru.lazyfree.length, 4);
      assert.equal(e.smaps(s).LazyFree, 0);
      madvise(k, e.mm, s, 4 * P, 'cold');
      assert.equal(e.smaps(s).LazyFree, 4 * P);
      assert.equal(e.smaps(s + 4 * P).LazyFree, 0);
      assert.equal(e.read(s + 4 * P), 5);
      finish(k);
    });

    it('MADV_FREE over [shared | anon]: EINVAL before anything is freed', () => {
      const e = new Env(arch);
      const { k, P } = e;
      const s = e.slot(1);
      e.map(s, 4, PROT.READ | PROT.WRITE, MAP.SHARED);
      e.anon(s + 4 * P, 4);
      for (let i = 0; i < 8; i++) e.write(s + i * P, 1 + i);
      fails(() => madvise(k, e.mm, s, 8 * P, 'free'), 'EINVAL');
      assert.equal(e.smaps(s + 4 * P).LazyFree, 0);
      assert.equal(e.read(s + 4 * P), 5);
      finish(k);
    });
  });
}
