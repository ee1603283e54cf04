// Smoke test of the benchmark's workloads (bench/): at a tiny size, every
// variant (generic walker, hand-specialised TS walker, C baseline when gcc is
// there) must compute the same, nonzero checksum as the tree builder. No
// timing assertions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TINY_SIZES, setup, verify } from '../bench/workloads.js';

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
