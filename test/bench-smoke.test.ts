// Smoke test of the benchmark's workloads (bench/): at a tiny size, every
// variant (generic walker, hand-specialised TS walker, C baseline when gcc is
// there) must compute the same, nonzero checksum as the tree builder; on
// every registered format (--all-formats) the trees build inside the user
// space and walk with the builder's checksums; and a walk over a region
// mapped by contiguous groups calls leaf() exactly once per group. No timing
// assertions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNames, getFormat } from '../src/arch/index.js';
import { GenericLeafWalk } from '../bench/generic.js';
import { buildGroups } from '../bench/tree.js';
import { TINY_SIZES, groupSizes, setup, setupAll, verify } from '../bench/workloads.js';

test('bench workloads: x86_64 variants agree with the builder (C when gcc is present)', async () => {
  const s = setup('x86_64', TINY_SIZES, true);
  try {
    assert.equal(s.workloads.length, 3);
    for (const w of s.workloads) {
      assert.ok(w.expected.n > 0 && w.expected.s > 0 && w.expected.v > 0 && w.expected.w > 0, `${w.name}: empty checksum`);
      assert.ok(w.expected.w < w.expected.n, `${w.name}: flags are not random`);
      const names = w.variants.map((v) => v.name);
      assert.deepEqual(names.slice(0, 2), ['generic', 'specialised']);
      if (s.c !== null) assert.equal(names[2], 'c');
      await verify(w); // throws on any mismatch
      for (const v of w.variants) assert.ok(v.last.equals(w.expected), `${w.name}/${v.name}: ${v.last.toString()} != ${w.expected.toString()}`);
    }
    // Tree B really mixes leaf sizes: fewer leaves than a fully 4K-mapped range.
    assert.ok(s.treeB.expected.n < s.treeB.pages * 0.9);
  } finally {
    if (s.c !== null) await s.c.close();
  }
});

test('bench workloads: the generic walker on the other formats', async () => {
  for (const arch of ['x86_64-la57', 'arm64-4k', 'arm64-16k', 'arm64-64k']) {
    const s = setup(arch, TINY_SIZES, true);
    assert.equal(s.c, null);
    for (const w of s.workloads) {
      assert.deepEqual(w.variants.map((v) => v.name), ['generic']);
      assert.ok(w.expected.n > 0 && w.expected.s > 0 && w.expected.v > 0, `${arch} ${w.name}: empty checksum`);
      await verify(w);
    }
  }
});

test('bench --all-formats: every registered format builds its trees and walks them with the builder\'s checksums', async () => {
  const s = setupAll(TINY_SIZES);
  assert.deepEqual(s.formats.map((f) => f.fmt.name), formatNames());
  assert.deepEqual(s.workloads.map((w) => w.name), ['full', 'mixed', 'seek']);
  for (const w of s.workloads) {
    assert.deepEqual(w.variants.map((v) => v.name), formatNames());
    await verify(w); // throws on any mismatch; each variant has its own expected sums
    for (const v of w.variants) {
      assert.ok(v.expected && v.last.equals(v.expected), `${w.name}/${v.name}`);
      assert.ok(v.expected.n > 0 && v.expected.s > 0 && v.expected.v > 0 && v.expected.w > 0, `${w.name}/${v.name}: empty checksum`);
      assert.ok(v.expected.w < v.expected.n, `${w.name}/${v.name}: flags are not random`);
    }
  }
  for (const f of s.formats) {
    const name = f.fmt.name;
    for (const t of [f.treeA, f.treeB]) assert.ok(t.startVpn + t.pages <= f.fmt.userPages, `${name}: tree outside the user space`);
    // Tree B mixes leaf sizes where the format has huge leaves; on ppc-8xx (no PMD leaves) it is PTE tables only.
    if (f.fmt.leafAllowed[1] === 1) assert.ok(f.treeB.expected.n < f.treeB.pages * 0.9, `${name}: tree B has no huge leaves`);
  }
  // The groups workloads exist exactly for the formats with groups, and are consistent.
  const withGroups = formatNames().filter((a) => groupSizes(getFormat(a)).length > 0);
  assert.deepEqual([...new Set(s.groups.map((g) => g.fmt.name))], withGroups);
  for (const a of ['arm64-4k', 'arm64-16k', 'arm64-64k', 'riscv64-sv39', 'riscv64-sv48', 'riscv64-sv57', 'ppc-8xx']) {
    if (formatNames().includes(a)) assert.ok(withGroups.includes(a), `${a} has contiguous groups`);
  }
  for (const g of s.groups) {
    assert.equal(g.groupLeafCalls, g.grouped.groups, `${g.workload.name}: one leaf() per group`);
    assert.equal(g.badNpages, 0, `${g.workload.name}: group npages`);
    assert.equal(g.plainLeafCalls, g.plain.leafEntries, `${g.workload.name}: one leaf() per plain entry`);
    await verify(g.workload);
  }
});

test('bench groups: a walk over a group-mapped region calls leaf() once per group, with the whole group', () => {
  let checked = 0;
  for (const arch of formatNames()) {
    const fmt = getFormat(arch);
    for (const g of groupSizes(fmt)) {
      const ppe = fmt.pagesPerEntry[g.level];
      const groups = 8;
      const t = buildGroups(fmt, g.level, g.cont, groups * g.cont, true, 9, g.attrs);
      assert.equal(t.groups, groups);
      const walk = new GenericLeafWalk(t.walker, t.root, t.startVpn, t.pages, g.cont * ppe);
      const sum = walk.run();
      const label = `${arch} ${g.cont} x level ${g.level}`;
      assert.equal(walk.visitor.calls, groups, `${label}: leaf() calls`);
      assert.equal(walk.visitor.badNpages, 0, `${label}: npages of each call`);
      assert.ok(sum.equals(t.expected), `${label}: ${sum.toString()} != ${t.expected.toString()}`);
      // The same pfns without the group bits: one leaf() per entry.
      const p = buildGroups(fmt, g.level, g.cont, groups * g.cont, false, 9, g.attrs);
      const pw = new GenericLeafWalk(p.walker, p.root, p.startVpn, p.pages, ppe);
      assert.ok(pw.run().equals(p.expected), `${label}: plain checksum`);
      assert.equal(pw.visitor.calls, groups * g.cont, `${label}: plain leaf() calls`);
      // A walk that starts inside a group still reports it once, whole.
      const mid = new GenericLeafWalk(t.walker, t.root, t.startVpn + ppe, g.cont * ppe, g.cont * ppe);
      mid.run();
      assert.equal(mid.visitor.calls, g.cont > 1 ? 2 : 1, `${label}: a range inside the first two groups`);
      assert.equal(mid.visitor.badNpages, 0);
      checked++;
    }
  }
  assert.ok(checked >= 7, `only ${checked} group sizes checked`);
});
