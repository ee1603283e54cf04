// powerpc 8xx huge pages through the one walker (arch/powerpc/include/asm/
// nohash/32/pte-8xx.h, hugetlb-8xx.h, arch/powerpc/mm/pgtable.c,
// hugetlbpage.c; ../shared/docs/observables-and-arch.md §6.4):
// - 16K = 4 PTEs with _PAGE_SPS, 512K = 128 PTEs with _PAGE_SPS|_PAGE_HUGE,
//   both in an ordinary PTE table, told apart by the entry's bits
//   (__pte_leaf_size): two group sizes at one level;
// - 8M (v6.11+) = the two PGD entries of the range flagged _PMD_PAGE_8M, each
//   over a PTE table of 1024 pte_mkhuge entries advancing 4K per entry.
// Each is ONE leaf to seek, to the range walk and to every consumer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kind } from '../src/arch/index.js';
import { PPC8XX } from '../src/arch/ppc.js';
import { runFiles, type Io } from '../src/cli/commands.js';
import { checkInvariants } from '../src/mm/invariants.js';
import type { Kernel } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { status } from '../src/views/smaps.js';
import { BaseVisitor, WALK_CONTINUE, WalkState } from '../src/walk/walker.js';
import { runLikeCli } from './helpers/scenario.js';

const K = 1024;
const M = 1024 * K;

/** Run a scenario (invariants checked after every statement); the kernel and main's mm. */
function run(text: string): { k: Kernel; mm: Mm } {
  const r = runLikeCli(text, 'ppc8xx.mms');
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.exitCode, 0);
  const k = r.kernel as Kernel;
  return { k, mm: [...k.procs.values()][0] };
}

class Leaves extends BaseVisitor {
  readonly seen: [number, number, number][] = [];
  override leaf(vpn: number, npages: number, level: number): number {
    this.seen.push([vpn, npages, level]);
    return WALK_CONTINUE;
  }
}

function leaves(k: Kernel, mm: Mm, start: number, end: number): [number, number, number][] {
  const v = new Leaves();
  k.walker.walk(mm, start / k.pageSize, end / k.pageSize, v);
  return v.seen;
}

describe('ppc-8xx: 16K and 512K groups at the same level, chosen by the entry bits', () => {
  const text = [
    'arch ppc-8xx',
    'set hugetlb.512K=2',
    'set hugetlb.16K=2',
    'H = mmap 512K rw private anon hugetlb=512K',
    'S = mmap 16K rw private anon hugetlb=16K fixed=H+512K',
    'write H+0 512K',
    'write S+0 4K',
    'assert content H+508K 4K > 0',
  ].join('\n');

  it('the entries carry SPS (16K) or SPS|HUGE (512K), pfns advancing 4K per entry', () => {
    const { k, mm } = run(text);
    const h = mm.vmas[0].start;
    const st = new WalkState(k.fmt.nlevels);
    k.walker.seek(mm, h, st);
    const slot = st.slot;
    const w = k.walker;
    for (let i = 0; i < 128; i++) {
      assert.equal(w.lo(slot, i) & (PPC8XX.SPS | PPC8XX.HUGE), PPC8XX.SPS | PPC8XX.HUGE, `512K entry ${i}`);
      assert.equal(k.fmt.codec.pfn(w.lo(slot, i), 0), k.fmt.codec.pfn(w.lo(slot, 0), 0) + i);
    }
    for (let i = 128; i < 132; i++) assert.equal(w.lo(slot, i) & (PPC8XX.SPS | PPC8XX.HUGE), PPC8XX.SPS, `16K entry ${i}`);
    assert.equal(w.lo(slot, 132), 0);
  });

  it('seek anywhere in a group reports the whole group from its first entry', () => {
    const { k, mm } = run(text);
    const h = mm.vmas[0].start;
    const st = new WalkState(k.fmt.nlevels);
    assert.equal(k.walker.seek(mm, h + 75, st), Kind.LEAF);
    assert.deepEqual([st.level, st.vpn, st.npages, st.index], [0, h, 128, 0]);
    k.walker.seek(mm, h + 130, st);
    assert.deepEqual([st.level, st.vpn, st.npages, st.index], [0, h + 128, 4, 128]);
  });

  it('a range walk visits each group once, also when it starts inside one', () => {
    const { k, mm } = run(text);
    const h = mm.vmas[0].start * k.pageSize;
    assert.deepEqual(leaves(k, mm, h, h + 528 * K), [[h / 4096, 128, 0], [h / 4096 + 128, 4, 0]]);
    assert.deepEqual(leaves(k, mm, h + 100 * K, h + 520 * K), [[h / 4096, 128, 0], [h / 4096 + 128, 4, 0]]);
    assert.deepEqual(leaves(k, mm, h + 514 * K, h + 515 * K), [[h / 4096 + 128, 4, 0]]);
  });

  it('mprotect of the whole 512K page keeps it one group (SPS|HUGE kept), and smaps shows 512K pages', () => {
    const r = runLikeCli(`${text}\nmprotect H+0 512K r\nshow smaps H`, 'p.mms');
    assert.equal(r.error, undefined, r.error);
    assert.match(r.output, /KernelPageSize:\s+512 kB/);
    const k = r.kernel as Kernel;
    const mm = [...k.procs.values()][0];
    const h = mm.vmas[0].start;
    const st = new WalkState(k.fmt.nlevels);
    k.walker.seek(mm, h + 127, st);
    assert.equal(st.npages, 128);
    assert.equal(k.fmt.codec.has(st.lo, st.hi, 2), false, 'read-only now');
    assert.deepEqual(checkInvariants(k), []);
  });
});

describe('ppc-8xx: an 8M page is two flagged PGD entries over full PTE tables', () => {
  const text = [
    'arch ppc-8xx',
    'set hugetlb.8M=3',
    'G = mmap 8M rw private anon hugetlb=8M',
    'write G+4100K 4K',
  ].join('\n');

  it('both PGD entries are flagged _PMD_PAGE_8M; 2 x 1024 PTEs with SPS|HUGE map the page 4K by 4K', () => {
    const { k, mm } = run(text);
    const g = mm.vmas[0].start;
    const st = new WalkState(k.fmt.nlevels);
    assert.equal(k.walker.seek(mm, g, st, 1), Kind.TABLE);
    const pgd = st.slot;
    const i = st.index;
    assert.equal(i % 2, 0, '8M aligned: an even PGD index');
    const w = k.walker;
    for (const j of [i, i + 1]) assert.equal(w.lo(pgd, j) & PPC8XX.PMD_PAGE_MASK, PPC8XX.PMD_PAGE_8M);
    const t0 = w.child(w.lo(pgd, i), 0);
    const t1 = w.child(w.lo(pgd, i + 1), 0);
    const head = k.fmt.codec.pfn(w.lo(t0, 0), 0);
    for (const [t, off] of [[t0, 0], [t1, 1024]]) {
      assert.equal(w.store.slotUsed[t], 1024);
      for (let e = 0; e < 1024; e++) {
        assert.equal(w.lo(t, e) & (PPC8XX.SPS | PPC8XX.HUGE | PPC8XX.PRESENT), PPC8XX.SPS | PPC8XX.HUGE | PPC8XX.PRESENT);
        assert.equal(k.fmt.codec.pfn(w.lo(t, e), 0), head + off + e);
      }
    }
    assert.equal(status(k, mm).VmPTE, 8, 'two 4K tables of 32-bit entries');
    assert.equal(status(k, mm).HugetlbPages, 8192);
  });

  it('seek from either half, and any range walk over it, see one 2048-page leaf', () => {
    const { k, mm } = run(text);
    const g = mm.vmas[0].start;
    const st = new WalkState(k.fmt.nlevels);
    for (const off of [0, 5, 1023, 1024, 2047]) {
      assert.equal(k.walker.seek(mm, g + off, st), Kind.LEAF);
      assert.deepEqual([st.level, st.vpn, st.npages, st.index], [0, g, 2048, 0], `offset ${off}`);
    }
    const b = g * 4096;
    assert.deepEqual(leaves(k, mm, b, b + 8 * M), [[g, 2048, 0]]);
    assert.deepEqual(leaves(k, mm, b + 5 * M, b + 6 * M), [[g, 2048, 0]]);
  });

  it('fork, COW, MADV_DONTNEED and refault, munmap: tables flagged in the child, freed at unmap; invariants hold', () => {
    const r = runLikeCli([
      text,
      'fork child',
      'assert frame G+0 == child:G+0',
      'as child',
      'write G+8K 4K',
      'assert frame main:G+0 != child:G+0',
      'assert content main:G+4100K 4K > 0',
      'as main',
      'madvise G+0 8M dontneed',
      'show status',
      'write G+0 4K',
      'show status',
      'munmap G+0 8M',
      'show status',
    ].join('\n'), 'fork8m.mms');
    assert.equal(r.error, undefined, r.error);
    const vmpte = [...r.output.matchAll(/VmPTE:\s+(\d+) kB/g)].map((m) => Number(m[1]));
    const huge = [...r.output.matchAll(/HugetlbPages:\s+(\d+) kB/g)].map((m) => Number(m[1]));
    // DONTNEED clears the PTEs but keeps the flagged tables (huge_ptep_get_and_clear); munmap frees them.
    assert.deepEqual(vmpte, [8, 8, 0]);
    assert.deepEqual(huge, [0, 8192, 0]);
    const k = r.kernel as Kernel;
    const child = [...k.procs.values()][1];
    const st = new WalkState(k.fmt.nlevels);
    k.walker.seek(child, child.vmas[0].start, st);
    assert.equal(st.npages, 2048, 'the child maps its copy as an 8M page too');
    assert.deepEqual(checkInvariants(k), []);
  });

  it('vtop: the hardware decoder reads the model tables as the same 8M page', () => {
    const out: string[] = [];
    const io: Io = { readFile: () => text, out: (s) => out.push(s), err: (s) => out.push(s) };
    assert.equal(runFiles(['vtop', 'g.mms', 'G+4100K'], io), 0);
    const o = out.join('');
    assert.match(o, /pgd\[\d+\].*PS=8M/);
    assert.match(o, /=> pa 0x[0-9a-f]+, 8M page at pte/);
    assert.match(o, /model: leaf at pte \(2048 base pages\)/);
    assert.doesNotMatch(o, /MISMATCH/);
  });
});

describe('ppc-8xx with set option.hugepd=on: the legacy hugepd layout (before v6.11)', () => {
  const text = [
    'arch ppc-8xx',
    'set option.hugepd=on',
    'set hugetlb.8M=3',
    'G = mmap 16M rw private anon hugetlb=8M',
    'write G+4100K 4K',
  ].join('\n');

  it('both PGD entries of an 8M page point, flagged _PMD_PAGE_8M, to one hugepte table whose entry 0 is the page', () => {
    const { k, mm } = run(text);
    const g = mm.vmas[0].start;
    const w = k.walker;
    const st = new WalkState(k.fmt.nlevels);
    assert.equal(w.seek(mm, g, st, 1), Kind.TABLE);
    const i = st.index;
    const pgd = st.slot;
    const hp = w.child(w.lo(pgd, i), 0);
    assert.equal(w.child(w.lo(pgd, i + 1), 0), hp, 'the same hugepte table');
    for (const j of [i, i + 1]) assert.equal(w.lo(pgd, j) & PPC8XX.PMD_PAGE_MASK, PPC8XX.PMD_PAGE_8M);
    assert.equal(w.store.slotUsed[hp], 1, 'one entry in use');
    assert.equal(w.lo(hp, 0) & (PPC8XX.SPS | PPC8XX.HUGE | PPC8XX.PRESENT), PPC8XX.SPS | PPC8XX.HUGE | PPC8XX.PRESENT);
    // hugepte tables come from a kmem cache, not from the page-table allocator: VmPTE stays 0.
    assert.equal(status(k, mm).VmPTE, 0);
    assert.equal(status(k, mm).HugetlbPages, 8192);
    for (const off of [0, 1500, 2047]) {
      assert.equal(w.seek(mm, g + off, st), Kind.LEAF);
      assert.deepEqual([st.slot, st.index, st.vpn, st.npages], [hp, 0, g, 2048]);
    }
    assert.equal(w.leafEntries(2048, 0), 1, 'one entry holds the page');
    const b = g * 4096;
    assert.deepEqual(leaves(k, mm, b + M, b + 16 * M), [[g, 2048, 0]], 'the unfaulted second page is a hole, not a leaf');
  });

  it('fork, COW, DONTNEED, refault and munmap; the hugepte tables go with the mapping', () => {
    const r = runLikeCli([
      text,
      'write G+8M 4K',
      'fork child',
      'as child',
      'write G+8K 4K',
      'assert frame main:G+0 != child:G+0',
      'assert frame main:G+8M == child:G+8M',
      'as main',
      'madvise G+0 8M dontneed',
      'assert pagemap G+0 8M !present',
      'write G+0 4K',
      'mprotect G+0 16M r',
      'assert pagemap G+0 16M present',
      'munmap G+0 16M',
      'as child',
      'munmap G+0 16M',
    ].join('\n'), 'hugepd.mms');
    assert.equal(r.error, undefined, r.error);
    const k = r.kernel as Kernel;
    assert.equal(k.walker.store.live, 2, 'only the two pgds are left');
    assert.deepEqual(checkInvariants(k), []);
  });

  it('a hugepd page is not a shared PMD table: pagemap exclusive, Private_Hugetlb; splitting the VMA at 8M keeps both pointers', () => {
    const r = runLikeCli([
      text, 'write G+8M 4K', 'show pagemap G+0 4K', 'show smaps G',
      'mprotect G+0 8M r', 'assert maps G count == 2', 'assert content G+4100K 4K > 0', 'assert pagemap G+0 16M present',
    ].join('\n'), 'hp.mms');
    assert.equal(r.error, undefined, r.error);
    assert.match(r.output, /G\+0 x1 pm:P,X /);
    assert.match(r.output, /Private_Hugetlb:\s+16384 kB/);
    assert.doesNotMatch(r.output, /Shared_Hugetlb/, "zero fields are not printed");
    assert.deepEqual(checkInvariants(r.kernel as Kernel), []);
    // A shared mapping split at 8M (hugetlb_split's PMD unsharing) leaves hugepd pointers alone.
    const sh = runLikeCli(['arch ppc-8xx', 'set option.hugepd=on', 'set hugetlb.8M=3', 'S = mmap 16M rw shared anon hugetlb=8M',
      'write S+0 16M', 'mprotect S+8M 8M r', 'assert maps S count == 2', 'assert pagemap S+0 16M present', 'show status'].join('\n'), 'sh.mms');
    assert.equal(sh.error, undefined, sh.error);
    assert.match(sh.output, /HugetlbPages:\s+16384 kB/);
    assert.deepEqual(checkInvariants(sh.kernel as Kernel), []);
  });

  it('vtop decodes the hugepd pointer as the hardware (and the kernel) did', () => {
    const out: string[] = [];
    const io: Io = { readFile: () => text, out: (s) => out.push(s), err: (s) => out.push(s) };
    assert.equal(runFiles(['vtop', 'g.mms', 'G+4100K'], io), 0);
    const o = out.join('');
    assert.match(o, /\(hugepd\)/);
    assert.match(o, /pte\[0\].*8M page/);
    assert.doesNotMatch(o, /MISMATCH/);
  });

  it('is an error on an architecture whose pages never had a hugepd layout; other options stay unsupported', () => {
    const r = runLikeCli('arch x86_64\nset option.hugepd=on\nA = mmap 4K rw private anon\n', 'x.mms');
    assert.equal(r.exitCode, 2);
    assert.equal(r.error, 'x.mms:2:1: option.hugepd needs an architecture whose huge pages had a hugepd layout (ppc-8xx), not x86_64');
    const u = runLikeCli('arch ppc-8xx\nset option.hgm=on\n', 'u.mms');
    assert.equal(u.exitCode, 2);
    assert.match(u.error ?? '', /^u\.mms:2:1: .*option\.hgm.*not supported/);
  });
});
