// Shared helpers for the mm behaviour and property tests: one kernel per
// format, fresh address ranges, one-page views (pagemap, PAGEMAP_SCAN,
// kpageflags, kpagecount), failure assertions, state snapshots and the
// end-of-test teardown check.
import assert from 'node:assert/strict';
import { Attr, Kind, formatNames } from '../../src/arch/index.js';
import { FrameKind } from '../../src/mem/phys.js';
import { KernelError, NotSupportedError, type FailureName } from '../../src/mm/errno.js';
import { BaseVisitor, WALK_CONTINUE } from '../../src/walk/walker.js';
import { checkInvariants } from '../../src/mm/invariants.js';
import { Kernel, type KernelOptions } from '../../src/mm/kernel.js';
import type { Mm } from '../../src/mm/mm.js';
import { MAP, PROT, mmap, readRange, writeRange } from '../../src/mm/syscalls.js';
import type { Vma } from '../../src/mm/vma.js';
import { kpagecount, kpageflags, pageInfo } from '../../src/views/pagemap.js';
import { smaps, status, type SmapsField, type Status } from '../../src/views/smaps.js';

/** Every page-table format the model knows. */
export const ARCHES: readonly string[] = formatNames();

const backsUp = new Map<string, boolean>();

/**
 * Whether a range walk on `arch` reports a plain leaf lying wholly before the
 * start of the range. Walker.walkTable used to back up to the first entry of
 * an (arm64) contiguous group even when the entry at the start was not part
 * of a group (fixed in 63dd013); zap and mprotect then took that PTE for a
 * huge leaf and split it forever (runaway table allocation) and fork's copy
 * threw NotSupportedError. Probed with a read-only visitor, so it is safe to
 * call: a regression fails one test instead of exhausting memory.
 */
export function walkBacksUpOverPlainLeaves(arch: string): boolean {
  let r = backsUp.get(arch);
  if (r !== undefined) return r;
  const k = new Kernel({ arch });
  const mm = k.spawn('probe');
  const P = k.pageSize;
  const base = k.fmt.pagesPerEntry[k.fmt.nlevels - 1] * P;
  mmap(k, mm, { addr: base, length: 2 * P, prot: PROT.READ | PROT.WRITE, flags: MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED });
  writeRange(k, mm, base, P, () => 1);
  const start = base / P + 1;
  let outside = false;
  class Probe extends BaseVisitor {
    override leaf(vpn: number, npages: number): number {
      if (vpn + npages <= start) outside = true;
      return WALK_CONTINUE;
    }
  }
  k.walker.walk(mm, start, start + 1, new Probe());
  r = outside;
  backsUp.set(arch, r);
  return r;
}

/** A kernel with one process, and the sizes the tests compute with. */
export class Env {
  readonly k: Kernel;
  readonly mm: Mm;
  /** Base page size in bytes. */
  readonly P: number;
  /** Pages spanned by one PMD entry (one PTE table). */
  readonly span: number;
  /** Bytes spanned by one PMD entry. */
  readonly spanBytes: number;
  /**
   * Pages to align range boundaries to when a populated page may sit just
   * before the range: 1, or the PTE contiguous-group size if the walker bug
   * probed by walkBacksUpOverPlainLeaves comes back (so the rest of the
   * suite still runs instead of exhausting memory).
   */
  readonly grain: number;

  constructor(arch: string, opts: KernelOptions = {}) {
    this.k = new Kernel({ ...opts, arch });
    this.mm = this.k.spawn('main');
    this.P = this.k.pageSize;
    this.span = this.k.fmt.pagesPerEntry[1];
    this.spanBytes = this.span * this.P;
    this.grain = walkBacksUpOverPlainLeaves(arch) ? Math.max(1, this.k.fmt.contEntries[0]) : 1;
  }

  /** The value tag a regular file's page `index` holds: the index of its first 4K page. */
  tag(index: number): number {
    return (index * this.P) / 4096;
  }

  /**
   * The byte address of the i-th (i >= 1) naturally aligned top-level entry:
   * nothing below the pgd exists there until the test maps something, so
   * each slot starts with fresh page tables and no neighbours.
   */
  slot(i: number): number {
    const f = this.k.fmt;
    const bytes = f.pagesPerEntry[f.nlevels - 1] * this.P;
    const addr = i * bytes;
    assert.ok(i >= 1 && (addr + bytes) / this.P <= f.userPages, `slot ${i} is outside the user address space`);
    return addr;
  }

  /** vpn of a byte address. */
  vpn(addr: number): number {
    return addr / this.P;
  }

  /** mmap with MAP_FIXED at `addr`, `pages` long; returns addr. */
  map(addr: number, pages: number, prot: number, flags: number, extra: { fileName?: string; offPages?: number } = {}): number {
    const file = extra.fileName === undefined ? undefined : this.k.files.get(extra.fileName);
    if (extra.fileName !== undefined) assert.ok(file, `no file ${extra.fileName}`);
    const anon = file === undefined ? MAP.ANONYMOUS : 0;
    const r = mmap(this.k, this.mm, {
      addr,
      length: pages * this.P,
      prot,
      flags: flags | MAP.FIXED | anon,
      file,
      offset: (extra.offPages ?? 0) * this.P,
    });
    assert.equal(r, addr);
    return r;
  }

  /** A private anonymous read-write mapping at addr. */
  anon(addr: number, pages: number, prot: number = PROT.READ | PROT.WRITE): number {
    return this.map(addr, pages, prot, MAP.PRIVATE);
  }

  read(addr: number, mm: Mm = this.mm): number {
    const v = readRange(this.k, mm, addr, this.P);
    assert.equal(v.length, 1);
    return v[0];
  }

  write(addr: number, value: number, mm: Mm = this.mm): void {
    writeRange(this.k, mm, addr, this.P, () => value);
  }

  /** pagemap bits, frame and PAGEMAP_SCAN categories of the page at addr. */
  page(addr: number, mm: Mm = this.mm): { pm: number; frame: number; scan: number; count: number; kpf: number } {
    const info = pageInfo(this.k, mm, this.vpn(addr), 1);
    const frame = info.frame[0];
    return { pm: info.pm[0], frame, scan: info.scan[0], count: kpagecount(this.k, frame), kpf: kpageflags(this.k, frame) };
  }

  /** The leaf entry's attributes at addr (-1 if there is no present leaf). */
  attrs(addr: number, mm: Mm = this.mm): number {
    const kind = this.k.lookup(mm, this.vpn(addr));
    if (kind !== Kind.LEAF) return -1;
    return this.k.fmt.codec.attrs(this.k.st.lo, this.k.st.hi);
  }

  writable(addr: number, mm: Mm = this.mm): boolean {
    const a = this.attrs(addr, mm);
    return a >= 0 && (a & Attr.WRITE) !== 0;
  }

  /** The pfn of the PTE table covering addr, or -1 when there is none. */
  pteTable(addr: number, mm: Mm = this.mm): number {
    const w = this.k.walker;
    w.seek(mm, this.vpn(addr), this.k.st, 1);
    const st = this.k.st;
    if (st.level !== 1 || st.kind !== Kind.TABLE) return -1;
    return this.k.fmt.codec.pfn(st.lo, st.hi);
  }

  vmaAt(addr: number, mm: Mm = this.mm): Vma | undefined {
    return mm.vmaAt(this.vpn(addr));
  }

  /** The smaps fields of the VMA containing addr. */
  smaps(addr: number, mm: Mm = this.mm): Record<SmapsField, number> {
    const v = this.vmaAt(addr, mm);
    assert.ok(v, `no VMA at 0x${addr.toString(16)}`);
    return smaps(this.k, mm, v).fields;
  }

  /** VmFlags mnemonics of the VMA containing addr. */
  flags(addr: number, mm: Mm = this.mm): string {
    const v = this.vmaAt(addr, mm);
    assert.ok(v, `no VMA at 0x${addr.toString(16)}`);
    return smaps(this.k, mm, v).vmFlags.join(' ');
  }

  /** [start, end) byte ranges of the VMAs overlapping [addr, addr + bytes). */
  vmas(addr: number, bytes: number, mm: Mm = this.mm): [number, number][] {
    return mm.overlapping(this.vpn(addr), this.vpn(addr + bytes)).map((v) => [v.start * this.P, v.end * this.P]);
  }

  status(mm: Mm = this.mm): Status {
    return status(this.k, mm);
  }

  /** kB of `n` base pages (what status prints). */
  kb(n: number): number {
    return (n * this.P) / 1024;
  }

  /**
   * VmPTE (kB) for these numbers of tables per level: mm_pgtables_bytes >> 10,
   * where only pte, pmd and pud tables count (8 bytes an entry), not the pgd or p4d.
   */
  vmpteKb(tables: ArrayLike<number>): number {
    const f = this.k.fmt;
    let bytes = 0;
    for (let l = 0; l < f.nlevels - 1 && l < tables.length; l++) {
      if (['pte', 'pmd', 'pud'].includes(f.levelNames[l])) bytes += tables[l] * f.entries[l] * f.entryBytes; // sizeof(pte_t): 4 on the 8xx
    }
    return Math.floor(bytes / 1024);
  }
}

/** Assert that `fn` fails with a KernelError of `code`. */
export function fails(fn: () => unknown, code: FailureName, msg?: string): void {
  assert.throws(
    fn,
    (e: unknown) => {
      if (e instanceof NotSupportedError) assert.fail(`${msg ?? ''} NotSupportedError: ${e.message}`);
      assert.ok(e instanceof KernelError, `${msg ?? ''} not a KernelError: ${String(e)}`);
      assert.equal(e.code, code, `${msg ?? ''} ${e.message}`);
      return true;
    },
    msg,
  );
}

/**
 * Everything user space can observe about an address space, as plain data:
 * the VMAs (range, flags, offset, object), the rss and page-table counters,
 * and pagemap for every page of every VMA. Equal snapshots = unchanged state.
 */
export function snapshot(k: Kernel): unknown {
  const out: unknown[] = [];
  for (const mm of k.procs.values()) {
    const vmas = mm.vmas.map((v) => ({ start: v.start, end: v.end, flags: v.flags, pgoff: v.pgoff, object: v.object?.id ?? 0 }));
    const pages: number[][] = [];
    for (const v of mm.vmas) {
      const info = pageInfo(k, mm, v.start, v.pages);
      pages.push([...info.pm], [...info.frame], [...info.scan]);
    }
    out.push({ pid: mm.pid, vmas, rss: [...mm.rss], tables: [...mm.tables], pages });
  }
  return out;
}

/**
 * End of a test: the invariants hold; then every process exits and nothing
 * is left but the page cache of regular files: no page tables, no anonymous
 * or shmem folios, every counter at 0.
 */
export function finish(k: Kernel): void {
  assert.deepEqual(checkInvariants(k), []);
  const mms = [...k.procs.values()];
  for (const mm of mms) k.exitMm(mm);
  assert.deepEqual(checkInvariants(k), []);
  assertTornDown(k, mms);
}

/** After every process exited: counters at 0, only file page cache left. */
export function assertTornDown(k: Kernel, mms: readonly Mm[]): void {
  assert.equal(k.procs.size, 0);
  for (const mm of mms) {
    assert.deepEqual([...mm.rss], [0, 0, 0, 0], `rss of mm ${mm.pid}`);
    assert.deepEqual([...mm.tables], new Array<number>(k.fmt.nlevels).fill(0), `tables of mm ${mm.pid}`);
    assert.equal(mm.hugetlbPages, 0);
  }
  assert.equal(k.walker.store.live, 0, 'page tables still allocated');
  assert.equal(k.mem.inUse[FrameKind.TABLE], 0, 'table frames still in use');
  let cached = 0;
  for (const f of k.files.values()) cached += f.cache.size;
  assert.equal(k.mem.inUse[FrameKind.FOLIO], cached, 'folio frames other than file page cache are left');
  assert.equal(k.objects.size, k.files.size, 'shmem objects are left');
}

/**
 * One kernel, one process, the sizes of the format, and fresh leaf-aligned
 * addresses: the base of the GUP and pfnmap test fixtures.
 */
export class SlotKernel {
  readonly k: Kernel;
  readonly mm: Mm;
  /** Base page bytes. */
  readonly P: number;
  /** Pages in a PMD leaf (HPAGE_PMD_NR). */
  readonly N: number;
  /** Bytes of a PMD leaf. */
  readonly H: number;
  private slots = 0;

  constructor(readonly arch: string) {
    this.k = new Kernel({ arch });
    this.mm = this.k.spawn('main');
    this.P = this.k.pageSize;
    this.N = this.k.fmt.pagesPerEntry[1];
    this.H = this.N * this.P;
  }

  /**
   * A fresh address 16 GiB from the previous one: aligned for every leaf size,
   * no neighbours. A small user space (ppc-8xx: 2 GiB, fmt.userPages) gets
   * 1/32 of it per slot instead, still aligned to its largest entry (4M).
   */
  at(): number {
    return ++this.slots * Math.min(16 * 2 ** 30, (this.k.fmt.userPages * this.P) / 32);
  }
}
