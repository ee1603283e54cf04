// Random operation sequences over non-present entries, checked after every
// step: swap (MADV_PAGEOUT, MADV_FREE, MADV_COLD, swap-in by reads, writes
// and GUP), migration (migrateRange), userfaultfd write protection (register
// with and without WP_UNPOPULATED, async, EVENT_FORK; UFFDIO_WRITEPROTECT on
// and off; writes that hit protected pages), guard regions, fork, mremap,
// munmap, MADV_DONTNEED, and FOLL_PIN pins.
// Checks:
// - checkInvariants(k) is empty;
// - every access returns the shadow's value or signal (guard pages SIGSEGV),
//   and a non-faulting peek (present page, swap slot, marker) agrees with
//   the shadow: values survive swap-out/in and migration;
// - the uffd-wp shadow: pagemap's PM_UFFD_WP of every page equals the
//   shadow's bit, which survives swap-out/in, migration, fork into a child
//   registered with EVENT_FORK and mremap, and goes only when the page is
//   un-protected, written (an event in k.uffdEvents, or resolved in place
//   when async) or its contents are dropped; the events delivered are
//   exactly the ones predicted;
// - pinned pages are never paged out or migrated (same pfn, present), and
//   migrateRange is EBUSY exactly when a pinned folio is in the range;
// - eligible small exclusive anonymous pages do get paged out.
// At the end every process exits: swap slots all free, counters at 0.
//
// Reproduce a failure with MMSIM_NONPRESENT_ARCH=<arch>
// MMSIM_NONPRESENT_SEED=<seed> MMSIM_NONPRESENT_OPS=<n>.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kind } from '../src/arch/index.js';
import { FOLL, pinUserPages, pinUserPagesFast, releaseRecord } from '../src/gup/gup.js';
import { fork } from '../src/mm/fork.js';
import { Kernel } from '../src/mm/kernel.js';
import { migrateRange } from '../src/mm/migrate.js';
import type { Mm } from '../src/mm/mm.js';
import { swapOn } from '../src/mm/swap.js';
import { MAP, MREMAP, PROT, madvise, mmap, mprotect, mremap, munmap, readRange, writeRange, type Advice } from '../src/mm/syscalls.js';
import { newUffdCtx, uffdRegister, uffdWriteProtect, type UffdCtx } from '../src/mm/uffd.js';
import { VM, type Vma } from '../src/mm/vma.js';
import { KPF, PM, kpageflags, pageInfo } from '../src/views/pagemap.js';
import { Rng } from './helpers/prng.js';
import { RunBase, Stats, assertTornDown, entryState, envArch, envOps, seedsFor, show, type Outcome } from './helpers/prop2/harness.js';

/**
 * Divergences from the kernel that these sequences reproduced. An operation
 * that would hit one is skipped by name and counted; details and proposed
 * patches are in the report that added this file.
 */
export const KNOWN_BUGS: ReadonlyMap<string, string> = new Map<string, string>([]);

const PREFIX = 'NONPRESENT';
/** Debugging aid: MMSIM_NONPRESENT_TRACE=<vpn in hex> prints that page's entry in every process after every step. */
const TRACE = process.env.MMSIM_NONPRESENT_TRACE === undefined ? -1 : parseInt(process.env.MMSIM_NONPRESENT_TRACE, 16);
const RUNS: readonly { arch: string; seeds: number; ops: number }[] = [
  { arch: 'x86_64', seeds: 4, ops: 600 },
  { arch: 'arm64-4k', seeds: 2, ops: 400 },
  // riscv: NAPOT groups store one pfn for 16 entries; uffd-wp and soft-dirty through Svrsw60t59b.
  { arch: 'riscv64-sv48', seeds: 2, ops: 400 },
];
const MAX_PROCS = 4;
const MAX_PINS = 6;
const NREG = 4;
const stats = new Stats();

/** Shadow userfaultfd context: its features, and the model context registrations pass (null: inherited at fork). */
interface SCtx {
  readonly id: number;
  readonly async: boolean;
  readonly wpUnpopulated: boolean;
  readonly eventFork: boolean;
  readonly model: UffdCtx | null;
}

interface Reg {
  readonly ctx: SCtx;
}

interface SObj {
  readonly store: Map<number, number>;
  refs: number;
}

interface NPg {
  shm: SObj | null;
  prot: number;
  val: number;
  idx: number;
  guard: boolean;
  wp: boolean;
  /** MADV_FREE'd and clean: reclaim drops the contents. */
  lazy: boolean;
  reg: Reg | null;
  thp: number;
}

interface Proc {
  readonly pid: number;
  readonly mm: Mm;
  readonly pages: Map<number, NPg>;
  /** Contexts created by this process's registrations. */
  readonly ctxs: SCtx[];
}

interface Pin {
  readonly record: number;
  readonly pid: number;
  readonly start: number;
  readonly pfns: readonly number[];
}

type Op =
  | { t: 'mmap'; pid: number; addr: number; len: number; prot: number; shared: boolean }
  | { t: 'munmap'; pid: number; addr: number; len: number }
  | { t: 'mprotect'; pid: number; addr: number; len: number; prot: number }
  | { t: 'madvise'; pid: number; addr: number; len: number; advice: Advice }
  | { t: 'mremap'; pid: number; addr: number; oldLen: number; newLen: number; flags: number; newAddr: number | null }
  | { t: 'read'; pid: number; addr: number }
  | { t: 'write'; pid: number; addr: number; value: number }
  | { t: 'fork'; pid: number }
  | { t: 'exit'; pid: number }
  | { t: 'register'; pid: number; start: number; end: number; ctx: number; async: boolean; wpUnpopulated: boolean; eventFork: boolean }
  | { t: 'wp'; pid: number; start: number; end: number; enable: boolean }
  | { t: 'migrate'; pid: number; start: number; end: number }
  | { t: 'pin'; pid: number; addr: number; nr: number; write: boolean; longterm: boolean; fast: boolean }
  | { t: 'unpin'; i: number };

/** Entry states as pagemap shows them. */
const St = { NONE: 0, PRESENT: 1, SWAP: 2, MARKER: 3, MIGRATION: 4 } as const;

const PROTS: readonly (readonly [number, number])[] = [
  [8, PROT.READ | PROT.WRITE],
  [2, PROT.READ],
  [1, PROT.NONE],
];

class Run extends RunBase {
  readonly k: Kernel;
  readonly P: number;
  readonly rng: Rng;
  readonly base: number;
  /** Pages per region (one PMD span, so THPs fit). */
  readonly RS: number;
  readonly procs = new Map<number, Proc>();
  readonly allMms: Mm[] = [];
  readonly mainPid: number;
  readonly pins: Pin[] = [];
  /** Events expected but not yet compared with k.uffdEvents. */
  readonly events: { pid: number; vpn: number; kind: 'wp' }[] = [];
  private seenEvents = 0;
  private nextCtx = 1;
  focus: { pid: number; vpn: number } | null = null;

  constructor(arch: string, seed: number) {
    super(PREFIX, arch, seed, stats, KNOWN_BUGS);
    this.k = new Kernel({ arch, thp: 'madvise' });
    swapOn(this.k);
    this.P = this.k.pageSize;
    this.rng = new Rng(seed);
    const f = this.k.fmt;
    this.base = f.pagesPerEntry[f.nlevels - 1];
    this.RS = f.pagesPerEntry[1];
    const mm = this.k.spawn('main');
    this.mainPid = mm.pid;
    this.addProc(mm);
  }

  addProc(mm: Mm): Proc {
    const p: Proc = { pid: mm.pid, mm, pages: new Map(), ctxs: [] };
    this.procs.set(mm.pid, p);
    this.allMms.push(mm);
    return p;
  }

  proc(pid: number): Proc {
    const p = this.procs.get(pid);
    if (!p) throw new Error(`no process ${pid}`);
    return p;
  }

  override context(): string {
    if (!this.focus) return '';
    const p = this.procs.get(this.focus.pid);
    if (!p) return '';
    return entryState(this.k, p.mm, this.focus.vpn) + ` shadow ${JSON.stringify(p.pages.get(this.focus.vpn), (key, v: unknown) => (key === 'shm' ? undefined : v))}`;
  }

  // ------------------------------------------------------------ choices

  pos(): number {
    const r = this.rng.int(NREG);
    return this.base + r * this.RS + this.rng.weighted<number>([
      [6, this.rng.int(48)],
      [1, this.RS - 1 - this.rng.int(8)],
      [1, 0],
    ]);
  }

  anyVma(p: Proc): Vma | undefined {
    return p.mm.vmas.length > 0 ? this.rng.pick(p.mm.vmas) : undefined;
  }

  /** A VMA with a flag (VM_UFFD_WP, VM_WRITE...) when there is one, else any. */
  vmaWith(p: Proc, flag: number): Vma | undefined {
    const vs = p.mm.vmas.filter((v) => v.has(flag));
    return vs.length > 0 ? this.rng.pick(vs) : this.anyVma(p);
  }

  /** A page the shadow says is write-protected and the model has populated (or -1). */
  wpPage(p: Proc): number {
    const ws = [...p.pages].filter(([, pg]) => pg.wp);
    for (let tries = 0; tries < 4 && ws.length > 0; tries++) {
      const [v] = this.rng.pick(ws);
      if (this.k.walker.seek(p.mm, v, this.k.st) === Kind.LEAF) return v;
    }
    return -1;
  }

  range(p: Proc, prefer = 0): [number, number] {
    const v = prefer !== 0 && this.rng.chance(0.75) ? this.vmaWith(p, prefer) : this.anyVma(p);
    if (!v || this.rng.chance(0.08)) return [this.pos(), this.rng.range(1, 24)];
    const s = v.start + this.rng.int(v.pages);
    let n = this.rng.chance(0.4) ? v.end - s : this.rng.range(1, v.end - s);
    if (this.rng.chance(0.08)) n += this.rng.range(1, 8);
    return [s, n];
  }

  page(p: Proc, prefer = 0): number {
    const v = prefer !== 0 && this.rng.chance(0.7) ? this.vmaWith(p, prefer) : this.anyVma(p);
    if (v && this.rng.chance(0.93)) return v.start + this.rng.int(v.pages);
    return this.pos();
  }

  genOp(): Op {
    const P = this.P;
    const pids = [...this.procs.keys()];
    const pid = this.rng.pick(pids);
    const p = this.proc(pid);
    const kind = this.rng.weighted<string>([
      [7, 'mmap'],
      [3, 'munmap'],
      [3, 'mprotect'],
      [16, 'madvise'],
      [4, 'mremap'],
      [16, 'read'],
      [20, 'write'],
      [this.procs.size < MAX_PROCS ? 3 : 0, 'fork'],
      [this.procs.size > 1 ? 2 : 0, 'exit'],
      [5, 'register'],
      [8, 'wp'],
      [4, 'migrate'],
      [this.pins.length < MAX_PINS ? 4 : 0, 'pin'],
      [this.pins.length > 0 ? 3 : 0, 'unpin'],
    ]);
    switch (kind) {
      case 'mmap': {
        const big = this.rng.chance(0.1);
        const addr = big ? this.base + this.rng.int(NREG) * this.RS : this.pos();
        const n = big ? this.RS : this.rng.range(1, 32);
        return { t: 'mmap', pid, addr: addr * P, len: n * P, prot: this.rng.weighted(PROTS), shared: this.rng.chance(0.25) };
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
        const [s, n] = this.range(p, this.rng.chance(0.5) ? VM.UFFD_WP : 0);
        const advice = this.rng.weighted<Advice>([
          [8, 'pageout'],
          [2, 'cold'],
          [3, 'free'],
          [3, 'dontneed'],
          [3, 'guard_install'],
          [2, 'guard_remove'],
          [2, 'populate_read'],
          [2, 'populate_write'],
          [1, 'hugepage'],
        ]);
        if (advice === 'pageout' && this.rng.chance(0.4)) {
          // Around a write-protected page: uffd-wp bits through swap-out and swap-in.
          const w = this.wpPage(p);
          if (w >= 0) return { t: 'madvise', pid, addr: w * P, len: this.rng.range(1, 4) * P, advice };
        }
        return { t: 'madvise', pid, addr: s * P, len: n * P, advice };
      }
      case 'mremap':
        return this.genMremap(p);
      case 'read':
        return { t: 'read', pid, addr: this.page(p) * P };
      case 'write': {
        // Often a page the shadow says is write-protected.
        const wps = this.rng.chance(0.3) ? [...p.pages].filter(([, pg]) => pg.wp && (pg.prot & PROT.WRITE) !== 0) : [];
        const vpn = wps.length > 0 ? this.rng.pick(wps)[0] : this.page(p, this.rng.chance(0.5) ? VM.UFFD_WP : VM.WRITE);
        return { t: 'write', pid, addr: vpn * P, value: this.rng.u32() };
      }
      case 'fork':
        return { t: 'fork', pid };
      case 'exit':
        return { t: 'exit', pid: this.rng.pick(pids.filter((x) => x !== this.mainPid)) };
      case 'register': {
        const [s, n0] = this.range(p);
        const n = this.rng.chance(0.6) ? Math.min(n0, this.rng.range(1, 8)) : n0;
        const own = p.ctxs;
        let ctx = own.length > 0 && this.rng.chance(0.7) ? this.rng.int(own.length) : -1;
        // Often the context the range is already registered with (re-registering a range mremap moved).
        const cur = p.pages.get(s)?.reg?.ctx;
        if (cur && own.includes(cur) && this.rng.chance(0.6)) ctx = own.indexOf(cur);
        return { t: 'register', pid, start: s, end: s + n, ctx, async: this.rng.chance(0.35), wpUnpopulated: this.rng.chance(0.5), eventFork: this.rng.chance(0.6) };
      }
      case 'wp': {
        const [s, n] = this.range(p, VM.UFFD_WP);
        return { t: 'wp', pid, start: s, end: s + n, enable: this.rng.chance(0.7) };
      }
      case 'migrate': {
        const w = this.rng.chance(0.4) ? this.wpPage(p) : -1;
        if (w >= 0) return { t: 'migrate', pid, start: w, end: w + this.rng.range(1, 4) };
        const [s, n] = this.range(p, this.rng.chance(0.5) ? VM.UFFD_WP : 0);
        return { t: 'migrate', pid, start: s, end: s + n };
      }
      case 'pin': {
        const s = this.page(p, VM.WRITE);
        return { t: 'pin', pid, addr: s * P, nr: this.rng.range(1, 6), write: this.rng.chance(0.5), longterm: this.rng.chance(0.3), fast: this.rng.chance(0.5) };
      }
      default:
        return { t: 'unpin', i: this.rng.int(this.pins.length) };
    }
  }

  genMremap(p: Proc): Op {
    const P = this.P;
    const v = this.rng.chance(0.3) ? this.vmaWith(p, VM.UFFD_WP) : this.anyVma(p);
    if (!v) return { t: 'mremap', pid: p.pid, addr: this.pos() * P, oldLen: P, newLen: P, flags: MREMAP.MAYMOVE, newAddr: null };
    const old = v.start + this.rng.int(v.pages);
    const oldN = this.rng.range(1, v.end - old);
    const shm = v.object !== null;
    const mode = this.rng.weighted<string>([
      [2, 'shrink'],
      [shm ? 0 : 2, 'grow'],
      [5, 'fixed'],
      [2, 'dontunmap'],
    ]);
    if (mode === 'shrink') return { t: 'mremap', pid: p.pid, addr: old * P, oldLen: oldN * P, newLen: Math.max(1, oldN - this.rng.range(1, Math.max(1, oldN - 1))) * P, flags: this.rng.chance(0.5) ? MREMAP.MAYMOVE : 0, newAddr: null };
    if (mode === 'grow') return { t: 'mremap', pid: p.pid, addr: old * P, oldLen: oldN * P, newLen: (oldN + this.rng.range(1, 8)) * P, flags: this.rng.chance(0.7) ? MREMAP.MAYMOVE : 0, newAddr: null };
    const newN = mode === 'fixed' && this.rng.chance(0.3) ? Math.max(1, oldN - this.rng.range(0, oldN - 1)) : oldN;
    const flags = MREMAP.MAYMOVE | MREMAP.FIXED | (mode === 'dontunmap' ? MREMAP.DONTUNMAP : 0);
    return { t: 'mremap', pid: p.pid, addr: old * P, oldLen: oldN * P, newLen: newN * P, flags, newAddr: this.pos() * P };
  }

  // ------------------------------------------------------ observations

  /** Entry state, pagemap bits, frame and kpageflags (present pages) of [start, start+n). */
  observe(p: Proc, start: number, n: number): { st: number[]; pm: number[]; frame: number[]; kpf: number[] } {
    const info = pageInfo(this.k, p.mm, start, n);
    const st: number[] = [];
    const kpf: number[] = [];
    for (let i = 0; i < n; i++) {
      const pm = info.pm[i];
      const f = info.frame[i];
      let s: number = St.NONE;
      if ((pm & PM.PRESENT) !== 0) s = St.PRESENT;
      else if ((pm & PM.SWAP) !== 0) {
        const type = f % 32;
        s = type === 31 ? St.MARKER : type >= 28 ? St.MIGRATION : St.SWAP;
      }
      st.push(s);
      kpf.push(s === St.PRESENT ? kpageflags(this.k, f) : 0);
    }
    return { st, pm: [...info.pm], frame: [...info.frame], kpf };
  }

  // ----------------------------------------------------- shadow: pages

  newPage(prot: number, shm: SObj | null, idx: number): NPg {
    return { shm, prot, val: 0, idx, guard: false, wp: false, lazy: false, reg: null, thp: 0 };
  }

  unmapPages(p: Proc, start: number, n: number): void {
    for (let v = start; v < start + n; v++) {
      const pg = p.pages.get(v);
      if (!pg) continue;
      if (pg.shm) pg.shm.refs--;
      p.pages.delete(v);
    }
  }

  value(pg: NPg): number {
    return pg.shm ? (pg.shm.store.get(pg.idx) ?? 0) : pg.val;
  }

  /** The contents of a private anonymous page are gone (zap, discard): zero, no uffd-wp (anonymous zaps drop it). */
  drop(pg: NPg): void {
    if (!pg.shm) pg.val = 0;
    pg.wp = false;
    pg.lazy = false;
  }

  /** A write (store, write pin, populate) reached page pg of p at vpn: the uffd-wp fault first (an event, or resolved in place when async). */
  writeHits(p: Proc, vpn: number, pg: NPg, dirties = true): void {
    if (pg.wp && pg.reg) {
      if (!pg.reg.ctx.async) this.events.push({ pid: p.pid, vpn, kind: 'wp' });
      pg.wp = false;
    }
    if (dirties) pg.lazy = false;
  }

  // ------------------------------------------------------- execution

  step(op: Op): void {
    const what = show(op);
    this.focus = null;
    switch (op.t) {
      case 'read':
      case 'write':
        return this.stepAccess(op, what);
      case 'mmap': {
        const p = this.proc(op.pid);
        const start = op.addr / this.P;
        const n = Math.ceil(op.len / this.P);
        const flags = MAP.FIXED | MAP.ANONYMOUS | (op.shared ? MAP.SHARED : MAP.PRIVATE);
        const got = this.call(what, () => mmap(this.k, p.mm, { addr: op.addr, length: op.len, prot: op.prot, flags }));
        this.expect('mmap', what, got, ['ok']);
        this.unmapPages(p, start, n);
        const shm: SObj | null = op.shared ? { store: new Map(), refs: 0 } : null;
        for (let i = 0; i < n; i++) {
          p.pages.set(start + i, this.newPage(op.prot, shm, i));
          if (shm) shm.refs++;
        }
        return;
      }
      case 'munmap': {
        const p = this.proc(op.pid);
        const got = this.call(what, () => munmap(this.k, p.mm, op.addr, op.len));
        this.expect('munmap', what, got, ['ok']);
        this.unmapPages(p, op.addr / this.P, Math.ceil(op.len / this.P));
        return;
      }
      case 'mprotect': {
        const p = this.proc(op.pid);
        const start = op.addr / this.P;
        const end = start + Math.ceil(op.len / this.P);
        let stop = start;
        while (stop < end && p.pages.has(stop)) stop++;
        const got = this.call(what, () => mprotect(this.k, p.mm, op.addr, op.len, op.prot));
        this.expect('mprotect', what, got, [stop < end ? 'ENOMEM' : 'ok']);
        for (let v = start; v < stop; v++) (p.pages.get(v) as NPg).prot = op.prot;
        return;
      }
      case 'fork':
        return this.stepFork(op, what);
      case 'exit': {
        const p = this.proc(op.pid);
        this.call(what, () => this.k.exitMm(p.mm));
        this.exitShadow(p);
        this.stats.count('exit', 'ok');
        return;
      }
      case 'register':
        return this.stepRegister(op, what);
      case 'wp':
        return this.stepWp(op, what);
      case 'migrate':
        return this.stepMigrate(op, what);
      case 'pin':
        return this.stepPin(op, what);
      case 'unpin': {
        const pin = this.pins[op.i];
        this.call(what, () => releaseRecord(this.k, pin.record));
        this.pins.splice(op.i, 1);
        this.stats.count('unpin', 'ok');
        return;
      }
      case 'madvise':
        return this.stepMadvise(op, what);
      case 'mremap':
        return this.stepMremap(op, what);
    }
  }

  exitShadow(p: Proc): void {
    for (const pg of p.pages.values()) if (pg.shm) pg.shm.refs--;
    p.pages.clear();
    this.procs.delete(p.pid);
    // exit_mmap: the process's pins are released with it.
    for (let i = this.pins.length - 1; i >= 0; i--) if (this.pins[i].pid === p.pid) this.pins.splice(i, 1);
  }

  stepAccess(op: Extract<Op, { t: 'read' | 'write' }>, what: string): void {
    const p = this.proc(op.pid);
    const vpn = op.addr / this.P;
    this.focus = { pid: p.pid, vpn };
    const write = op.t === 'write';
    const pg = p.pages.get(vpn);
    let want: Outcome = 'ok';
    if (!pg || pg.prot === PROT.NONE || (write && (pg.prot & PROT.WRITE) === 0) || pg.guard) want = 'SIGSEGV';
    else if (write) this.writeHits(p, vpn, pg);
    const value = op.t === 'write' ? op.value >>> 0 : 0;
    const got = this.call(what, () => (write ? (writeRange(this.k, p.mm, op.addr, this.P, () => value), value) : readRange(this.k, p.mm, op.addr, this.P)[0]));
    this.expect(op.t, what, got, [want]);
    if (want !== 'ok' || !pg) return;
    if (write) {
      if (pg.shm) pg.shm.store.set(pg.idx, value);
      else pg.val = value;
    } else if ('value' in got && got.value !== this.value(pg)) this.fail(`${what}: read ${got.value}, the shadow says ${this.value(pg)}`);
  }

  stepFork(op: Extract<Op, { t: 'fork' }>, what: string): void {
    const p = this.proc(op.pid);
    const got = this.call(what, () => fork(this.k, p.mm, `p${this.allMms.length}`));
    if (!('value' in got)) this.fail(`${what}: fork failed with ${got.code}`);
    const c = this.addProc(got.value);
    // dup_userfaultfd: one child context per parent context (EVENT_FORK); otherwise the child is not registered.
    const childCtx = new Map<SCtx, SCtx>();
    for (const [v, pg] of p.pages) {
      let reg: Reg | null = null;
      if (pg.reg && pg.reg.ctx.eventFork) {
        let cc = childCtx.get(pg.reg.ctx);
        if (!cc) childCtx.set(pg.reg.ctx, (cc = { ...pg.reg.ctx, id: this.nextCtx++, model: null }));
        reg = { ctx: cc };
      }
      c.pages.set(v, { ...pg, reg, wp: reg !== null && pg.wp });
      if (pg.shm) pg.shm.refs++;
    }
    this.stats.count('fork', 'ok');
  }

  stepRegister(op: Extract<Op, { t: 'register' }>, what: string): void {
    const p = this.proc(op.pid);
    let ctx: SCtx;
    if (op.ctx >= 0) ctx = p.ctxs[op.ctx];
    else {
      const model = newUffdCtx({ async: op.async, wpUnpopulated: op.wpUnpopulated, eventFork: op.eventFork });
      ctx = { id: this.nextCtx++, async: op.async, wpUnpopulated: op.wpUnpopulated, eventFork: op.eventFork, model };
    }
    let want: Outcome = 'ok';
    for (let v = op.start; v < op.end; v++) if (!p.pages.has(v)) want = 'EINVAL';
    if (want === 'ok') {
      for (let v = op.start; v < op.end; v++) {
        const r = (p.pages.get(v) as NPg).reg;
        if (r && r.ctx !== ctx) want = 'EBUSY';
      }
    }
    const got = this.call(what, () => uffdRegister(this.k, p.mm, op.start, op.end, { wp: true, missing: false, minor: false }, ctx.model as UffdCtx));
    this.expect('register', what, got, [want]);
    if (want !== 'ok') return;
    if (op.ctx < 0) p.ctxs.push(ctx);
    for (let v = op.start; v < op.end; v++) (p.pages.get(v) as NPg).reg = { ctx };
  }

  stepWp(op: Extract<Op, { t: 'wp' }>, what: string): void {
    const p = this.proc(op.pid);
    let want: Outcome = 'ok';
    for (let v = op.start; v < op.end; v++) {
      const pg = p.pages.get(v);
      if (!pg || !pg.reg) want = 'ENOENT';
    }
    const n = op.end - op.start;
    const before = want === 'ok' ? this.observe(p, op.start, n) : null;
    const got = this.call(what, () => uffdWriteProtect(this.k, p.mm, op.start, op.end, op.enable));
    this.expect(op.enable ? 'wp on' : 'wp off', what, got, [want]);
    if (!before) return;
    for (let i = 0; i < n; i++) {
      const pg = p.pages.get(op.start + i) as NPg;
      if (!op.enable) pg.wp = false;
      // change_pte_range leaves guard markers alone.
      else if (pg.guard) continue;
      else if (before.st[i] !== St.NONE) pg.wp = true;
      // userfaultfd_wp_use_markers: a none entry gets a marker in shmem always, in anonymous memory with WP_UNPOPULATED.
      else if (pg.shm || (pg.reg as Reg).ctx.wpUnpopulated) pg.wp = true;
    }
  }

  /** Pinned pages still mapped where they were pinned: (pid, vpn, pfn). */
  pinnedMapped(): { p: Proc; vpn: number; pfn: number }[] {
    const out: { p: Proc; vpn: number; pfn: number }[] = [];
    for (const pin of this.pins) {
      const p = this.procs.get(pin.pid);
      if (!p) continue;
      const o = this.observe(p, pin.start, pin.pfns.length);
      pin.pfns.forEach((pfn, i) => {
        if (pfn !== this.k.mem.zeroPfn && o.st[i] === St.PRESENT && o.frame[i] === pfn) out.push({ p, vpn: pin.start + i, pfn });
      });
    }
    return out;
  }

  checkPinsStay(before: { p: Proc; vpn: number; pfn: number }[], what: string): void {
    for (const b of before) {
      const o = this.observe(b.p, b.vpn, 1);
      if (o.st[0] !== St.PRESENT || o.frame[0] !== b.pfn) this.fail(`${what}: pinned page pid ${b.p.pid} vpn 0x${b.vpn.toString(16)} (pfn ${b.pfn}) moved: state ${o.st[0]} frame ${o.frame[0]}`);
    }
  }

  /** The folios (head pfn ranges) that live pins hold. */
  pinnedFolio(pfn: number): boolean {
    const mem = this.k.mem;
    if (!mem.isFolioPage(pfn)) return false;
    const h = mem.headOf(pfn);
    for (const pin of this.pins) for (const q of pin.pfns) if (mem.isFolioPage(q) && mem.headOf(q) === h) return true;
    return false;
  }

  stepMigrate(op: Extract<Op, { t: 'migrate' }>, what: string): void {
    const p = this.proc(op.pid);
    const n = op.end - op.start;
    const before = this.observe(p, op.start, n);
    let want: Outcome = 'ok';
    for (let i = 0; i < n; i++) if (before.st[i] === St.PRESENT && this.pinnedFolio(before.frame[i])) want = 'EBUSY';
    const pinned = this.pinnedMapped();
    const got = this.call(what, () => migrateRange(this.k, p.mm, op.start, op.end));
    this.expect('migrate', what, got, [want]);
    this.checkPinsStay(pinned, what);
    // Values, uffd-wp bits and the rest are checked for every page after the step.
  }

  stepPin(op: Extract<Op, { t: 'pin' }>, what: string): void {
    const p = this.proc(op.pid);
    const start = op.addr / this.P;
    this.focus = { pid: p.pid, vpn: start };
    // __get_user_pages: page by page until the first failure (check_vma_flags, a fault that fails).
    let count = 0;
    const hits: [number, NPg][] = [];
    for (; count < op.nr; count++) {
      const v = start + count;
      const pg = p.pages.get(v);
      if (!pg || (op.write ? (pg.prot & PROT.WRITE) === 0 : (pg.prot & PROT.READ) === 0) || pg.guard) break;
      if (op.write) hits.push([v, pg]);
    }
    // A write pin dirties the folio on the slow path only (FOLL_TOUCH); gup_fast leaves that to unpin_user_pages_dirty_lock.
    for (const [v, pg] of hits) this.writeHits(p, v, pg, false);
    const flags = (op.write ? FOLL.WRITE : 0) | (op.longterm ? FOLL.LONGTERM : 0);
    const got = this.call(what, () => (op.fast ? pinUserPagesFast : pinUserPages)(this.k, p.mm, op.addr, op.nr, flags));
    if (!('value' in got)) this.fail(`${what}: pin failed with ${got.code}`);
    const r = got.value;
    const outcome: Outcome = r.error ?? 'ok';
    this.stats.count('pin', outcome);
    if (r.pfns.length !== count) this.fail(`${what}: pinned ${r.pfns.length} pages, the shadow says ${count}`);
    if ((r.error === null) !== (count === op.nr)) this.fail(`${what}: error ${r.error} with ${count} of ${op.nr} pages`);
    if (r.record >= 0) this.pins.push({ record: r.record, pid: p.pid, start, pfns: r.pfns });
  }

  stepMadvise(op: Extract<Op, { t: 'madvise' }>, what: string): void {
    const P = this.P;
    const p = this.proc(op.pid);
    const start = op.addr / P;
    const n = Math.ceil(op.len / P);
    const end = start + n;
    const hole = !p.mm.fullyMapped(start, end);
    const before = this.observe(p, start, n);
    const pgs: (NPg | undefined)[] = [];
    for (let v = start; v < end; v++) pgs.push(p.pages.get(v));
    let allowed: Outcome = hole ? 'ENOMEM' : 'ok';
    const pinned = op.advice === 'pageout' || op.advice === 'free' || op.advice === 'cold' ? this.pinnedMapped() : [];
    // MADV_FREE walks VMA by VMA (madvise_walk_vmas): the first shared VMA stops it with EINVAL, and
    // the anonymous pages before it have been freed: only pages [0, freeEnd) change.
    let freeEnd = n;
    switch (op.advice) {
      case 'pageout':
        // A shmem page keeps its uffd-wp bit as a marker (pte_install_uffd_wp_if_needed); a folio already
        // in the swap cache is written back to its slot. Both are checked after the step.
        break;
      case 'free': {
        for (let i = 0; i < n; i++) {
          const pg = pgs[i];
          if (!pg || !pg.shm) continue;
          allowed = 'EINVAL';
          freeEnd = i;
          break;
        }
        break;
      }
      case 'guard_install': {
        // The kernel retries the zap while a uffd-wp marker (or a shmem page's uffd-wp) is in the way
        // (madvise_guard_install / zap_page_range_single keep markers): its outcome there is not
        // settled, so such ranges are not generated.
        for (let i = 0; i < n; i++) if (pgs[i] && (before.st[i] === St.MARKER || (pgs[i] as NPg).shm) && (pgs[i] as NPg).wp) return this.stats.count('guard_install (not generated)', 'ok');
        break;
      }
      case 'populate_read':
      case 'populate_write': {
        const write = op.advice === 'populate_write';
        let outcome: Outcome = 'ok';
        const hits: [number, NPg][] = [];
        for (let i = 0; i < n; i++) {
          const pg = pgs[i];
          if (!pg) {
            outcome = 'ENOMEM';
            break;
          }
          if ((pg.prot & (write ? PROT.WRITE : PROT.READ)) === 0) {
            outcome = 'EINVAL';
            break;
          }
          if (pg.guard) {
            outcome = 'EFAULT';
            break;
          }
          // faultin_page_range retries until the page is writable (through the uffd-wp fault) and dirties it.
          if (write) hits.push([start + i, pg]);
        }
        for (const [v, pg] of hits) this.writeHits(p, v, pg);
        allowed = outcome;
        break;
      }
      default:
        break;
    }
    const got = this.call(what, () => madvise(this.k, p.mm, op.addr, op.len, op.advice));
    const outcome = this.expect(`madvise ${op.advice}`, what, got, [allowed]);
    if (pinned.length > 0) this.checkPinsStay(pinned, what);
    if (outcome !== 'ok' && outcome !== 'ENOMEM' && !(op.advice === 'free' && outcome === 'EINVAL' && freeEnd > 0)) return;
    const afterObs = this.observe(p, start, n);
    for (let i = 0; i < (op.advice === 'free' ? freeEnd : n); i++) {
      const pg = pgs[i];
      if (!pg) continue;
      const b = before.st[i];
      const a = afterObs.st[i];
      const where = `${what}: page 0x${(start + i).toString(16)}`;
      switch (op.advice) {
        case 'pageout': {
          if (b !== St.PRESENT) break;
          if (pg.shm) break; // shmem pages go to the object's swap; the value follows the object
          if (a === St.NONE) {
            // A lazily freed clean page is discarded.
            if (!pg.lazy) this.fail(`${where}: discarded, but it was not lazily freed`);
            this.drop(pg);
          } else if (a === St.SWAP) {
            // Swapped with its value (a lazily freed page that was dirtied since, e.g. by a GUP write, is swapped too).
          } else if (a === St.PRESENT) {
            // Eligible: a small exclusive anonymous page, not the zero page, not pinned.
            const small = (before.kpf[i] & (KPF.HEAD | KPF.TAIL)) === 0;
            const excl = (before.pm[i] & PM.EXCLUSIVE) !== 0;
            if (small && excl && !this.pinnedFolio(before.frame[i]) && (before.kpf[i] & KPF.ZERO) === 0) this.fail(`${where}: an exclusive small anonymous page was not paged out`);
          } else this.fail(`${where}: state ${a} after pageout`);
          break;
        }
        case 'free': {
          if (b === St.SWAP) this.drop(pg);
          else if (b === St.PRESENT && (afterObs.kpf[i] & KPF.ANON) !== 0) {
            // Lazily freed: SWAPBACKED is gone, or the folio waits in the per-CPU lazyfree batch (src/mm/lru.ts),
            // which every later pageout drains first; a page shared with another process is neither.
            const queued = this.k.lru.lazyfree.includes(this.k.mem.headOf(afterObs.frame[i]));
            if (queued && (afterObs.kpf[i] & KPF.SWAPBACKED) === 0) this.fail(`${where}: queued in the lazyfree batch without SWAPBACKED`);
            pg.lazy = queued || (afterObs.kpf[i] & KPF.SWAPBACKED) === 0;
            if (pg.lazy && (afterObs.pm[i] & PM.EXCLUSIVE) === 0 && this.k.mem.totalMapcount[this.k.mem.headOf(afterObs.frame[i])] > 1) this.fail(`${where}: a shared page was lazily freed`);
          } else if (b === St.PRESENT) pg.lazy = false;
          break;
        }
        case 'dontneed': {
          if (b === St.PRESENT || b === St.SWAP) {
            if (pg.shm) pg.lazy = false;
            else this.drop(pg);
          }
          break;
        }
        case 'guard_install': {
          if (!pg.shm) this.drop(pg);
          pg.wp = false;
          pg.guard = true;
          break;
        }
        case 'guard_remove':
          pg.guard = false;
          break;
        case 'hugepage':
          pg.thp = 1;
          break;
        default:
          break;
      }
    }
  }

  stepMremap(op: Extract<Op, { t: 'mremap' }>, what: string): void {
    const P = this.P;
    const p = this.proc(op.pid);
    const old = op.addr / P;
    const oldN = Math.ceil(op.oldLen / P);
    const newN = Math.ceil(op.newLen / P);
    const fixed = (op.flags & MREMAP.FIXED) !== 0;
    const dontunmap = (op.flags & MREMAP.DONTUNMAP) !== 0;
    const dest = op.newAddr === null ? -1 : op.newAddr / P;
    const vma = p.mm.vmaAt(old);
    let want: Outcome = 'ok';
    if (fixed && dest < old + oldN && old < dest + newN) want = 'EINVAL';
    else if (!vma) want = 'EFAULT';
    else if (old + oldN > vma.end) want = 'EFAULT';
    else if (!fixed && newN > oldN && !(vma.end === old + oldN && p.mm.overlapping(vma.end, vma.end + newN - oldN).length === 0) && (op.flags & MREMAP.MAYMOVE) === 0) want = 'ENOMEM';
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

  /** mremap's move (or in-place growth when dest === old): entries, markers and uffd-wp bits go along. */
  movePages(p: Proc, old: number, n: number, dest: number, extra: number, dontunmap: boolean): void {
    const inPlace = dest === old;
    const moved: NPg[] = [];
    for (let i = 0; i < n; i++) {
      const pg = p.pages.get(old + i);
      if (!pg) throw new Error(`shadow: moving unmapped page ${old + i}`);
      moved.push(pg);
    }
    if (!inPlace) {
      for (let i = 0; i < n; i++) {
        const pg = moved[i];
        if (dontunmap) {
          // The old range stays mapped (and registered), empty: private contents, markers and bits moved away.
          const q: NPg = { ...pg, val: 0, wp: false, guard: false, lazy: false };
          if (q.shm) q.shm.refs++;
          p.pages.set(old + i, q);
        } else p.pages.delete(old + i);
      }
      // The moved VMA keeps its userfaultfd context (UFFD_FEATURE_EVENT_REMAP behaviour).
      moved.forEach((pg, i) => p.pages.set(dest + i, pg));
    }
    const last = moved[moved.length - 1];
    for (let j = 0; j < extra; j++) {
      const q: NPg = { ...last, val: 0, idx: last.idx + 1 + j, guard: false, wp: false, lazy: false, reg: last.reg };
      if (q.shm) q.shm.refs++;
      p.pages.set(dest + n + j, q);
    }
  }

  // ------------------------------------------------------------ checks

  /**
   * After every step: the VMAs cover the shadow's pages with its protection;
   * every page's PM_UFFD_WP and PM_GUARD are the shadow's; a non-faulting
   * peek at each page agrees with the shadow's value; the delivered uffd
   * events are the predicted ones.
   */
  checkShadow(after: string): void {
    const k = this.k;
    const evs = k.uffdEvents.slice(this.seenEvents);
    this.seenEvents = k.uffdEvents.length;
    const want = this.events.splice(0);
    const fmt = (e: { pid: number; vpn: number; kind: string }): string => `${e.kind}@${e.pid}:0x${e.vpn.toString(16)}`;
    if (evs.map(fmt).join(' ') !== want.map(fmt).join(' ')) this.fail(`after ${after}: uffd events [${evs.map(fmt).join(' ')}], the shadow expects [${want.map(fmt).join(' ')}]`);
    for (let i = 0; i < evs.length; i++) this.stats.count('uffd event', 'ok');
    for (const p of this.procs.values()) {
      let covered = 0;
      for (const v of p.mm.vmas) {
        covered += v.pages;
        const prot = (v.has(VM.READ) ? PROT.READ : 0) | (v.has(VM.WRITE) ? PROT.WRITE : 0);
        const o = this.observe(p, v.start, v.pages);
        for (let i = 0; i < v.pages; i++) {
          const vpn = v.start + i;
          const pg = p.pages.get(vpn);
          const where = `after ${after}: pid ${p.pid} page 0x${vpn.toString(16)}`;
          if (!pg) this.fail(`${where}: mapped in the model, not in the shadow`);
          if (i === 0 && pg.prot !== prot) this.fail(`${where}: prot ${prot}, the shadow says ${pg.prot}`);
          if (i === 0 && (pg.shm !== null) !== (v.object !== null)) this.fail(`${where}: shared ${v.object !== null}, the shadow says ${pg.shm !== null}`);
          if (i === 0 && (pg.reg !== null) !== v.has(VM.UFFD_WP)) this.fail(`${where}: uffd-wp registered ${v.has(VM.UFFD_WP)}, the shadow says ${pg.reg !== null}`);
          const wp = (o.pm[i] & PM.UFFD_WP) !== 0;
          if (wp !== pg.wp) {
            this.focus = { pid: p.pid, vpn };
            this.fail(`${where}: PM_UFFD_WP ${wp}, the uffd-wp shadow says ${pg.wp}`);
          }
          if (wp) this.stats.count('uffd-wp page seen', ['none', 'present', 'swapped', 'marker', 'migration'][o.st[i]]);
          const guard = (o.pm[i] & PM.GUARD) !== 0;
          if (guard !== pg.guard) this.fail(`${where}: PM_GUARD ${guard}, the shadow says ${pg.guard}`);
          this.peek(p, vpn, pg, o.st[i], o.frame[i], where);
        }
      }
      if (covered !== p.pages.size) this.fail(`after ${after}: pid ${p.pid}: the model maps ${covered} pages, the shadow ${p.pages.size}`);
    }
  }

  /** The value behind an entry, without faulting: a present page, a swap slot (or its swap-cache folio). */
  peek(p: Proc, vpn: number, pg: NPg, st: number, frame: number, where: string): void {
    const k = this.k;
    const want = this.value(pg);
    let got: number;
    if (st === St.PRESENT) got = k.mem.isFolioPage(frame) ? k.mem.content[frame] : 0;
    else if (st === St.SWAP) {
      const off = Math.floor(frame / 32);
      const cached = k.swap?.cache.get(off);
      got = cached !== undefined ? k.mem.content[cached] : (k.swap?.content.get(off) ?? -1);
    } else if (pg.shm) return; // in the object's page cache or swap: read faults check it
    else got = 0;
    if (got !== want) {
      this.focus = { pid: p.pid, vpn };
      this.fail(`${where}: holds ${got} (entry state ${st}), the shadow says ${want}`);
    }
  }

  run(nops: number): void {
    for (let i = 0; i < nops; i++) {
      const op = this.genOp();
      const line = show(op);
      this.log.push(line);
      this.step(op);
      this.stats.ops++;
      if (TRACE >= 0) for (const p of this.procs.values()) console.log(`${i} ${line}\n    ${entryState(this.k, p.mm, TRACE)}`);
      this.checkInvariants(this.k, line);
      this.checkShadow(line);
    }
    // Every page is read once more (through faults: swap-in, markers), then everything exits.
    for (const p of this.procs.values()) {
      for (const [vpn, pg] of p.pages) {
        if (pg.guard || pg.prot === PROT.NONE) continue;
        this.focus = { pid: p.pid, vpn };
        const got = this.call(`final read pid ${p.pid} page 0x${vpn.toString(16)}`, () => readRange(this.k, p.mm, vpn * this.P, this.P)[0]);
        if (!('value' in got) || got.value !== this.value(pg)) this.fail(`final read pid ${p.pid} page 0x${vpn.toString(16)}: ${JSON.stringify(got)}, the shadow says ${this.value(pg)}`);
      }
    }
    this.checkInvariants(this.k, 'the final reads');
    this.checkShadow('the final reads');
    for (const p of [...this.procs.values()]) {
      this.log.push(show({ t: 'exit', pid: p.pid }));
      this.call('final exit', () => this.k.exitMm(p.mm));
      this.exitShadow(p);
    }
    this.checkInvariants(this.k, 'the final exits');
    // Zapping the last mapping of a swap-cache folio frees it and its slot (free_swap_cache): nothing is left.
    const swap = this.k.swap;
    assert.ok(swap);
    assert.equal(swap.cache.size, 0, 'swap-cache folios left after every process exited');
    assert.equal(swap.used, 0, 'swap slots still in use after every process exited');
    assertTornDown(this.k, this.allMms);
  }
}

describe('random non-present entry sequences (swap, migration, uffd-wp, guards, pins)', () => {
  const t0 = Date.now();
  const only = envArch(PREFIX);
  for (const r of RUNS) {
    if (only !== undefined && r.arch !== only) continue;
    const ops = envOps(PREFIX, r.ops);
    describe(r.arch, () => {
      for (const seed of seedsFor(PREFIX, r.arch, r.seeds)) {
        it(`seed ${seed}: ${ops} operations`, () => {
          new Run(r.arch, seed).run(ops);
        });
      }
    });
  }
  after(() => {
    stats.ms = Date.now() - t0;
    console.log(stats.summary('property-nonpresent'));
  });
});
