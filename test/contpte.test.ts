// arm64 transparent contiguous PTEs (CONFIG_ARM64_CONTPTE; arch/arm64/mm/
// contpte.c): a naturally aligned block of PTEs mapping one large folio with
// the same permissions is folded into a contiguous group by the architecture
// (contpte_set_ptes / contpte_try_fold) and unfolded before part of it
// changes (contpte_try_unfold). Other formats never fold on their own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Kind } from '../src/arch/index.js';
import { runFiles, type Io } from '../src/cli/commands.js';
import { checkInvariants } from '../src/mm/invariants.js';
import type { Kernel } from '../src/mm/kernel.js';
import { WalkState } from '../src/walk/walker.js';
import { runLikeCli } from './helpers/scenario.js';

/** Leaf sizes (in pages) at each page from the first VMA's start to the last VMA's end, and whether the entry has the CONT attribute. */
function layout(text: string, proc = 0): { k: Kernel; npages: number[]; cont: boolean[] } {
  const r = runLikeCli(text, 'c.mms');
  assert.equal(r.error, undefined, r.error);
  const k = r.kernel as Kernel;
  const mm = [...k.procs.values()][proc];
  const st = new WalkState(k.fmt.nlevels);
  const npages: number[] = [];
  const cont: boolean[] = [];
  for (let p = mm.vmas[0].start; p < mm.vmas[mm.vmas.length - 1].end; p++) {
    const kind = k.walker.seek(mm, p, st);
    npages.push(kind === Kind.LEAF ? st.npages : 0);
    cont.push(kind === Kind.LEAF && k.fmt.codec.has(st.lo, st.hi, Attr.CONT));
  }
  assert.deepEqual(checkInvariants(k), []);
  return { k, npages, cont };
}

const runs = (a: number[]): string => {
  const out: string[] = [];
  for (let i = 0; i < a.length; ) {
    let j = i;
    while (j < a.length && a[j] === a[i]) j++;
    out.push(`${a[i]}x${j - i}`);
    i = j;
  }
  return out.join(' ');
};

const MTHP = ['set mthp.64K=always', 'A = mmap 256K rw private anon', 'write A+0 256K'];

describe('arm64 contpte folding', () => {
  it('an mTHP fault maps each 64K folio as one contiguous block on arm64-4k; x86-64 and riscv do not fold', () => {
    assert.equal(runs(layout(['arch arm64-4k', ...MTHP].join('\n')).npages), '16x64');
    assert.ok(layout(['arch arm64-4k', ...MTHP].join('\n')).cont.every((c) => c));
    assert.equal(runs(layout(['arch x86_64', ...MTHP].join('\n')).npages), '1x64');
    assert.equal(runs(layout(['arch riscv64-sv48', ...MTHP].join('\n')).npages), '1x64');
  });

  it('a COW write to one page unfolds its block only; the child keeps its blocks', () => {
    const text = ['arch arm64-4k', ...MTHP, 'fork child', 'write A+20K 4K'].join('\n');
    assert.equal(runs(layout(text).npages), '1x16 16x48');
    assert.equal(runs(layout(text, 1).npages), '16x64');
  });

  it('mprotect of one page unfolds the block; protecting it back refolds it only through its last entry', () => {
    const base = ['arch arm64-4k', ...MTHP];
    assert.equal(runs(layout([...base, 'mprotect A+68K 4K r'].join('\n')).npages), '16x16 1x16 16x32');
    assert.equal(runs(layout([...base, 'mprotect A+68K 4K r', 'mprotect A+68K 4K rw'].join('\n')).npages), '16x16 1x16 16x32');
    assert.equal(runs(layout([...base, 'mprotect A+124K 4K r', 'mprotect A+124K 4K rw'].join('\n')).npages), '16x64');
  });

  it('a split THP becomes 32 folded blocks (set_pte_at -> contpte_try_fold); a block refolds only when its last entry is rewritten', () => {
    // mprotect of A+0 splits the PMD (VMA split); its block unfolds, and protecting entry 0 back
    // does not refold it: contpte_try_fold looks only at a block's last entry.
    const thp = ['arch arm64-4k', 'A = mmap 2M rw private anon', 'madvise A+0 2M hugepage', 'write A+0 2M', 'mprotect A+0 4K r', 'mprotect A+0 4K rw'];
    assert.equal(runs(layout(thp.join('\n')).npages), '1x16 16x496');
    assert.equal(runs(layout([...thp, 'mprotect A+60K 4K r', 'mprotect A+60K 4K rw'].join('\n')).npages), '16x512');
    assert.equal(runs(layout([...thp, 'madvise A+1M 4K dontneed'].join('\n')).npages), '1x16 16x240 0x1 1x15 16x240');
  });

  it('granule sizes: 128 x 16K and 32 x 64K blocks of 2M folios', () => {
    assert.equal(runs(layout(['arch arm64-16k', 'set mthp.2M=always', 'A = mmap 4M rw private anon', 'write A+0 4M'].join('\n')).npages), '128x256');
    assert.equal(runs(layout(['arch arm64-64k', 'set mthp.2M=always', 'A = mmap 4M rw private anon', 'write A+0 4M'].join('\n')).npages), '32x64');
  });

  it('a maybe-pinned folio is copied page by page at fork: the parent block unfolds, the child maps small copies', () => {
    const text = ['arch arm64-4k', ...MTHP, 'pin A+0 4K as p', 'fork child'].join('\n');
    assert.equal(runs(layout(text).npages), '1x16 16x48');
  });

  it('MADV_COLLAPSE copies each page of a folded block from its own frame', () => {
    const r = runLikeCli([
      'arch arm64-4k', 'set mthp.64K=always', 'A = mmap 2M rw private anon',
      'write A+0 64K value=1', 'write A+20K 4K value=7', 'write A+64K 64K value=3',
      'madvise A+0 2M collapse',
      'assert content A+20K 4K == 7', 'assert content A+24K 4K == 1', 'assert content A+68K 4K == 3',
      'assert pagemap A+0 2M kpf_thp',
    ].join('\n'), 'col.mms');
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.exitCode, 0);
  });

  it('the hardware walk of a folded block sees one 64K page (vtop agrees with the model)', () => {
    const out: string[] = [];
    const io: Io = { readFile: () => ['arch arm64-4k', ...MTHP].join('\n'), out: (s) => out.push(s), err: (s) => out.push(s) };
    assert.equal(runFiles(['vtop', 'c.mms', 'A+72K'], io), 0);
    assert.match(out.join(''), / CONT .*-> 64K page/);
    assert.match(out.join(''), /model: leaf at pte \(16 base pages\)/);
    assert.doesNotMatch(out.join(''), /MISMATCH/);
  });
});
