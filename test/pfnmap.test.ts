// Driver pfnmaps (VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, as
// remap_pfn_range sets): special entries at PTE, PMD and PUD level (the huge
// pfnmap series, mm/huge_memory.c vmf_insert_pfn_pmd/pud) that the VM never
// refcounts, mapcounts or counts in rss (mm/memory.c insert_pfn and the
// vm_normal_page rules, ../shared/docs/kernel-semantics.md §2, §3, §10); COW
// pfnmaps with 4K read-only entries and anonymous copies; fork copying them
// (copy_page_range: vma_needs_copy is true for VM_PFNMAP; copy_huge_pmd and
// copy_huge_pud copy special leaves); and the /proc views that skip them
// (mm/pagewalk.c walk_page_test: pagemap sees holes, PAGEMAP_SCAN and smaps
// nothing). Every test ends with checkInvariants(k) == [].
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Kind, formatNames } from '../src/arch/index.js';
import { FOLL, pinUserPages, pinUserPagesFast } from '../src/gup/gup.js';
import { FrameKind, PageFlag } from '../src/mem/phys.js';
import { KernelError } from '../src/mm/errno.js';
import { access } from '../src/mm/fault.js';
import { fork } from '../src/mm/fork.js';
import { checkInvariants } from '../src/mm/invariants.js';
import { Kernel } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { devicePfnBase } from '../src/mm/pfnmap.js';
import { MAP, PROT, madvise, mmap, munmap, writeRange } from '../src/mm/syscalls.js';
import { MM_ANONPAGES } from '../src/mm/rmap.js';
import { VM, type Vma } from '../src/mm/vma.js';
import { vmNormalPage } from '../src/views/normal_page.js';
import { SCAN_NOT_REPORTED, pageInfo } from '../src/views/pagemap.js';
import { SMAPS_FIELDS, smaps, status } from '../src/views/smaps.js';
import { BaseVisitor, WALK_CONTINUE } from '../src/walk/walker.js';
import { SlotKernel } from './helpers/mm.js';

const RW = PROT.READ | PROT.WRITE;
const GiB = 2 ** 30;

interface LeafInfo {
  vpn: number;
  level: number;
  pfn: number;
  attrs: number;
}

/** Every present leaf of a range, as the walker reports them. */
class Leaves extends BaseVisitor {
  readonly list: LeafInfo[] = [];
  constructor(private readonly k: Kernel) {
    super();
  }
  override leaf(vpn: number, _npages: number, level: number, lo: number, hi: number): number {
    const c = this.k.fmt.codec;
    if (c.kind(lo, hi, level) === Kind.LEAF) this.list.push({ vpn, level, pfn: c.pfn(lo, hi), attrs: c.attrs(lo, hi) });
    return WALK_CONTINUE;
  }
}

/** One kernel, one process, the sizes of the format, and the mappings the tests make. */
class T extends SlotKernel {
  /**
   * The leaf levels a fully touched PMD span of a pfnmap holds: one PMD leaf,
   * or N PTEs where the PMD level holds no leaves (ppc-8xx: fmt.leafAllowed[1]).
   */
  pmdSpan(): number[] {
    return this.k.fmt.leafAllowed[1] ? [1] : new Array<number>(this.N).fill(0);
  }

  pfnmap(len: number, shared: boolean, prot: number = RW, mm: Mm = this.mm): number {
    const addr = this.at();
    assert.equal(mmap(this.k, mm, { addr, length: len, prot, flags: (shared ? MAP.SHARED : MAP.PRIVATE) | MAP.FIXED, pfnmap: true }), addr);
    return addr;
  }

  vma(addr: number, mm: Mm = this.mm): Vma {
    const v = mm.vmaAt(addr / this.P);
    assert.ok(v);
    return v;
  }

  /** Load from every leaf of [addr, addr+len) once: each fault maps the largest leaf the driver allows. Returns the values read. */
  touchAll(addr: number, len: number, mm: Mm = this.mm): number[] {
    const out: number[] = [];
    const end = (addr + len) / this.P;
    for (let vpn = addr / this.P; vpn < end; ) {
      out.push(access(this.k, mm, vpn, false));
      assert.equal(this.k.lookup(mm, vpn), Kind.LEAF);
      vpn = this.k.st.vpn + this.k.st.npages;
    }
    return out;
  }

  leaves(addr: number, len: number, mm: Mm = this.mm): LeafInfo[] {
    const v = new Leaves(this.k);
    this.k.walker.walk(mm, addr / this.P, (addr + len) / this.P, v);
    return v.list;
  }

  /** Number of leaves per level name, e.g. { pud: 2 }. */
  perLevel(list: LeafInfo[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const l of list) {
      const n = this.k.fmt.levelNames[l.level];
      out[n] = (out[n] ?? 0) + 1;
    }
    return out;
  }

  /** Each leaf maps its device pfn (pgoff 0: device base + offset), special, no struct page, not normal. */
  checkSpecial(addr: number, list: LeafInfo[], mm: Mm = this.mm): void {
    const k = this.k;
    const v = this.vma(addr, mm);
    const base = v.object?.devicePfn ?? -1;
    assert.ok(base >= devicePfnBase(k.fmt));
    for (const l of list) {
      assert.equal(l.pfn, base + (l.vpn - v.start), `leaf at vpn ${l.vpn}`);
      assert.ok((l.attrs & Attr.SPECIAL) !== 0, 'special');
      assert.equal(k.mem.isFolioPage(l.pfn), false);
      k.lookup(mm, l.vpn);
      assert.equal(vmNormalPage(k, v, l.vpn, k.st.lo, k.st.hi, l.level), -1);
    }
    assert.deepEqual(k.badPageMaps, []);
  }

  rssZero(mm: Mm = this.mm): void {
    assert.deepEqual([...mm.rss], [0, 0, 0, 0]);
  }

  done(): void {
    assert.deepEqual(checkInvariants(this.k), []);
  }
}

describe('pfnmap on x86_64: PUD, PMD and PTE special leaves', () => {
  it('a 2 GiB shared pfnmap at a 1 GiB boundary is two PUD special leaves', () => {
    const t = new T('x86_64');
    const k = t.k;
    const folios = k.mem.inUse[FrameKind.FOLIO];
    const a = t.pfnmap(2 * GiB, true);
    assert.deepEqual(t.touchAll(a, 2 * GiB), [0, 0]);
    const list = t.leaves(a, 2 * GiB);
    assert.deepEqual(t.perLevel(list), { pud: 2 });
    t.checkSpecial(a, list);
    // A load anywhere inside is served by the PUD leaf, no new fault.
    assert.equal(access(k, t.mm, a / t.P + 123457, false), 0);
    assert.equal(t.leaves(a, 2 * GiB).length, 2);
    assert.equal(k.mem.inUse[FrameKind.FOLIO], folios, 'no folio allocated');
    t.rssZero();
    t.done();
  });

  it('2 GiB less 4 KiB: a PUD leaf where a whole aligned 1 GiB fits, PMD leaves then PTEs for the rest', () => {
    const t = new T('x86_64');
    const k = t.k;
    const folios = k.mem.inUse[FrameKind.FOLIO];
    const len = 2 * GiB - 4096;
    const a = t.pfnmap(len, true);
    t.touchAll(a, len);
    const list = t.leaves(a, len);
    assert.deepEqual(t.perLevel(list), { pud: 1, pmd: 511, pte: 511 });
    assert.deepEqual([list[0].vpn, list[1].vpn, list[512].vpn], [a / t.P, (a + GiB) / t.P, (a + 2 * GiB - 2 ** 21) / t.P]);
    t.checkSpecial(a, list);
    assert.equal(k.mem.inUse[FrameKind.FOLIO], folios);
    t.rssZero();
    assert.deepEqual([status(k, t.mm).RssAnon, status(k, t.mm).RssFile, status(k, t.mm).RssShmem], [0, 0, 0]);
    t.done();
  });
});

for (const arch of formatNames()) {
  describe(`pfnmap (${arch})`, () => {
    it('a shared pfnmap: the largest aligned leaf per fault, all special, no refcount, mapcount or rss', () => {
      const t = new T(arch);
      const k = t.k;
      const folios = k.mem.inUse[FrameKind.FOLIO];
      const len = 2 * t.H + 3 * t.P;
      const a = t.pfnmap(len, true);
      const levels = [...t.pmdSpan(), ...t.pmdSpan(), 0, 0, 0];
      assert.deepEqual(t.touchAll(a, len), levels.map(() => 0));
      const list = t.leaves(a, len);
      assert.deepEqual(list.map((l) => l.level), levels);
      t.checkSpecial(a, list);
      assert.equal(k.mem.inUse[FrameKind.FOLIO], folios);
      t.rssZero();
      t.done();
    });

    it('munmap and zap leave the counters at 0 and munmap frees the page tables', () => {
      const t = new T(arch);
      const k = t.k;
      const tables = [...t.mm.tables];
      const live = k.walker.store.live;
      const len = 2 * t.H + 3 * t.P;
      const a = t.pfnmap(len, true);
      t.touchAll(a, len);
      assert.ok(k.walker.store.live > live);
      k.zap(t.mm, a / t.P, (a + len) / t.P);
      assert.deepEqual(t.leaves(a, len), []);
      t.rssZero();
      t.done();
      t.touchAll(a, len);
      assert.equal(t.leaves(a, len).length, 2 * t.pmdSpan().length + 3, 'faults refill it');
      munmap(k, t.mm, a, len);
      t.rssZero();
      assert.deepEqual([...t.mm.tables], tables);
      assert.equal(k.walker.store.live, live);
      t.done();
    });

    it('GUP is EFAULT (VM_IO|VM_PFNMAP), populate is EINVAL, MADV_DONTNEED is EINVAL', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.pfnmap(4 * t.P, true);
      t.touchAll(a, t.P);
      for (const pin of [pinUserPages, pinUserPagesFast]) {
        const r = pin(k, t.mm, a, 1, FOLL.WRITE);
        assert.deepEqual([r.error, r.pfns], ['EFAULT', []]);
      }
      assert.throws(() => madvise(k, t.mm, a, t.P, 'populate_read'), (e: unknown) => e instanceof KernelError && e.code === 'EINVAL');
      assert.throws(() => madvise(k, t.mm, a, t.P, 'dontneed'), (e: unknown) => e instanceof KernelError && e.code === 'EINVAL');
      assert.equal(t.leaves(a, 4 * t.P).length, 1);
      t.done();
    });

    it('a private (COW) pfnmap: 4K read-only special PTEs; a write COWs into a normal anonymous page', () => {
      const t = new T(arch);
      const k = t.k;
      const len = 2 * t.H;
      const a = t.pfnmap(len, false);
      assert.equal(t.vma(a).isCow, true);
      t.touchAll(a, 2 * t.P);
      t.touchAll(a + t.H, t.P);
      const list = t.leaves(a, len);
      assert.deepEqual(list.map((l) => l.level), [0, 0, 0], 'no huge leaves in a COW mapping');
      for (const l of list) assert.equal(l.attrs & Attr.WRITE, 0, 'read-only');
      t.checkSpecial(a, list);
      writeRange(k, t.mm, a + t.P, t.P, () => 77);
      k.lookup(t.mm, a / t.P + 1);
      const c = k.fmt.codec;
      const p = c.pfn(k.st.lo, k.st.hi);
      const attrs = c.attrs(k.st.lo, k.st.hi);
      assert.deepEqual([k.mem.isFolioPage(p), (attrs & Attr.SPECIAL) !== 0, (attrs & Attr.WRITE) !== 0], [true, false, true]);
      // vm_normal_page: not special, so a normal page, although the VMA is VM_PFNMAP.
      assert.equal(vmNormalPage(k, t.vma(a), a / t.P + 1, k.st.lo, k.st.hi, 0), p);
      assert.deepEqual([k.mem.content[p], k.mem.refcount[p], k.mem.mapcountOfPage(p), (k.mem.pageFlags[p] & PageFlag.ANON_EXCLUSIVE) !== 0], [77, 1, 1, true]);
      assert.equal(t.mm.rss[MM_ANONPAGES], 1);
      assert.equal(access(k, t.mm, a / t.P + 1, false), 77);
      t.checkSpecial(a, [t.leaves(a, t.P)[0], t.leaves(a + t.H, t.P)[0]]);
      t.done();
      munmap(k, t.mm, a, len);
      assert.equal(k.mem.isFolioPage(p), false, 'the anonymous copy is freed');
      t.rssZero();
      t.done();
    });

    it('fork copies the pfnmap entries as they are: same pfns, same levels, special, no references', () => {
      const t = new T(arch);
      const k = t.k;
      const len = 2 * t.H + 3 * t.P;
      const a = t.pfnmap(len, true);
      t.touchAll(a, len);
      const before = t.leaves(a, len);
      const child = fork(k, t.mm, 'child');
      const copied = t.leaves(a, len, child);
      assert.deepEqual(copied.map((l) => [l.vpn, l.level, l.pfn]), before.map((l) => [l.vpn, l.level, l.pfn]));
      t.checkSpecial(a, copied, child);
      t.rssZero(child);
      t.done();
      k.exitMm(child);
      t.done();
    });

    it('fork of a COW pfnmap: the special entries are copied, an anonymous copy is COW-shared', () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.pfnmap(4 * t.P, false);
      t.touchAll(a, 2 * t.P);
      writeRange(k, t.mm, a + t.P, t.P, () => 5);
      k.lookup(t.mm, a / t.P + 1);
      const p = k.fmt.codec.pfn(k.st.lo, k.st.hi);
      const child = fork(k, t.mm, 'child');
      const cl = t.leaves(a, 4 * t.P, child);
      assert.deepEqual(cl.map((l) => l.pfn), [t.leaves(a, t.P)[0].pfn, p]);
      t.checkSpecial(a, [cl[0]], child);
      assert.deepEqual([k.mem.refcount[p], (k.mem.pageFlags[p] & PageFlag.ANON_EXCLUSIVE) !== 0, cl[1].attrs & Attr.WRITE], [2, false, 0]);
      assert.deepEqual([child.rss[MM_ANONPAGES], t.mm.rss[MM_ANONPAGES]], [1, 1]);
      // The parent's next write copies again; the child keeps 5.
      writeRange(k, t.mm, a + t.P, t.P, () => 6);
      assert.deepEqual([access(k, child, a / t.P + 1, false), access(k, t.mm, a / t.P + 1, false)], [5, 6]);
      t.done();
    });

    it('pagemap reads a pfnmap as holes and PAGEMAP_SCAN does not report it; smaps counters are all 0', () => {
      const t = new T(arch);
      const k = t.k;
      const len = 2 * t.H + 3 * t.P;
      const a = t.pfnmap(len, true);
      t.touchAll(a, len);
      const n = len / t.P;
      const info = pageInfo(k, t.mm, a / t.P, n);
      assert.ok(info.pm.every((x) => x === 0), 'pagemap: not present, not swapped');
      assert.ok(info.frame.every((x) => x === -1));
      assert.ok(info.scan.every((x) => x === SCAN_NOT_REPORTED), 'PAGEMAP_SCAN skips VM_PFNMAP');
      const r = smaps(k, t.mm, t.vma(a));
      for (const f of SMAPS_FIELDS) {
        const expect = f === 'Size' ? len : f === 'KernelPageSize' || f === 'MMUPageSize' ? t.P : 0;
        assert.equal(r.fields[f], expect, f);
      }
      assert.equal(r.thpEligible, 0);
      for (const m of ['io', 'pf', 'de', 'dd']) assert.ok(r.vmFlags.includes(m), `VmFlags has ${m}`);
      assert.equal(t.vma(a).has(VM.IO | VM.PFNMAP | VM.DONTEXPAND | VM.DONTDUMP), true);
      t.done();
    });

    it('a COW pfnmap with an anonymous copy inside: still a hole for pagemap, not walked by smaps', () => {
      const t = new T(arch);
      const k = t.k;
      const b = t.pfnmap(2 * t.P, false);
      writeRange(k, t.mm, b, t.P, () => 1);
      const bi = pageInfo(k, t.mm, b / t.P, 2);
      assert.deepEqual([[...bi.pm], [...bi.scan]], [[0, 0], [SCAN_NOT_REPORTED, SCAN_NOT_REPORTED]]);
      assert.equal(smaps(k, t.mm, t.vma(b)).fields.Rss, 0);
      t.done();
    });

    it('a store through a shared writable pfnmap goes to the device: writable special entries, no COW', {
    }, () => {
      const t = new T(arch);
      const k = t.k;
      const a = t.pfnmap(2 * t.H, true);
      t.touchAll(a, t.P);
      assert.notEqual(t.leaves(a, t.P)[0].attrs & Attr.WRITE, 0, 'a shared writable pfnmap is mapped writable');
      writeRange(k, t.mm, a + t.P, t.P, () => 3);
      const list = t.leaves(a, 2 * t.H);
      // Without PMD leaves each fault maps one PTE: the load's and the store's.
      assert.deepEqual(list.map((l) => l.level), t.k.fmt.leafAllowed[1] ? [1] : [0, 0]);
      t.checkSpecial(a, list);
      t.rssZero();
      t.done();
    });
  });
}
