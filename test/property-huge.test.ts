// Random operation sequences over huge pages, checked after every step:
// - THP: MADV_HUGEPAGE/NOHUGEPAGE/COLLAPSE, faults in PMD-aligned ranges
//   (PMD THPs, the huge zero folio, mTHP orders), and 4K operations on parts
//   of them (mprotect, munmap, mremap aligned and unaligned, MADV_DONTNEED,
//   fork, writes after fork, child exit);
// - hugetlb (2M): pool resizing, MAP_HUGETLB private and shared (with and
//   without MAP_NORESERVE), and the huge-alignment rules: unaligned munmap,
//   mprotect, mremap and MADV_DONTNEED are EINVAL.
// Checks: checkInvariants(k) is empty; the hugetlb pool (free, reserved,
// nr_hugepages) follows an independent shadow of reservations and huge
// folios; every access returns the value the shadow predicts (private pages
// diverge at fork, shared hugetlb pages stay shared) or the predicted
// signal; a non-faulting peek at sampled pages agrees with the shadow; the
// VMAs cover exactly the shadow's pages. At the end every process exits:
// the pool is back to its start (free = nr, resv = 0), rss and table
// counters are 0 and nothing but file page cache is left.
//
// Reproduce a failure with MMSIM_HUGE_ARCH=<arch> MMSIM_HUGE_SEED=<seed>
// MMSIM_HUGE_OPS=<n>; the failure message lists the operations.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kind } from '../src/arch/index.js';
import { fork } from '../src/mm/fork.js';
import { pool, setPoolSize } from '../src/mm/hugetlb.js';
import { Kernel, type KernelOptions } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { MAP, MREMAP, PROT, madvise, mmap, mprotect, mremap, munmap, readRange, writeRange, type Advice } from '../src/mm/syscalls.js';
import { hasThp, pmdPages } from '../src/mm/thp.js';
import { VM, type Vma } from '../src/mm/vma.js';
import { Rng } from './helpers/prng.js';
import { RunBase, Stats, assertTornDown, entryState, envArch, envOps, seedsFor, show, type Outcome } from './helpers/prop2/harness.js';

/**
 * Divergences from the kernel that these sequences reproduced. An operation
 * that would hit one is skipped by name (RunBase.knownBug) and counted; the
 * details and proposed patches are in the report that added this file.
 */
export const KNOWN_BUGS: ReadonlyMap<string, string> = new Map<string, string>([
  [
    'hugetlb-cow-owner-livelock',
    'a COW write by the reservation owner of a private hugetlb page, with no free unreserved page, while a fork child maps that page at another address (it mremapped it): unmap_ref_private zaps the children at the owner\'s address only, so the page stays shared and hugetlb_wp retries forever (retry_avoidcopy, mm/hugetlb.c). A kernel livelock the model does not reproduce (it raises SIGBUS); not run on the real kernel.',
  ],
]);

const PREFIX = 'HUGE';
/**
 * Sequences per format (ops each); arm64-64k keeps PMD THP off (512M PMDs) and uses 2M mTHP and cont-PTE hugetlb;
 * arm64-4k folds mTHP blocks (contpte); ppc-8xx has no THP and uses 8M (flagged tables) or 512K (SPS|HUGE) pages,
 * with the hugepd layout in one variant; riscv64-sv48 alternates 2M and 64K (NAPOT) hugetlb pages.
 */
const RUNS: readonly { arch: string; seeds: number; ops: number }[] = [
  { arch: 'x86_64', seeds: 3, ops: 500 },
  { arch: 'arm64-4k', seeds: 2, ops: 450 },
  { arch: 'arm64-64k', seeds: 2, ops: 450 },
  { arch: 'ppc-8xx', seeds: 3, ops: 400 },
  { arch: 'riscv64-sv48', seeds: 2, ops: 400 },
];
const MAX_PROCS = 4;
const HUGE_BYTES = 2 * 1024 * 1024;

/** The hugetlb page size of a sequence: 2M, or on the 8xx 8M (flagged tables) and 512K (a 128-PTE group). */
function hugeBytesFor(arch: string, variant: number): number {
  // riscv: every other sequence uses 64K Svnapot pages (16 identical PTEs).
  if (arch === 'riscv64-sv48') return variant % 2 === 1 ? 64 * 1024 : HUGE_BYTES;
  if (arch !== 'ppc-8xx') return HUGE_BYTES;
  return variant % 3 === 1 ? 512 * 1024 : 8 * 1024 * 1024;
}
const NREG = 6;
const stats = new Stats();

/** Kernel options per sequence: THP policy, huge zero page, mTHP knobs. */
function kernelOptions(arch: string, variant: number): KernelOptions {
  // No THP on the 8xx; its legacy hugepd layout in one variant of three.
  if (arch === 'ppc-8xx') return { hugepd: variant % 3 === 2 };
  if (arch === 'arm64-64k') {
    // The PMD size (512M) stays off; 2M (order 5) and 256K (order 2) mTHP instead.
    return variant % 2 === 0
      ? { thp: 'never', mthp: { [HUGE_BYTES]: 'always', [256 * 1024]: 'madvise' } }
      : { thp: 'never', thpZeroPage: false, mthp: { [HUGE_BYTES]: 'madvise' } };
  }
  switch (variant % 3) {
    case 0:
      return { thp: 'madvise', mthp: { [64 * 1024]: 'always' } };
    case 1:
      return { thp: 'always', thpZeroPage: false };
    default:
      return { thp: 'always', mthp: { [64 * 1024]: 'madvise', [16 * 1024]: 'always' } };
  }
}

type PKind = 'anon' | 'hpriv' | 'hshared';

/** Reservation map of one private hugetlb mapping: huge indices still reserved. */
interface Resv {
  readonly reserved: Set<number>;
}

/** A hugetlb folio in the shadow: how many processes map it, and whether it is exclusive. */
interface HFolio {
  mapcount: number;
  excl: boolean;
  /** HPG_restore_reserve: freeing it gives resv_huge_pages one back. */
  restore: boolean;
}

/** A shared hugetlb file (MAP_SHARED|MAP_HUGETLB): its page cache, reservations and stored values. */
interface HObj {
  readonly key: number;
  readonly cache: Map<number, HFolio>;
  readonly resv: Set<number>;
  readonly store: Map<number, number>;
  /** Shadow pages (in all processes) that map the object. */
  refs: number;
}

/** One base page of one process. */
interface Pg {
  kind: PKind;
  prot: number;
  /** Private content (anon, hpriv). */
  val: number;
  obj: HObj | null;
  /** Page offset in the object (hshared) or in the private hugetlb mapping (hpriv). */
  idx: number;
  resv: Resv | null;
  owner: boolean;
  /** HPAGE_RESV_UNMAPPED on the VMA (hpriv, non-owner): the owner took a page away; faults are SIGBUS. */
  unmapped: boolean;
  /** 0: neither, 1: VM_HUGEPAGE, 2: VM_NOHUGEPAGE. */
  thp: number;
}

interface Proc {
  readonly pid: number;
  readonly mm: Mm;
  readonly pages: Map<number, Pg>;
  /** Private hugetlb folios mapped in this process, by huge page base vpn. */
  readonly hmap: Map<number, HFolio>;
}

type Op =
  | { t: 'mmap'; pid: number; addr: number; len: number; prot: number; kind: PKind; noreserve: boolean; populate: boolean }
  | { t: 'munmap'; pid: number; addr: number; len: number }
  | { t: 'mprotect'; pid: number; addr: number; len: number; prot: number }
  | { t: 'madvise'; pid: number; addr: number; len: number; advice: Advice }
  | { t: 'mremap'; pid: number; addr: number; oldLen: number; newLen: number; flags: number; newAddr: number | null }
  | { t: 'read'; pid: number; addr: number }
  | { t: 'write'; pid: number; addr: number; value: number }
  | { t: 'fork'; pid: number }
  | { t: 'exit'; pid: number }
  | { t: 'pool'; n: number }
  | { t: 'peek'; pid: number };

const PROTS: readonly (readonly [number, number])[] = [
  [8, PROT.READ | PROT.WRITE],
  [2, PROT.READ],
  [1, PROT.NONE],
];

class Run extends RunBase {
  readonly k: Kernel;
  readonly P: number;
  /** Base pages per hugetlb page (2M, or the 8xx size), and per PMD THP. */
  readonly U: number;
  /** hugetlb page size in bytes (this.U pages). */
  readonly H: number;
  readonly hasThp: boolean;
  readonly T: number;
  readonly thpPmd: boolean;
  readonly rng: Rng;
  readonly base: number;
  readonly RS: number;
  readonly procs = new Map<number, Proc>();
  readonly allMms: Mm[] = [];
  readonly mainPid: number;
  // The hugetlb pool in the shadow.
  F = 0;
  R = 0;
  nr = 0;
  readonly startPool: number;
  private nextObj = 1;

  constructor(arch: string, seed: number, variant: number) {
    super(PREFIX, arch, seed, stats, KNOWN_BUGS);
    this.k = new Kernel({ ...kernelOptions(arch, variant), arch });
    const k = this.k;
    this.P = k.pageSize;
    this.H = hugeBytesFor(arch, variant);
    this.U = this.H / this.P;
    this.hasThp = hasThp(k.fmt);
    this.T = pmdPages(k);
    this.thpPmd = this.T === this.U;
    this.rng = new Rng(seed);
    const f = k.fmt;
    // The first vpn of the second top-level slot: fresh tables, no neighbours.
    this.base = f.pagesPerEntry[f.nlevels - 1];
    this.RS = 4 * this.U;
    this.startPool = 6 + this.rng.int(6);
    setPoolSize(k, this.H, this.startPool);
    this.nr = this.F = this.startPool;
    const mm = k.spawn('main');
    this.mainPid = mm.pid;
    this.addProc(mm);
  }

  addProc(mm: Mm): Proc {
    const p: Proc = { pid: mm.pid, mm, pages: new Map(), hmap: new Map() };
    this.procs.set(mm.pid, p);
    this.allMms.push(mm);
    return p;
  }

  proc(pid: number): Proc {
    const p = this.procs.get(pid);
    if (!p) throw new Error(`no process ${pid}`);
    return p;
  }

  // ------------------------------------------------------------ choices

  /** A vpn in the arena: a region, a quarter-huge-page step, sometimes a few pages off. */
  pos(): number {
    const r = this.rng.int(NREG);
    const q = Math.max(1, this.U / 4);
    let v = this.base + r * this.RS + q * this.rng.int(16);
    if (this.rng.chance(0.2)) v += this.rng.range(1, 3);
    return v;
  }

  anyVma(p: Proc): Vma | undefined {
    return p.mm.vmas.length > 0 ? this.rng.pick(p.mm.vmas) : undefined;
  }

  /** A sub-range of a VMA, mostly huge-aligned for hugetlb, sometimes not; or anywhere. */
  range(p: Proc): [number, number] {
    const v = this.anyVma(p);
    if (!v || this.rng.chance(0.1)) return [this.pos(), this.rng.range(1, 3 * this.U)];
    const U = this.U;
    if (v.has(VM.HUGETLB) && this.rng.chance(0.75)) {
      const n = v.pages / U;
      const a = this.rng.int(n);
      const len = U * this.rng.range(1, n - a);
      // Sometimes a length that ends inside a huge page.
      return [v.start + a * U, len - (this.rng.chance(0.15) ? this.rng.range(1, U - 1) : 0)];
    }
    const s = v.start + this.rng.int(v.pages);
    const maxLen = v.end - s;
    let len = this.rng.chance(0.5) ? this.rng.range(1, maxLen) : Math.min(maxLen, this.rng.pick([U / 4, U / 2, U, U + 1].map((x) => Math.max(1, Math.floor(x)))));
    if (this.rng.chance(0.1)) len += this.rng.range(1, U); // past the VMA end
    return [s, len];
  }

  page(p: Proc, write = false): number {
    const ws = write && this.rng.chance(0.7) ? p.mm.vmas.filter((x) => x.has(VM.WRITE)) : [];
    const v = ws.length > 0 ? this.rng.pick(ws) : this.anyVma(p);
    if (v && this.rng.chance(0.9)) {
      // Often the first page of an aligned PMD range, where THP faults happen.
      if (this.rng.chance(0.3)) {
        const a = Math.ceil(v.start / this.U) * this.U;
        if (a < v.end) return a + (this.rng.chance(0.5) ? 0 : this.rng.int(Math.min(this.U, v.end - a)));
      }
      return v.start + this.rng.int(v.pages);
    }
    return this.pos() + this.rng.int(8);
  }

  genOp(): Op {
    const P = this.P;
    const pids = [...this.procs.keys()];
    const pid = this.rng.pick(pids);
    const p = this.proc(pid);
    const kind = this.rng.weighted<string>([
      [10, 'mmap'],
      [5, 'munmap'],
      [6, 'mprotect'],
      [14, 'madvise'],
      [6, 'mremap'],
      [16, 'read'],
      [22, 'write'],
      [this.procs.size < MAX_PROCS ? 3 : 0, 'fork'],
      [this.procs.size > 1 ? 2 : 0, 'exit'],
      [1, 'pool'],
      [2, 'peek'],
    ]);
    switch (kind) {
      case 'mmap': {
        const k = this.rng.weighted<PKind>([
          [5, 'anon'],
          [3, 'hpriv'],
          [2, 'hshared'],
        ]);
        const U = this.U;
        let addr = this.pos();
        let n: number;
        if (k === 'anon') n = this.rng.pick([U / 4, U / 2, U, 2 * U, 3 * U, this.rng.range(1, 2 * U)].map((x) => Math.max(1, Math.floor(x))));
        else {
          if (this.rng.chance(0.85)) addr -= addr % U; // mostly huge-aligned
          n = U * this.rng.range(1, 3) - (this.rng.chance(0.2) ? 1 : 0);
        }
        const len = n * P - (this.rng.chance(0.1) ? 1 : 0);
        return { t: 'mmap', pid, addr: addr * P, len, prot: this.rng.weighted(PROTS), kind: k, noreserve: k !== 'anon' && this.rng.chance(0.2), populate: this.rng.chance(0.15) };
      }
      case 'munmap': {
        const [s, n] = this.range(p);
        return { t: 'munmap', pid, addr: s * P, len: n * P };
      }
      case 'mprotect': {
        const [s, n] = this.range(p);
        return { t: 'mprotect', pid, addr: s * P, len: n * P, prot: this.rng.weighted(PROTS) };
      }
      case 'madvise': {
        let [s, n] = this.range(p);
        const advice = this.rng.weighted<Advice>([
          [5, 'hugepage'],
          [2, 'nohugepage'],
          [this.thpPmd ? 4 : 1, 'collapse'],
          [5, 'dontneed'],
          [2, 'populate_write'],
          [2, 'populate_read'],
        ]);
        if (advice === 'collapse' && this.thpPmd && this.rng.chance(0.7)) {
          // An anonymous VMA that holds a whole PMD range: collapse that range, or the whole VMA.
          const big = p.mm.vmas.filter((v) => !v.has(VM.HUGETLB) && Math.floor(v.end / this.T) * this.T - Math.ceil(v.start / this.T) * this.T >= this.T);
          if (big.length > 0) {
            const v = this.rng.pick(big);
            const a = Math.ceil(v.start / this.T) * this.T;
            [s, n] = this.rng.chance(0.5) ? [a, this.T] : [v.start, v.pages];
          }
        }
        return { t: 'madvise', pid, addr: s * P, len: n * P, advice };
      }
      case 'mremap':
        return this.genMremap(p);
      case 'read':
        return { t: 'read', pid, addr: this.page(p) * P };
      case 'write':
        return { t: 'write', pid, addr: this.page(p, true) * P, value: this.rng.u32() };
      case 'fork':
        return { t: 'fork', pid };
      case 'exit': {
        const others = pids.filter((x) => x !== this.mainPid);
        return { t: 'exit', pid: this.rng.pick(others) };
      }
      case 'pool':
        return { t: 'pool', n: Math.max(0, this.nr + this.rng.range(-3, 3)) };
      default:
        return { t: 'peek', pid };
    }
  }

  genMremap(p: Proc): Op {
    const P = this.P;
    const U = this.U;
    const v = this.anyVma(p);
    if (!v) {
      const s = this.pos();
      return { t: 'mremap', pid: p.pid, addr: s * P, oldLen: U * P, newLen: U * P, flags: MREMAP.MAYMOVE, newAddr: null };
    }
    const huge = v.has(VM.HUGETLB);
    let old: number;
    let oldN: number;
    if (huge && this.rng.chance(0.85)) {
      const n = v.pages / U;
      const a = this.rng.int(n);
      old = v.start + a * U;
      oldN = U * this.rng.range(1, n - a);
      if (this.rng.chance(0.15)) oldN -= this.rng.range(1, U - 1);
    } else {
      old = v.start + this.rng.int(v.pages);
      oldN = this.rng.range(1, v.end - old);
    }
    const mode = this.rng.weighted<string>([
      [3, 'shrink'],
      [3, 'grow'],
      [6, 'fixed'],
      [1, 'dontunmap'],
    ]);
    let newN = oldN;
    let flags = 0;
    let dest: number | null = null;
    if (mode === 'shrink') {
      newN = Math.max(1, oldN - this.rng.range(1, Math.max(1, oldN - 1)));
      if (this.rng.chance(0.5)) flags = MREMAP.MAYMOVE;
    } else if (mode === 'grow') {
      newN = oldN + this.rng.range(1, 2 * U);
      if (this.rng.chance(0.6)) flags = MREMAP.MAYMOVE;
    } else if (mode === 'fixed') {
      if (this.rng.chance(0.3)) newN = Math.max(1, oldN - this.rng.range(0, oldN - 1));
      flags = MREMAP.MAYMOVE | MREMAP.FIXED;
      dest = this.pos();
      // Keep the source's offset within a PMD half of the time (aligned moves).
      if (this.rng.chance(0.5)) dest = dest - (dest % U) + (old % U);
    } else {
      flags = MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP;
      dest = this.pos();
    }
    return { t: 'mremap', pid: p.pid, addr: old * P, oldLen: oldN * P, newLen: newN * P, flags, newAddr: dest === null ? null : dest * P };
  }

  // ----------------------------------------------------- shadow: pages

  hidx(pg: Pg): number {
    return Math.floor(pg.idx / this.U);
  }

  /** Map new pages (the range was unmapped before). */
  mapPages(p: Proc, start: number, n: number, kind: PKind, prot: number, obj: HObj | null, resv: Resv | null): void {
    for (let i = 0; i < n; i++) {
      p.pages.set(start + i, { kind, prot, val: 0, obj, idx: i, resv, owner: resv !== null, unmapped: false, thp: 0 });
      if (obj) obj.refs++;
    }
  }

  /** Splitting the model's VMAs at vpn would split a hugetlb VMA at a non-huge-aligned address (EINVAL). */
  badHugeSplit(p: Proc, vpn: number): boolean {
    const v = p.mm.vmaAt(vpn);
    return v !== undefined && v.has(VM.HUGETLB) && vpn > v.start && vpn % this.U !== 0;
  }

  /**
   * Drop the private hugetlb mapping of the huge page at base in p (zap,
   * __unmap_hugepage_range): in the reservation owner's mapping the folio is
   * flagged to restore a reservation and the index is no longer consumed;
   * the pool's resv count grows when the folio is freed.
   */
  dropHuge(p: Proc, base: number): void {
    const f = p.hmap.get(base);
    if (!f) return;
    p.hmap.delete(base);
    const pg = p.pages.get(base) as Pg;
    if (pg.kind === 'hpriv' && pg.owner && pg.resv) {
      f.restore = true;
      pg.resv.reserved.add(this.hidx(pg));
      this.stats.count('hugetlb owner zap', f.mapcount > 1 ? 'restore pending' : 'restore');
    }
    if (--f.mapcount === 0) {
      this.F++;
      if (f.restore) this.R++;
    }
  }

  /**
   * Unmap [start, start+n) of p as munmap does: zap (huge folios lose a
   * mapping), close (the owner's unused reservations go back), and shared
   * hugetlb objects that lost their last mapping release their pages.
   */
  unmapPages(p: Proc, start: number, n: number): void {
    const objs = new Set<HObj>();
    for (let v = start; v < start + n; v++) {
      const pg = p.pages.get(v);
      if (!pg) continue;
      if (pg.kind === 'hpriv') {
        if (v % this.U === 0) this.dropHuge(p, v);
        if (pg.owner && pg.resv && pg.resv.reserved.delete(this.hidx(pg))) this.R--;
      } else if (pg.kind === 'hshared') {
        const o = pg.obj as HObj;
        o.refs--;
        objs.add(o);
      }
      p.pages.delete(v);
    }
    for (const o of objs) this.maybeRelease(o);
  }

  maybeRelease(o: HObj): void {
    if (o.refs > 0) return;
    this.F += o.cache.size;
    o.cache.clear();
    this.R -= o.resv.size;
    o.resv.clear();
  }

  /** Whether a fault can take a page from the pool without a reservation. */
  get avail(): number {
    return this.F - this.R;
  }

  /**
   * A fault on the hugetlb page holding vpn (hugetlb_fault): returns the
   * outcome, 'known' when the kernel differs in a reproduced way, and
   * applies the pool and folio changes.
   */
  hugeFault(p: Proc, vpn: number, write: boolean, dryRun = false): Outcome | 'known' {
    const pg = p.pages.get(vpn) as Pg;
    const base = vpn - (vpn % this.U);
    const hidx = this.hidx(pg);
    if (pg.kind === 'hshared') {
      const o = pg.obj as HObj;
      if (o.cache.has(hidx)) return 'ok';
      const reserved = o.resv.has(hidx);
      if (this.F < 1 || (!reserved && this.avail < 1)) return 'SIGBUS';
      if (dryRun) return 'ok';
      if (reserved) {
        o.resv.delete(hidx);
        this.R--;
      }
      this.F--;
      o.cache.set(hidx, { mapcount: 0, excl: false, restore: false });
      return 'ok';
    }
    const f = p.hmap.get(base);
    if (f) {
      if (!write || f.excl || f.mapcount === 1) {
        if (write && !dryRun) f.excl = true;
        return 'ok';
      }
      // hugetlb_wp: a copy from the pool, outside any reservation.
      if (this.F >= 1 && this.avail >= 1) {
        if (dryRun) return 'ok';
        this.F--;
        f.mapcount--;
        p.hmap.set(base, { mapcount: 1, excl: true, restore: false });
        return 'ok';
      }
      if (!pg.owner) return 'SIGBUS';
      // unmap_ref_private: the owner takes the page from the other mappings at the same address, then reuses it.
      const others = [...this.procs.values()].filter((q) => q !== p && q.hmap.get(base) === f);
      if (others.length !== f.mapcount - 1) return 'known';
      if (dryRun) return 'ok';
      for (const q of others) {
        q.hmap.delete(base);
        f.mapcount--;
        for (let v = base; v < base + this.U; v++) (q.pages.get(v) as Pg).val = 0;
        const iv = q.mm.vmaAt(base) as Vma;
        for (let v = iv.start; v < iv.end; v++) (q.pages.get(v) as Pg).unmapped = true;
      }
      f.excl = true;
      this.stats.count('hugetlb owner COW', 'unmap_ref_private');
      return 'ok';
    }
    // hugetlb_no_page: HPAGE_RESV_UNMAPPED first; a reservation needs a free page, else an unreserved one.
    if (pg.unmapped) return 'SIGBUS';
    const reserved = pg.owner && pg.resv !== null && pg.resv.reserved.has(hidx);
    if (this.F < 1 || (!reserved && this.avail < 1)) return 'SIGBUS';
    if (dryRun) return 'ok';
    if (reserved) {
      (pg.resv as Resv).reserved.delete(hidx);
      this.R--;
    }
    this.F--;
    p.hmap.set(base, { mapcount: 1, excl: true, restore: false });
    return 'ok';
  }

  /** What a load or store at vpn does in the shadow (applied unless dryRun or failing). */
  accessShadow(p: Proc, vpn: number, write: boolean, value: number, dryRun = false): { outcome: Outcome | 'known'; val: number } {
    const pg = p.pages.get(vpn);
    if (!pg || pg.prot === PROT.NONE || (write && (pg.prot & PROT.WRITE) === 0)) return { outcome: 'SIGSEGV', val: 0 };
    if (pg.kind !== 'anon') {
      const r = this.hugeFault(p, vpn, write, dryRun);
      if (r !== 'ok') return { outcome: r, val: 0 };
    }
    if (pg.kind === 'hshared') {
      const o = pg.obj as HObj;
      if (write && !dryRun) o.store.set(pg.idx, value >>> 0);
      return { outcome: 'ok', val: write ? value >>> 0 : (o.store.get(pg.idx) ?? 0) };
    }
    if (write && !dryRun) pg.val = value >>> 0;
    return { outcome: 'ok', val: write ? value >>> 0 : pg.val };
  }

  /** The page the last operation targeted, for failure messages. */
  focus: { pid: number; vpn: number } | null = null;

  override context(): string {
    if (!this.focus) return '';
    const p = this.procs.get(this.focus.pid);
    if (!p) return '';
    return entryState(this.k, p.mm, this.focus.vpn) + ` shadow ${JSON.stringify(p.pages.get(this.focus.vpn), (key, v: unknown) => (key === 'obj' || key === 'resv' ? undefined : v))}`;
  }

  // ------------------------------------------------------- execution

  step(op: Op): void {
    const what = show(op);
    this.focus = null;
    switch (op.t) {
      case 'read':
      case 'write': {
        const p = this.proc(op.pid);
        const vpn = op.addr / this.P;
        const write = op.t === 'write';
        const value = op.t === 'write' ? op.value : 0;
        this.focus = { pid: op.pid, vpn };
        const dry = this.accessShadow(p, vpn, write, value, true);
        if (dry.outcome === 'known') return this.knownBug('hugetlb-cow-owner-livelock');
        const want = this.accessShadow(p, vpn, write, value);
        const got = this.call(what, () => (write ? (writeRange(this.k, p.mm, op.addr, this.P, () => value), value >>> 0) : readRange(this.k, p.mm, op.addr, this.P)[0]));
        this.expect(op.t, what, got, [want.outcome as Outcome]);
        if ('value' in got && got.value !== want.val) this.fail(`${what}: ${op.t} ${got.value}, the shadow says ${want.val}`);
        return;
      }
      case 'fork':
        return this.stepFork(op, what);
      case 'exit': {
        const p = this.proc(op.pid);
        this.call(what, () => this.k.exitMm(p.mm));
        this.unmapAll(p);
        this.procs.delete(p.pid);
        this.stats.count('exit', 'ok');
        return;
      }
      case 'pool': {
        this.call(what, () => setPoolSize(this.k, this.H, op.n));
        while (this.nr < op.n) {
          this.nr++;
          this.F++;
        }
        while (this.nr > op.n && this.F > this.R && this.F > 0) {
          this.nr--;
          this.F--;
        }
        this.stats.count('pool', 'ok');
        return;
      }
      case 'peek':
        this.peek(this.proc(op.pid), 256);
        this.stats.count('peek', 'ok');
        return;
      case 'mmap':
        return this.stepMmap(op, what);
      case 'munmap':
        return this.stepMunmap(op, what);
      case 'mprotect':
        return this.stepMprotect(op, what);
      case 'madvise':
        return this.stepMadvise(op, what);
      case 'mremap':
        return this.stepMremap(op, what);
    }
  }

  unmapAll(p: Proc): void {
    const vpns = [...p.pages.keys()].sort((a, b) => a - b);
    for (const v of vpns) this.unmapPages(p, v, 1);
  }

  stepFork(op: Extract<Op, { t: 'fork' }>, what: string): void {
    const p = this.proc(op.pid);
    const got = this.call(what, () => fork(this.k, p.mm, `p${this.allMms.length}`));
    if (!('value' in got)) this.fail(`${what}: fork failed with ${got.code}`);
    const c = this.addProc(got.value);
    for (const [v, pg] of p.pages) {
      // hugetlb_dup_vma_private: the child's private hugetlb VMAs neither own nor hold reservations.
      c.pages.set(v, { ...pg, resv: pg.kind === 'hpriv' ? null : pg.resv, owner: pg.kind === 'hpriv' ? false : pg.owner, unmapped: false });
      if (pg.obj) pg.obj.refs++;
    }
    for (const [b, f] of p.hmap) {
      f.mapcount++;
      f.excl = false;
      c.hmap.set(b, f);
    }
    this.stats.count('fork', 'ok');
  }

  stepMmap(op: Extract<Op, { t: 'mmap' }>, what: string): void {
    const P = this.P;
    const U = this.U;
    const p = this.proc(op.pid);
    const huge = op.kind !== 'anon';
    const start = op.addr / P;
    let n = Math.ceil(op.len / P);
    if (huge) n = Math.ceil(n / U) * U;
    let want: Outcome = 'ok';
    if (huge && start % U !== 0) want = 'EINVAL';
    else if (this.badHugeSplit(p, start) || this.badHugeSplit(p, start + n)) want = 'EINVAL';
    let flags = MAP.FIXED | MAP.ANONYMOUS | (op.kind === 'hshared' ? MAP.SHARED : MAP.PRIVATE);
    if (huge) flags |= MAP.HUGETLB;
    if (op.noreserve) flags |= MAP.NORESERVE;
    if (op.populate) flags |= MAP.POPULATE;
    if (want === 'ok') {
      // __mmap_region: MAP_FIXED closes the old VMAs (their reservations and folios go back) before
      // hugetlb_reserve_pages; when that fails (ENOMEM) the range stays unmapped and the new object goes.
      this.unmapPages(p, start, n);
      // hugetlb_acct_memory: resv + n <= free, and n <= free (allowed_mems_nr; matters while resv is -1).
      if (huge && !op.noreserve && (n / U > this.avail || n / U > this.F)) want = 'ENOMEM';
    }
    const got = this.call(what, () => mmap(this.k, p.mm, { addr: op.addr, length: op.len, prot: op.prot, flags, hugeBytes: huge ? this.H : undefined }));
    this.expect('mmap', what, got, [want]);
    if (!('value' in got)) return;
    if (got.value !== op.addr) this.fail(`${what}: MAP_FIXED returned 0x${got.value.toString(16)}`);
    let obj: HObj | null = null;
    let resv: Resv | null = null;
    if (op.kind === 'hshared') {
      obj = { key: this.nextObj++, cache: new Map(), resv: new Set(), store: new Map(), refs: 0 };
      if (!op.noreserve) for (let i = 0; i < n / U; i++) obj.resv.add(i);
      if (!op.noreserve) this.R += n / U;
    } else if (op.kind === 'hpriv' && !op.noreserve) {
      resv = { reserved: new Set() };
      for (let i = 0; i < n / U; i++) resv.reserved.add(i);
      this.R += n / U;
    }
    this.mapPages(p, start, n, op.kind, op.prot, obj, resv);
    if (op.populate) {
      // populate_vma_page_range: write faults for a writable private mapping, else read; stop at the first failure.
      const write = (op.prot & PROT.WRITE) !== 0 && op.kind !== 'hshared';
      if (write ? (op.prot & PROT.WRITE) === 0 : (op.prot & PROT.READ) === 0) return;
      for (let v = start; v < start + n; v += huge ? U : 1) {
        if (huge && this.hugeFault(p, v, write) !== 'ok') break;
      }
    }
  }

  stepMunmap(op: Extract<Op, { t: 'munmap' }>, what: string): void {
    const p = this.proc(op.pid);
    const start = op.addr / this.P;
    const n = Math.ceil(op.len / this.P);
    // do_vmi_munmap: a range past TASK_SIZE is EINVAL (reachable on the 8xx's 2 GiB user space).
    const past = start + n > this.k.fmt.userPages;
    const want: Outcome = past || this.badHugeSplit(p, start) || this.badHugeSplit(p, start + n) ? 'EINVAL' : 'ok';
    const got = this.call(what, () => munmap(this.k, p.mm, op.addr, op.len));
    this.expect('munmap', what, got, [want]);
    if (want === 'ok') this.unmapPages(p, start, n);
  }

  /** The end of the run of mapped pages from start, capped at end. */
  mappedUntil(p: Proc, start: number, end: number): number {
    let v = start;
    while (v < end && p.pages.has(v)) v++;
    return v;
  }

  stepMprotect(op: Extract<Op, { t: 'mprotect' }>, what: string): void {
    const p = this.proc(op.pid);
    const start = op.addr / this.P;
    const end = start + Math.ceil(op.len / this.P);
    const stop = this.mappedUntil(p, start, end);
    // do_mprotect_pkey: VMA by VMA up to the first hole (ENOMEM there); a VMA whose flags do not change
    // is left alone (mprotect_fixup, no split); the first split at an unaligned hugetlb address fails
    // with EINVAL, the VMAs before it stay changed.
    let want: Outcome = stop < end ? 'ENOMEM' : 'ok';
    const change: [number, number][] = [];
    for (const v of p.mm.overlapping(start, stop)) {
      const s = Math.max(start, v.start);
      const e = Math.min(stop, v.end);
      if ((p.pages.get(s) as Pg).prot === op.prot) continue;
      if (this.badHugeSplit(p, s) || this.badHugeSplit(p, e)) {
        want = 'EINVAL';
        break;
      }
      change.push([s, e]);
    }
    const got = this.call(what, () => mprotect(this.k, p.mm, op.addr, op.len, op.prot));
    this.expect('mprotect', what, got, [want]);
    for (const [s, e] of change) for (let v = s; v < e; v++) (p.pages.get(v) as Pg).prot = op.prot;
  }

  stepMadvise(op: Extract<Op, { t: 'madvise' }>, what: string): void {
    const P = this.P;
    const U = this.U;
    const p = this.proc(op.pid);
    const start = op.addr / P;
    const end = start + Math.ceil(op.len / P);
    const vmas = p.mm.overlapping(start, end);
    const hole = !p.mm.fullyMapped(start, end);
    let allowed: Outcome[] = [hole ? 'ENOMEM' : 'ok'];
    const apply: (() => void)[] = [];
    if (!this.hasThp && (op.advice === 'hugepage' || op.advice === 'nohugepage' || op.advice === 'collapse')) {
      // No CONFIG_TRANSPARENT_HUGEPAGE (the 8xx): madvise_behavior_valid refuses the advice before the range.
      this.expect('madvise', what, this.call(what, () => madvise(this.k, p.mm, op.addr, op.len, op.advice)), ['EINVAL']);
      return;
    }
    switch (op.advice) {
      case 'hugepage':
      case 'nohugepage': {
        // madvise_walk_vmas + madvise_update_vma, VMA by VMA in order: unchanged flags, no split; the first
        // split at an unaligned hugetlb address is EINVAL, the VMAs before it stay changed; holes are ENOMEM.
        const target = op.advice === 'hugepage' ? 1 : 2;
        for (const v of vmas) {
          const s = Math.max(start, v.start);
          const e = Math.min(end, v.end);
          if ((p.pages.get(s) as Pg).thp === target) continue;
          if (this.badHugeSplit(p, s) || this.badHugeSplit(p, e)) {
            allowed = ['EINVAL'];
            break;
          }
          apply.push(() => {
            for (let x = s; x < e; x++) (p.pages.get(x) as Pg).thp = target;
          });
        }
        break;
      }
      case 'collapse': {
        // madvise_collapse: hugetlb, VM_NOHUGEPAGE or no PMD-suitable range in the VMA: EINVAL (first VMA that fails).
        for (const v of vmas) {
          const last = v.end - this.T;
          const suitable = last >= v.start && Math.floor(last / this.T) * this.T >= v.start;
          if (v.has(VM.HUGETLB | VM.NOHUGEPAGE) || !suitable) {
            // A range of an earlier VMA may have failed already.
            allowed = allowed.length > 1 ? ['EINVAL', 'EAGAIN'] : ['EINVAL'];
            break;
          }
          // The aligned ranges inside may fail: EINVAL (no table, read-only, not anonymous), EAGAIN (extra references).
          allowed = [allowed[0], 'EINVAL', 'EAGAIN'];
        }
        break;
      }
      case 'dontneed': {
        for (const v of vmas) {
          const s = Math.max(start, v.start);
          let e = Math.min(end, v.end);
          if (v.has(VM.HUGETLB)) {
            if (s % U !== 0) {
              allowed = ['EINVAL'];
              break;
            }
            e = s + Math.floor((e - s) / U) * U;
          }
          apply.push(() => this.zapShadow(p, s, e));
        }
        break;
      }
      case 'populate_write':
      case 'populate_read': {
        // Page by page in address order (faultin_page_range): EINVAL at a VMA without the permission,
        // EFAULT at a fault that fails (SIGBUS), ENOMEM at a hole.
        const write = op.advice === 'populate_write';
        let outcome: Outcome = 'ok';
        for (let v = start; v < end; v++) {
          const pg = p.pages.get(v);
          if (!pg) {
            outcome = 'ENOMEM';
            break;
          }
          if ((pg.prot & (write ? PROT.WRITE : PROT.READ)) === 0) {
            outcome = 'EINVAL';
            break;
          }
          if (pg.kind === 'anon') continue;
          const r = this.hugeFault(p, v, write, true);
          if (r === 'known') return this.knownBug('hugetlb-cow-owner-livelock');
          if (r !== 'ok') {
            outcome = 'EFAULT';
            break;
          }
          this.hugeFault(p, v, write);
        }
        allowed = [outcome];
        break;
      }
      default:
        throw new Error(`unexpected advice ${op.advice}`);
    }
    const got = this.call(what, () => madvise(this.k, p.mm, op.addr, op.len, op.advice));
    this.expect(`madvise ${op.advice}`, what, got, allowed);
    // `apply` holds the VMAs before the failing one (if any): those were changed or zapped.
    for (const f of apply) f();
  }

  /** MADV_DONTNEED of [s, e) of one VMA: private contents go, hugetlb folios lose this mapping. */
  zapShadow(p: Proc, s: number, e: number): void {
    for (let v = s; v < e; v++) {
      const pg = p.pages.get(v);
      if (!pg) continue;
      if (pg.kind === 'hpriv' && v % this.U === 0) this.dropHuge(p, v);
      if (pg.kind !== 'hshared') pg.val = 0;
    }
  }

  stepMremap(op: Extract<Op, { t: 'mremap' }>, what: string): void {
    const P = this.P;
    const U = this.U;
    const p = this.proc(op.pid);
    const old = op.addr / P;
    let oldN = Math.ceil(op.oldLen / P);
    let newN = Math.ceil(op.newLen / P);
    const fixed = (op.flags & MREMAP.FIXED) !== 0;
    const dontunmap = (op.flags & MREMAP.DONTUNMAP) !== 0;
    const dest = op.newAddr === null ? -1 : op.newAddr / P;
    const vma = p.mm.vmaAt(old);
    let want: Outcome = 'ok';
    if (dontunmap && oldN !== newN) want = 'EINVAL';
    else if (fixed && dest < old + oldN && old < dest + newN) want = 'EINVAL';
    else if (!vma) want = 'EFAULT';
    else {
      const huge = vma.has(VM.HUGETLB);
      if (huge) {
        const rOld = Math.ceil(oldN / U) * U;
        const rNew = Math.ceil(newN / U) * U;
        if (old % U !== 0 || (fixed && dest % U !== 0)) want = 'EINVAL';
        // check_prep_vma rounds both lengths up to the huge page size before comparing them.
        else if (rNew > rOld) want = 'EINVAL';
        oldN = rOld;
        newN = rNew;
      }
      if (want === 'ok') {
        if (old + oldN > vma.end) want = 'EFAULT';
        else if (dontunmap && huge) want = 'EINVAL';
        else if (fixed && (this.badHugeSplit(p, dest) || this.badHugeSplit(p, dest + newN))) want = 'EINVAL';
        else if (!fixed && newN > oldN && !(vma.end === old + oldN && old + newN <= this.k.fmt.userPages && p.mm.overlapping(vma.end, vma.end + newN - oldN).length === 0) && (op.flags & MREMAP.MAYMOVE) === 0) want = 'ENOMEM'; // vma_expandable: not past TASK_SIZE either
      }
    }
    const got = this.call(what, () => mremap(this.k, p.mm, op.addr, op.oldLen, op.newLen, op.flags, op.newAddr ?? undefined));
    this.expect('mremap', what, got, [want]);
    if (!('value' in got)) return;
    const r = got.value / P;
    if (fixed) {
      if (r !== dest) this.fail(`${what}: MREMAP_FIXED returned 0x${got.value.toString(16)}`);
      this.unmapPages(p, dest, newN);
      if (newN < oldN) {
        this.unmapPages(p, old + newN, oldN - newN);
        this.movePages(p, old, newN, dest, 0, false);
      } else this.movePages(p, old, oldN, dest, newN - oldN, dontunmap);
    } else if (newN <= oldN) {
      if (r !== old) this.fail(`${what}: an in-place shrink returned 0x${got.value.toString(16)}`);
      this.unmapPages(p, old + newN, oldN - newN);
    } else if (r === old) {
      this.movePages(p, old, oldN, old, newN - oldN, false);
    } else {
      for (let v = r; v < r + newN; v++) if (p.pages.has(v)) this.fail(`${what}: moved onto a mapping at 0x${got.value.toString(16)}`);
      this.movePages(p, old, oldN, r, newN - oldN, false);
    }
  }

  /** mremap's move: pages (and private hugetlb mappings) go from old to dest; `extra` pages continue the mapping. */
  movePages(p: Proc, old: number, n: number, dest: number, extra: number, dontunmap: boolean): void {
    const moved: Pg[] = [];
    for (let i = 0; i < n; i++) {
      const pg = p.pages.get(old + i);
      if (!pg) throw new Error(`shadow: moving unmapped page ${old + i}`);
      moved.push(pg);
    }
    const hm: [number, HFolio][] = [];
    for (let i = 0; i < n; i += 1) {
      const f = p.hmap.get(old + i);
      if (f && (old + i) % this.U === 0) {
        hm.push([dest + i, f]);
        p.hmap.delete(old + i);
      }
    }
    for (let i = 0; i < n; i++) {
      if (dontunmap) {
        // The old range stays mapped, empty (anonymous memory only: hugetlb refuses DONTUNMAP).
        const pg = moved[i];
        p.pages.set(old + i, { ...pg, val: 0 });
      } else p.pages.delete(old + i);
    }
    moved.forEach((pg, i) => p.pages.set(dest + i, pg));
    for (const [b, f] of hm) p.hmap.set(b, f);
    const last = moved[moved.length - 1];
    for (let j = 0; j < extra; j++) {
      p.pages.set(dest + n + j, { ...last, val: 0, idx: last.idx + 1 + j });
      if (last.obj) last.obj.refs++;
    }
  }

  // ------------------------------------------------------------ checks

  /** Pool counts, VMA coverage, and the huge mappings the shadow expects. */
  checkShadow(after: string): void {
    const pl = pool(this.k, this.H);
    if (pl.free.length !== this.F || pl.resv !== this.R || pl.nr !== this.nr) {
      this.fail(`after ${after}: hugetlb pool free ${pl.free.length} resv ${pl.resv} nr ${pl.nr}, the shadow says free ${this.F} resv ${this.R} nr ${this.nr}`);
    }
    for (const p of this.procs.values()) {
      let covered = 0;
      for (const v of p.mm.vmas) {
        covered += v.pages;
        const kind: PKind = !v.has(VM.HUGETLB) ? 'anon' : v.has(VM.MAYSHARE) ? 'hshared' : 'hpriv';
        const prot = (v.has(VM.READ) ? PROT.READ : 0) | (v.has(VM.WRITE) ? PROT.WRITE : 0);
        for (const vpn of [v.start, v.end - 1, v.start + this.rng.int(v.pages)]) {
          const pg = p.pages.get(vpn);
          const where = `after ${after}: pid ${p.pid} page 0x${vpn.toString(16)} (VMA 0x${v.start.toString(16)}-0x${v.end.toString(16)})`;
          if (!pg) this.fail(`${where}: mapped in the model, not in the shadow`);
          if (pg.kind !== kind) this.fail(`${where}: ${kind}, the shadow says ${pg.kind}`);
          if (pg.prot !== prot) this.fail(`${where}: prot ${prot}, the shadow says ${pg.prot}`);
          const thp = v.has(VM.HUGEPAGE) ? 1 : v.has(VM.NOHUGEPAGE) ? 2 : 0;
          if (pg.thp !== thp) this.fail(`${where}: THP flag ${thp}, the shadow says ${pg.thp}`);
          if (kind === 'hpriv' && v.hugeResvUnmapped !== pg.unmapped) this.fail(`${where}: HPAGE_RESV_UNMAPPED ${v.hugeResvUnmapped}, the shadow says ${pg.unmapped}`);
        }
      }
      if (covered !== p.pages.size) this.fail(`after ${after}: pid ${p.pid}: the model maps ${covered} pages, the shadow ${p.pages.size}`);
    }
  }

  /**
   * Look at pages without faulting: a present leaf holds the shadow's value;
   * a private page that is not present must read 0 (nothing is swapped here);
   * a private hugetlb page is present exactly where the shadow maps a folio.
   */
  peek(p: Proc, samples: number): void {
    const k = this.k;
    const c = k.fmt.codec;
    const vpns = [...p.pages.keys()];
    const pick = samples >= vpns.length ? vpns : Array.from({ length: samples }, () => this.rng.pick(vpns));
    for (const vpn of pick) {
      const pg = p.pages.get(vpn) as Pg;
      const kind = k.walker.seek(p.mm, vpn, k.st);
      const st = k.st;
      const where = `pid ${p.pid} page 0x${vpn.toString(16)} (${pg.kind})`;
      if (kind === Kind.SWAP) this.fail(`${where}: a non-present entry in a run without swap`);
      const present = kind === Kind.LEAF;
      if (pg.kind === 'hpriv') {
        const b = vpn - (vpn % this.U);
        if (present !== p.hmap.has(b)) this.fail(`${where}: hugetlb page ${present ? 'present' : 'absent'}, the shadow says ${p.hmap.has(b) ? 'mapped' : 'not mapped'}`);
      }
      const want = pg.kind === 'hshared' ? ((pg.obj as HObj).store.get(pg.idx) ?? 0) : pg.val;
      if (!present) {
        if (pg.kind !== 'hshared' && want !== 0) this.fail(`${where}: not present, but the shadow holds ${want}`);
        continue;
      }
      const pfn = c.pfn(st.lo, st.hi) + (vpn - st.vpn);
      if (pg.kind === 'anon' && k.mem.isFolioPage(pfn)) {
        const order = k.mem.order[k.mem.headOf(pfn)];
        if (st.level > 0) this.stats.count('anon page seen', 'pmd-mapped THP');
        else if (order > 0) this.stats.count('anon page seen', `pte-mapped order ${order}`);
        else this.stats.count('anon page seen', 'small');
      } else if (pg.kind === 'anon' && st.level > 0) this.stats.count('anon page seen', 'huge zero');
      // The zero page and the huge zero folio hold 0 like any page never written.
      const got = k.mem.isFolioPage(pfn) ? k.mem.content[pfn] : 0;
      if (got !== want) this.fail(`${where}: holds ${got}, the shadow says ${want}`);
    }
  }

  run(nops: number): void {
    this.checkInvariants(this.k, 'setup');
    for (let i = 0; i < nops; i++) {
      const op = this.genOp();
      const line = show(op);
      this.log.push(line);
      this.step(op);
      this.stats.ops++;
      this.checkInvariants(this.k, line);
      this.checkShadow(line);
      for (const p of this.procs.values()) this.peek(p, 8);
    }
    for (const p of this.procs.values()) this.peek(p, Infinity);
    for (const p of [...this.procs.values()]) {
      this.log.push(show({ t: 'exit', pid: p.pid }));
      this.call('final exit', () => this.k.exitMm(p.mm));
      this.unmapAll(p);
      this.procs.delete(p.pid);
    }
    this.checkInvariants(this.k, 'the final exits');
    this.checkShadow('the final exits');
    const pl = pool(this.k, this.H);
    assert.equal(pl.resv, 0, 'hugetlb reservations left');
    assert.equal(pl.free.length, pl.nr, 'hugetlb pages still in use');
    setPoolSize(this.k, this.H, this.startPool);
    assert.equal(pl.nr, this.startPool, 'the pool is back to its start');
    assert.equal(pl.free.length, this.startPool);
    setPoolSize(this.k, this.H, 0);
    assertTornDown(this.k, this.allMms);
  }
}

describe('random huge-page sequences (THP, mTHP, hugetlb)', () => {
  const t0 = Date.now();
  const only = envArch(PREFIX);
  for (const r of RUNS) {
    if (only !== undefined && r.arch !== only) continue;
    const ops = envOps(PREFIX, r.ops);
    describe(r.arch, () => {
      seedsFor(PREFIX, r.arch, r.seeds).forEach((seed, i) => {
        it(`seed ${seed}: ${ops} operations`, () => {
          new Run(r.arch, seed, (seed >>> 3) + i).run(ops);
        });
      });
    });
  }
  after(() => {
    stats.ms = Date.now() - t0;
    console.log(stats.summary('property-huge'));
  });
});
