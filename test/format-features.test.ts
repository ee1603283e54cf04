// Features some architectures lack, and the errors Linux 6.18 gives for them
// there, on every format that lacks them (values, and no state change: the
// address space snapshot is equal before and after, invariants hold):
// - uffd-wp (no uffd-wp bit: book3s64, 8xx; fs/userfaultfd.c): UFFDIO_API
//   refuses WP_UNPOPULATED, WP_ASYNC and WP_HUGETLBFS_SHMEM, UFFDIO_REGISTER
//   refuses MODE_WP, both with EINVAL; a process with no userfaultfd gets
//   EINVAL for `uffd ... wp` in a scenario. Minor faults (powerpc has no
//   CONFIG_HAVE_ARCH_USERFAULTFD_MINOR) likewise.
// - soft-dirty (no CONFIG_MEM_SOFT_DIRTY in the model; arm64 and the 8xx have
//   no bit at all): pagemap bit 55 and PAGE_IS_SOFT_DIRTY never show.
// - THP (the 8xx: no CONFIG_TRANSPARENT_HUGEPAGE): MADV_HUGEPAGE,
//   MADV_NOHUGEPAGE and MADV_COLLAPSE are EINVAL (mm/madvise.c
//   madvise_behavior_valid), `set thp...`/`set mthp...` is a scenario error,
//   THPeligible is 0 and faults never map a PMD leaf.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, Kind, formatNames, getFormat } from '../src/arch/index.js';
import { checkInvariants } from '../src/mm/invariants.js';
import { Kernel, type KernelOptions } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { MAP, PROT, madvise, mmap, mprotect, writeRange } from '../src/mm/syscalls.js';
import { hasThp } from '../src/mm/thp.js';
import { newUffdCtx, uffdApi, uffdMinorSupported, uffdRegister, uffdWpSupported, uffdWriteProtect } from '../src/mm/uffd.js';
import { VM } from '../src/mm/vma.js';
import { migrateRange } from '../src/mm/migrate.js';
import { Leaf, decodeSoftleaf, makeMigrationEntry, migYoung, newSoftleaf } from '../src/mm/softleaf.js';
import { swapOn } from '../src/mm/swap.js';
import { PM, SCAN, pageInfo } from '../src/views/pagemap.js';
import { smaps } from '../src/views/smaps.js';
import { fails, snapshot } from './helpers/mm.js';
import { runLikeCli } from './helpers/scenario.js';

const NO_UFFD_WP = formatNames().filter((n) => !getFormat(n).codec.supports(Attr.UFFD_WP));
const NO_SOFT_DIRTY = formatNames().filter((n) => !getFormat(n).codec.supports(Attr.SOFT_DIRTY));
const NO_THP = formatNames().filter((n) => !hasThp(getFormat(n)));
const PPC = formatNames().filter((n) => n.startsWith('ppc'));

/** A kernel, one process and one private anonymous (or shared: shmem) region of 16 base pages at 256M, written. */
function setup(arch: string, opts: KernelOptions = {}, shared = false): { k: Kernel; mm: Mm; addr: number; start: number; end: number } {
  const k = new Kernel({ ...opts, arch });
  const mm = k.spawn('main');
  const len = 16 * k.pageSize;
  const addr = mmap(k, mm, { addr: 256 << 20, length: len, prot: PROT.READ | PROT.WRITE, flags: (shared ? MAP.SHARED : MAP.PRIVATE) | MAP.ANONYMOUS | MAP.FIXED });
  writeRange(k, mm, addr, len, (i) => i + 1);
  const start = addr / k.pageSize;
  return { k, mm, addr, start, end: start + 16 };
}

/** `fn` fails with `code` and changes nothing user space can see. */
function refused(k: Kernel, fn: () => unknown, code: 'EINVAL', what: string): void {
  const before = snapshot(k);
  fails(fn, code, what);
  assert.deepEqual(snapshot(k), before, `${what}: state changed`);
  assert.deepEqual(checkInvariants(k), [], what);
}

describe('the formats that lack a feature', () => {
  it('are the ones the architectures say', () => {
    // book3s64 and the 8xx do not select HAVE_ARCH_USERFAULTFD_WP; arm64 has no soft-dirty bit
    // (and the 8xx none); only book3s64 among powerpc has THP.
    assert.deepEqual(NO_UFFD_WP, PPC);
    assert.deepEqual(NO_SOFT_DIRTY, formatNames().filter((n) => n.startsWith('arm64') || n === 'ppc-8xx'));
    assert.deepEqual(NO_THP, ['ppc-8xx']);
    for (const n of formatNames()) {
      const k = new Kernel({ arch: n });
      assert.equal(uffdWpSupported(k), !NO_UFFD_WP.includes(n), n);
      assert.equal(uffdMinorSupported(k), !PPC.includes(n), n);
    }
  });
});

describe('uffd-wp without a uffd-wp bit: EINVAL, nothing changes', () => {
  for (const arch of NO_UFFD_WP) {
    it(arch, () => {
      const { k, mm, start, end } = setup(arch);
      // UFFDIO_API: the WP features are not offered.
      refused(k, () => uffdApi(k, { wpUnpopulated: true }), 'EINVAL', 'WP_UNPOPULATED');
      refused(k, () => uffdApi(k, { async: true }), 'EINVAL', 'WP_ASYNC');
      refused(k, () => uffdApi(k, { wpHugetlbfsShmem: true }), 'EINVAL', 'WP_HUGETLBFS_SHMEM');
      // UFFDIO_REGISTER_MODE_WP, alone or with missing, on anonymous memory and on shmem.
      refused(k, () => uffdRegister(k, mm, start, end, { wp: true, missing: false, minor: false }, uffdApi(k, {})), 'EINVAL', 'MODE_WP');
      refused(k, () => uffdRegister(k, mm, start, end, { wp: true, missing: true, minor: false }, newUffdCtx({})), 'EINVAL', 'MODE_WP|MISSING');
      const sh = setup(arch, {}, true);
      refused(sh.k, () => uffdRegister(sh.k, sh.mm, sh.start, sh.end, { wp: true, missing: false, minor: false }, newUffdCtx({})), 'EINVAL', 'MODE_WP on shmem');
      // The checks come before the range: even an unmapped range is EINVAL for MODE_WP.
      refused(k, () => uffdRegister(k, mm, end + 64, end + 80, { wp: true, missing: false, minor: false }, newUffdCtx({})), 'EINVAL', 'MODE_WP unmapped');
      // Missing faults need no uffd-wp: they register, and UFFDIO_WRITEPROTECT then finds no wp VMA.
      uffdRegister(k, mm, start, end, { wp: false, missing: true, minor: false }, uffdApi(k, { eventFork: true }));
      assert.ok(mm.vmaAt(start)?.has(VM.UFFD_MISSING));
      assert.ok(!mm.vmaAt(start)?.has(VM.UFFD_WP));
      const before = snapshot(k);
      fails(() => uffdWriteProtect(k, mm, start, end, true), 'ENOENT');
      assert.deepEqual(snapshot(k), before);
      assert.deepEqual(checkInvariants(k), []);
    });
  }

  for (const arch of [...NO_UFFD_WP, 'x86_64', 'arm64-4k', 'riscv64-sv48']) {
    it(`${arch}: the scenario reports the errno`, () => {
      const lacks = NO_UFFD_WP.includes(arch);
      const text = [
        `arch ${arch}`,
        'A = mmap 256K rw private anon',
        'write A+0 256K',
        `${lacks ? 'expect EINVAL ' : ''}uffd A+0 256K register missing async`,
        'B = mmap 256K rw private anon',
        'write B+0 256K',
        `${lacks ? 'expect EINVAL ' : ''}uffd B+0 256K register wp wp_unpopulated`,
        `${lacks ? 'expect EINVAL ' : ''}uffd B+0 64K wp`,
        'C = mmap 256K rw shared anon',
        'uffd C+0 256K register wp',
        'assert pagemap B+64K 192K present !uffd_wp',
        'write B+0 4K value=9',
        'assert content B+0 4K == 9',
      ].join('\n');
      const r = runLikeCli(text, 't.mms');
      assert.equal(r.error, undefined);
      assert.equal(r.exitCode, 0);
      // Without uffd-wp only the registration without `expect` prints its errno; with it, the write to B+0 is a wp fault.
      assert.equal(r.output, lacks ? '! line 10: uffd: EINVAL\n' : 'uffd: wp fault at B+0 (main)\n');
    });
  }
});

describe('uffd minor faults on powerpc: EINVAL, nothing changes', () => {
  for (const arch of [...PPC, 'x86_64']) {
    it(arch, () => {
      const { k, mm, start, end } = setup(arch, {}, true);
      if (!PPC.includes(arch)) {
        uffdRegister(k, mm, start, end, { wp: false, missing: false, minor: true }, uffdApi(k, { minorShmem: true }));
        assert.ok(mm.vmaAt(start)?.has(VM.UFFD_MINOR));
        return;
      }
      refused(k, () => uffdApi(k, { minorShmem: true }), 'EINVAL', 'MINOR_SHMEM');
      refused(k, () => uffdRegister(k, mm, start, end, { wp: false, missing: false, minor: true }, newUffdCtx({})), 'EINVAL', 'MODE_MINOR');
      const r = runLikeCli(`arch ${arch}\nA = mmap 256K rw shared anon\nexpect EINVAL uffd A+0 256K register minor\n`, 't.mms');
      assert.equal(r.exitCode, 0, r.error);
    });
  }
});

describe('soft-dirty: never reported (no CONFIG_MEM_SOFT_DIRTY), on formats with and without the bit', () => {
  for (const arch of [...NO_SOFT_DIRTY, 'x86_64', 'riscv64-sv39', 'ppc64-radix-4k']) {
    it(arch, () => {
      const { k, mm, addr, start, end } = setup(arch, { thp: 'never' });
      swapOn(k);
      // Every path that carries a soft-dirty bit in Linux: write faults, mprotect, swap out and in, migration.
      mprotect(k, mm, addr, 4 * k.pageSize, PROT.READ);
      mprotect(k, mm, addr, 4 * k.pageSize, PROT.READ | PROT.WRITE);
      writeRange(k, mm, addr, 4 * k.pageSize, () => 5);
      madvise(k, mm, addr + 4 * k.pageSize, 4 * k.pageSize, 'pageout');
      writeRange(k, mm, addr + 4 * k.pageSize, k.pageSize, () => 6);
      migrateRange(k, mm, start + 8, start + 12);
      const info = pageInfo(k, mm, start, end - start);
      for (let i = 0; i < end - start; i++) {
        assert.equal(info.pm[i] & PM.SOFT_DIRTY, 0, `${arch} page ${i}: pagemap bit 55`);
        if (info.scan[i] >= 0) assert.equal(info.scan[i] & SCAN.SOFT_DIRTY, 0, `${arch} page ${i}: PAGE_IS_SOFT_DIRTY`);
      }
      assert.ok(info.pm.some((p) => (p & PM.SWAP) !== 0), 'a page is still swapped out');
      assert.ok(!mm.vmas.some((v) => v.has(VM.SOFTDIRTY)), 'VM_SOFTDIRTY');
      const r = runLikeCli(`arch ${arch}\nset swap=on\nA = mmap 256K rw private anon\nwrite A+0 256K\nmadvise A+0 64K pageout\nassert pagemap A+0 256K !soft_dirty\n`, 't.mms');
      assert.equal(r.exitCode, 0, r.error);
      assert.deepEqual(checkInvariants(k), []);
    });
  }
});

describe('migration entries on every format', () => {
  it('migrate works everywhere; young/dirty ride above the pfn only where the swap offset has room (migration_entry_supports_ad)', () => {
    for (const arch of formatNames()) {
      const { k, mm, start, end } = setup(arch, { thp: 'never' });
      migrateRange(k, mm, start, end);
      assert.deepEqual(checkInvariants(k), [], arch);
      const c = k.fmt.codec;
      const fits = c.spec.swap.offsetBits >= c.spec.pfnBits + 2;
      assert.equal(migYoung(c), fits ? 2 ** c.spec.pfnBits : 0, arch);
      // A young, dirty writable migration entry decodes back to its pfn, with A/D only where carried.
      const pfn = 2 ** Math.min(c.spec.pfnBits, c.spec.swap.offsetBits) - 3;
      const e = makeMigrationEntry(c, pfn, true, true, true, true, 0);
      const l = decodeSoftleaf(c, e.lo, e.hi, 0, newSoftleaf());
      assert.deepEqual([l.kind, l.offset, l.writable, l.young, l.dirty], [Leaf.MIGRATION, pfn, true, fits, fits], arch);
    }
    assert.equal(migYoung(getFormat('ppc-8xx').codec), 2 ** 20, '8xx: 20-bit pfns, A/D at offset bits 20/21 of 24');
    assert.equal(migYoung(getFormat('x86_64').codec), 2 ** 40, 'x86-64: SWP_PFN_BITS 40');
  });
});

describe('no THP on the 8xx: EINVAL, nothing changes; no PMD leaves', () => {
  for (const arch of NO_THP) {
    it(`${arch}: madvise`, () => {
      const { k, mm, addr } = setup(arch, { thp: 'always' });
      const P = k.pageSize;
      for (const advice of ['hugepage', 'nohugepage', 'collapse'] as const) {
        refused(k, () => madvise(k, mm, addr, 16 * P, advice), 'EINVAL', advice);
        // is_valid_madvise: before the range is looked at, so also for length 0 and unmapped ranges.
        refused(k, () => madvise(k, mm, addr, 0, advice), 'EINVAL', `${advice} length 0`);
        refused(k, () => madvise(k, mm, addr + 64 * P, 16 * P, advice), 'EINVAL', `${advice} unmapped`);
      }
      // Other advice still works.
      madvise(k, mm, addr, 16 * P, 'dontfork');
      assert.ok(mm.vmaAt(addr / P)?.has(VM.DONTCOPY));
    });

    it(`${arch}: faults map base pages only, THPeligible 0`, () => {
      // thp=always even: the model's option is the sysfs knob a THP kernel would have.
      const k = new Kernel({ arch, thp: 'always', mthp: { [16 * 1024]: 'always', [64 * 1024]: 'always' } });
      const mm = k.spawn('main');
      const span = k.fmt.pagesPerEntry[1] * k.pageSize;
      const addr = mmap(k, mm, { addr: 4 * span, length: 2 * span, prot: PROT.READ | PROT.WRITE, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED });
      writeRange(k, mm, addr, span, (i) => i);
      for (let i = 0; i < span / k.pageSize; i += 97) {
        assert.equal(k.lookup(mm, addr / k.pageSize + i), Kind.LEAF);
        assert.equal(k.st.level, 0);
      }
      for (const v of mm.vmas) {
        const s = smaps(k, mm, v);
        assert.equal(s.thpEligible, 0);
        assert.equal(s.fields.AnonHugePages, 0);
      }
      assert.deepEqual(checkInvariants(k), []);
    });

    it(`${arch}: set thp / mthp is a scenario error at its line`, () => {
      for (const [line, key] of [['set thp=always', 'thp'], ['set thp=never', 'thp'], ['set thp.zero_page=off', 'thp.zero_page'], ['set mthp.64K=always', 'mthp.64K']]) {
        const r = runLikeCli(`# no THP\narch ${arch}\n${line}\nA = mmap 256K rw private anon\n`, 't.mms');
        assert.equal(r.exitCode, 2);
        assert.equal(r.error, `t.mms:3:1: ${arch} has no transparent huge pages (set ${key})`);
      }
      const r = runLikeCli(
        [`arch ${arch}`, 'A = mmap 8M rw private anon', 'expect EINVAL madvise A+0 8M hugepage', 'expect EINVAL madvise A+0 8M collapse',
          'expect EINVAL madvise A+0 8M nohugepage', 'write A+0 8M', 'assert smaps A+0 THPeligible == 0', 'assert smaps A+0 AnonHugePages == 0',
          'assert pagemap A+0 8M present !kpf_thp'].join('\n'),
        't.mms',
      );
      assert.equal(r.error, undefined);
      assert.equal(r.exitCode, 0);
    });
  }

  it('formats with THP accept the advice (x86_64, ppc64-radix-4k)', () => {
    for (const arch of ['x86_64', 'ppc64-radix-4k']) {
      const { k, mm, addr } = setup(arch);
      madvise(k, mm, addr, 16 * k.pageSize, 'hugepage');
      assert.ok(mm.vmaAt(addr / k.pageSize)?.has(VM.HUGEPAGE), arch);
      const r = runLikeCli(`arch ${arch}\nset thp=always\nA = mmap 4M rw private anon\nwrite A+0 4M\nassert smaps A+0 THPeligible == 1\n`, 't.mms');
      assert.equal(r.exitCode, 0, r.error);
    }
  });
});
