// Every huge page size that is more than one entry (arm64 cont-PTE/cont-PMD,
// riscv Svnapot, 8xx 16K/512K groups and 8M flagged tables, with and without
// the hugepd option) stays ONE leaf through everything that rewrites it
// entry by entry: fault, mprotect, fork + COW, migration (set_huge_pte_at
// writes a migration entry into every entry; remove_migration_ptes brings the
// huge leaf back, arch_make_huge_pte included), DONTNEED and munmap. Found by
// the invariant checker's "a group's entries agree" rule: migration used to
// rewrite only the group's first entry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kind, formatNames, getFormat } from '../src/arch/index.js';
import { checkInvariants } from '../src/mm/invariants.js';
import type { Kernel } from '../src/mm/kernel.js';
import { WalkState } from '../src/walk/walker.js';
import { runLikeCli } from './helpers/scenario.js';
import { formatSize } from '../src/scenario/size.js';

interface Case {
  arch: string;
  bytes: number;
  hugepd: boolean;
}

const CASES: Case[] = [];
for (const arch of formatNames()) {
  const f = getFormat(arch);
  for (const s of f.leafSizes()) {
    if (s.cont <= 1 || s.bytes > 64 * 1024 * 1024) continue; // 1G/16G groups: too much memory for a unit test
    CASES.push({ arch, bytes: s.bytes, hugepd: false });
    if (s.tables >= 0) CASES.push({ arch, bytes: s.bytes, hugepd: true });
  }
}

function groupPages(k: Kernel, base: number): { npages: number; pfn: number; kind: number } {
  const st = new WalkState(k.fmt.nlevels);
  const kind = k.walker.seek([...k.procs.values()][0], base, st);
  return { npages: st.npages, pfn: k.fmt.codec.pfn(st.lo, st.hi), kind };
}

describe('hugetlb pages of several entries stay one leaf', () => {
  it('covers every format with groups', () => {
    const archs = new Set(CASES.map((c) => c.arch));
    for (const a of ['arm64-4k', 'arm64-16k', 'arm64-64k', 'riscv64-sv39', 'riscv64-sv48', 'riscv64-sv57', 'ppc-8xx']) assert.ok(archs.has(a), a);
    assert.ok(CASES.some((c) => c.hugepd));
  });

  for (const c of CASES) {
    const size = formatSize(c.bytes);
    it(`${c.arch} ${size}${c.hugepd ? ' (hugepd)' : ''}: fault, mprotect, fork + COW, migrate, DONTNEED, munmap`, () => {
      const text = [
        `arch ${c.arch}`,
        ...(c.hugepd ? ['set option.hugepd=on'] : []),
        `set hugetlb.${size}=6`,
        `H = mmap ${formatSize(2 * c.bytes)} rw private anon hugetlb=${size}`,
        `write H+0 ${formatSize(2 * c.bytes)}`,
        `mprotect H+0 ${size} r`,
        `mprotect H+0 ${size} rw`,
        'fork child',
        'as child',
        'write H+0 4K',
        'assert frame main:H+0 != child:H+0',
        'as main',
        `migrate H+0 ${formatSize(2 * c.bytes)}`,
        `assert content H+${size} 4K > 0`,
        `madvise H+0 ${size} dontneed`,
        `assert pagemap H+0 ${size} !present`,
        'write H+0 4K',
      ].join('\n');
      const r = runLikeCli(text, 'g.mms');
      assert.equal(r.error, undefined, r.error);
      const k = r.kernel as Kernel;
      const mm = [...k.procs.values()][0];
      const base = mm.vmas[0].start;
      const pages = c.bytes / k.pageSize;
      for (const b of [base, base + pages]) {
        const g = groupPages(k, b);
        assert.equal(g.kind, Kind.LEAF);
        assert.equal(g.npages, pages, `the page at +${(b - base) * k.pageSize} is one leaf`);
        assert.equal(g.pfn % pages, 0, 'a naturally aligned huge page');
      }
      assert.deepEqual(checkInvariants(k), []);
      const u = runLikeCli(`${text}\nmunmap H+0 ${formatSize(2 * c.bytes)}\nas child\nmunmap H+0 ${formatSize(2 * c.bytes)}`, 'u.mms');
      assert.equal(u.error, undefined, u.error);
      const k2 = u.kernel as Kernel;
      for (const m of k2.procs.values()) assert.deepEqual([...m.tables].slice(0, -1).every((n) => n === 0), true, 'no tables left below the root');
      assert.deepEqual(checkInvariants(k2), []);
    });
  }
});
