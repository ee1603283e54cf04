// remap_pfn_range: the vm_pgoff linearity rule for COW mappings, special
// entries with no refcount, and COW into normal pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Kind } from '../src/arch/index.js';
import { KernelError } from '../src/mm/errno.js';
import { access } from '../src/mm/fault.js';
import { checkInvariants } from '../src/mm/invariants.js';
import { Kernel } from '../src/mm/kernel.js';
import { DEVICE_PFN_BASE, remapPfnRange } from '../src/mm/pfnmap.js';
import { MAP, PROT, mmap, munmap } from '../src/mm/syscalls.js';
import { VM } from '../src/mm/vma.js';
import { vmNormalPage } from '../src/views/normal_page.js';

function setup(flags: number) {
  const k = new Kernel();
  const mm = k.spawn('main');
  const a = mmap(k, mm, { length: 16 * 4096, prot: PROT.READ | PROT.WRITE, flags: flags | MAP.ANONYMOUS });
  const vma = mm.vmaAt(a / 4096);
  assert.ok(vma);
  return { k, mm, a, vma };
}

test('a COW mapping must be remapped whole, and vm_pgoff becomes the first pfn', () => {
  const { k, mm, vma } = setup(MAP.PRIVATE);
  const pfn = DEVICE_PFN_BASE + 4096;
  assert.throws(() => remapPfnRange(k, mm, vma, vma.start + 1, pfn, 4), (e: unknown) => e instanceof KernelError && e.code === 'EINVAL');
  remapPfnRange(k, mm, vma, vma.start, pfn, vma.pages);
  assert.equal(vma.pgoff, pfn);
  assert.ok(vma.has(VM.PFNMAP) && vma.has(VM.IO) && vma.has(VM.DONTEXPAND) && vma.has(VM.DONTDUMP));
  assert.equal(k.lookup(mm, vma.start + 3), Kind.LEAF);
  const c = k.fmt.codec;
  assert.equal(c.pfn(k.st.lo, k.st.hi), pfn + 3);
  assert.equal(c.has(k.st.lo, k.st.hi, Attr.SPECIAL), true);
  assert.equal(c.has(k.st.lo, k.st.hi, Attr.WRITE), false, 'COW mappings map raw pfns read-only');
  assert.equal(vmNormalPage(k, vma, vma.start + 3, k.st.lo, k.st.hi, 0), -1);
  assert.deepEqual([...mm.rss], [0, 0, 0, 0]);
  assert.deepEqual(checkInvariants(k), []);
});

test('a write COWs the raw pfn into a normal anonymous page; zap leaves no counts behind', () => {
  const { k, mm, a, vma } = setup(MAP.PRIVATE);
  remapPfnRange(k, mm, vma, vma.start, DEVICE_PFN_BASE, vma.pages);
  access(k, mm, vma.start + 2, true, 77);
  assert.equal(k.lookup(mm, vma.start + 2), Kind.LEAF);
  const page = vmNormalPage(k, vma, vma.start + 2, k.st.lo, k.st.hi, 0);
  assert.ok(page >= 0 && k.mem.isFolioPage(page), 'the COWed page is normal');
  assert.equal(access(k, mm, vma.start + 2, false), 77);
  assert.equal(mm.rss[1], 1, 'one anonymous page');
  assert.deepEqual(checkInvariants(k), []);
  munmap(k, mm, a, 16 * 4096);
  assert.deepEqual([...mm.rss], [0, 0, 0, 0]);
  assert.deepEqual(checkInvariants(k), []);
});

test('a shared mapping may be remapped in part and stays writable; vm_pgoff is untouched', () => {
  const { k, mm, vma } = setup(MAP.SHARED);
  const pgoff = vma.pgoff;
  remapPfnRange(k, mm, vma, vma.start + 4, DEVICE_PFN_BASE + 8, 4);
  assert.equal(vma.pgoff, pgoff);
  assert.equal(k.lookup(mm, vma.start + 5), Kind.LEAF);
  assert.equal(k.fmt.codec.has(k.st.lo, k.st.hi, Attr.WRITE), true);
  assert.equal(k.lookup(mm, vma.start), Kind.NONE);
  assert.throws(() => remapPfnRange(k, mm, vma, vma.start + 4, DEVICE_PFN_BASE, 1), (e: unknown) => e instanceof KernelError && e.code === 'EBUSY');
  assert.deepEqual(checkInvariants(k), []);
});
