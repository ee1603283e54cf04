// Random operation sequences against the model, checked after every step:
// - the invariant checker finds nothing (checkInvariants(k) is empty);
// - every syscall returns what the kernel's rules predict (the shadow in
//   helpers/shadow.ts), every access returns the shadow's value or signal;
// - the VMAs cover exactly the shadow's pages with the shadow's protection,
//   sharing, object and offset, fork/dontfork/wipeonfork flags;
// - NotSupportedError never happens for these operations;
// and at the end, after every process exits, nothing is left but the page
// cache of the regular files.
//
// Reproduce a failure with MMSIM_PROPERTY_ARCH=<arch> MMSIM_PROPERTY_SEED=<seed>
// (and MMSIM_PROPERTY_OPS=<n>); the failure message lists the operations.
// Operations that would hit a divergence already reported as a bug (see
// mm.test.ts todo tests) are skipped and counted.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KernelError, NotSupportedError, type FailureName } from '../src/mm/errno.js';
import { fork } from '../src/mm/fork.js';
import { checkInvariants } from '../src/mm/invariants.js';
import type { Kernel } from '../src/mm/kernel.js';
import type { Mm } from '../src/mm/mm.js';
import { MAP, MREMAP, PROT, madvise, mmap, mprotect, mremap, munmap, readRange, writeRange, type Advice } from '../src/mm/syscalls.js';
import { VM } from '../src/mm/vma.js';
import { ARCHES, Env, assertTornDown } from './helpers/mm.js';
import { Rng } from './helpers/prng.js';
import { type Expect, OK, Shadow, err } from './helpers/shadow.js';

/**
 * Sequences per format: 10 000 operations over the first five formats (one
 * sequence for each later one), fewer where the invariant checker is slow
 * (its full walk visits every entry of 2048- and 8192-entry tables).
 */
const SEEDS: Record<string, number> = { x86_64: 6, 'x86_64-la57': 4, 'arm64-4k': 5, 'arm64-16k': 3, 'arm64-64k': 2 };
const SEEDS_OVERRIDE = process.env.MMSIM_PROPERTY_SEEDS;
const OPS_PER_SEQUENCE = Number(process.env.MMSIM_PROPERTY_OPS ?? 500);
const ONLY_SEED = process.env.MMSIM_PROPERTY_SEED;
const ONLY_ARCH = process.env.MMSIM_PROPERTY_ARCH;
const MAX_PROCS = 4;
/** Regular files: name and size in grains (see Env.grain) plus pages. */
const FILES: readonly [string, number, number][] = [
  ['f1', 24, 0],
  ['f2', 6, 3],
];

type Op =
  | { t: 'mmap'; pid: number; addr: number | null; len: number; prot: number; flags: number; file: string | null; off: number }
  | { t: 'munmap'; pid: number; addr: number; len: number }
  | { t: 'mprotect'; pid: number; addr: number; len: number; prot: number }
  | { t: 'madvise'; pid: number; addr: number; len: number; advice: string }
  | { t: 'mremap'; pid: number; addr: number; oldLen: number; newLen: number; flags: number; newAddr: number | null }
  | { t: 'read'; pid: number; addr: number }
  | { t: 'write'; pid: number; addr: number; value: number }
  | { t: 'sweep'; pid: number; all: boolean }
  | { t: 'fork'; pid: number }
  | { t: 'exit'; pid: number };

function show(op: Op): string {
  return JSON.stringify(op, (key, v: unknown) => (typeof v === 'number' && /addr|len|Addr|Len/.test(key) ? '0x' + v.toString(16) : v));
}

const PROTS: readonly (readonly [number, number])[] = [
  [5, PROT.READ | PROT.WRITE],
  [2, PROT.READ],
  [1, PROT.NONE],
  [1, PROT.WRITE],
  [1, PROT.READ | PROT.EXEC],
];

class Stats {
  ops = 0;
  /** Per operation kind: [succeeded, failed as expected]. */
  byOp = new Map<string, [number, number]>();
  skipped = new Map<string, number>();
  errors = new Map<string, number>();
  ms = 0;
}
const totals = new Stats();

/** One random sequence on one format. */
class Run {
  readonly e: Env;
  readonly k: Kernel;
  readonly P: number;
  readonly rng: Rng;
  readonly shadow: Shadow;
  readonly procs = new Map<number, Mm>();
  readonly allMms: Mm[] = [];
  /** Model shmem object id -> shadow object key. */
  readonly shmKey = new Map<number, string>();
  readonly log: string[] = [];
  /** Arena: the first vpn of a fresh top-level slot; S pages per PMD span; g pages per step. */
  readonly base: number;
  readonly S: number;
  readonly g: number;
  readonly fileSize: Map<string, number>;

  constructor(
    readonly arch: string,
    readonly seed: number,
  ) {
    this.e = new Env(arch);
    this.k = this.e.k;
    this.P = this.e.P;
    this.rng = new Rng(seed);
    this.shadow = new Shadow((i) => this.e.tag(i));
    this.g = this.e.grain;
    this.fileSize = new Map(FILES.map(([name, grains, pages]) => [name, grains * this.g + pages]));
    for (const [name, pages] of this.fileSize) {
      this.k.createFile(name, pages * this.P - (name === 'f2' ? 100 : 0));
      this.shadow.addFile(name, pages);
    }
    this.procs.set(this.e.mm.pid, this.e.mm);
    this.allMms.push(this.e.mm);
    this.shadow.spawn(this.e.mm.pid);
    this.base = this.e.slot(1) / this.P;
    this.S = this.e.span;
  }

  fail(why: string): never {
    const tail = this.log.map((l, i) => `  ${String(i).padStart(4)} ${l}`).join('\n');
    throw new assert.AssertionError({
      message: `${this.arch} seed ${this.seed}: ${why}\n(reproduce: MMSIM_PROPERTY_ARCH=${this.arch} MMSIM_PROPERTY_SEED=${this.seed} MMSIM_PROPERTY_OPS=${this.log.length})\noperations:\n${tail}`,
    });
  }

  // ------------------------------------------------------------ choices

  pickPid(): number {
    return this.rng.pick([...this.procs.keys()]);
  }

  /** A length in pages: a few steps, sometimes more. */
  len(): number {
    const steps = this.rng.weighted<[number, number]>([
      [6, [1, 3]],
      [3, [4, 8]],
      [1, [9, 16]],
    ]);
    return this.g * this.rng.range(steps[0], steps[1]);
  }

  /** A vpn for a range of n pages: next to an existing VMA, or near interesting spots of the arena. */
  pos(pid: number, n: number): number {
    const mm = this.procs.get(pid) as Mm;
    if (mm.vmas.length > 0 && this.rng.chance(0.35)) {
      const v = this.rng.pick(mm.vmas);
      const r = this.rng.int(3);
      if (r === 0) return v.end;
      if (r === 1) return Math.max(this.g, v.start - n);
      return v.start + this.g * this.rng.int(Math.max(1, Math.floor(v.pages / this.g)));
    }
    const sg = this.S / this.g;
    const step = this.rng.weighted<number>([
      [5, this.rng.int(24)],
      [2, Math.max(0, sg - 1 - this.rng.int(6))],
      [2, sg + this.rng.int(8)],
      [1, 2 * sg - 1 - this.rng.int(4)],
      [1, 2 * sg + this.rng.int(4)],
    ]);
    return this.base + this.g * step;
  }

  /**
   * A range [vpn, vpn + n) for munmap/mprotect/madvise: mostly part of one
   * VMA or a run across neighbouring VMAs, sometimes anywhere (holes).
   */
  span(pid: number): [number, number] {
    const mm = this.procs.get(pid) as Mm;
    const r = this.rng.float();
    if (mm.vmas.length > 0 && r < 0.8) {
      const i = this.rng.int(mm.vmas.length);
      const v = mm.vmas[i];
      const steps = Math.max(1, Math.floor(v.pages / this.g));
      const a = this.rng.int(steps);
      const start = v.start + a * this.g;
      if (r < 0.55) return [start, this.g * this.rng.range(1, steps - a)];
      // To the end of a following VMA (maybe across a hole).
      const w = mm.vmas[Math.min(mm.vmas.length - 1, i + this.rng.int(3))];
      // (Not across the whole address space: the arena and mmap(NULL)'s area are far apart.)
      if (w.end - start <= 64 * this.g) return [start, Math.max(this.g, w.end - start)];
      return [start, this.g * this.rng.range(1, steps - a)];
    }
    const n = this.len();
    return [this.pos(pid, n), n];
  }

  /** A page to access: mostly a mapped one. */
  page(pid: number): number {
    const mm = this.procs.get(pid) as Mm;
    if (mm.vmas.length > 0 && this.rng.chance(0.85)) {
      const v = this.rng.pick(mm.vmas);
      return v.start + this.rng.int(v.pages);
    }
    return this.pos(pid, 1) + this.rng.int(this.g * 2);
  }

  genOp(): Op {
    const pid = this.pickPid();
    const P = this.P;
    const kind = this.rng.weighted<string>([
      [14, 'mmap'],
      [6, 'munmap'],
      [8, 'mprotect'],
      [12, 'madvise'],
      [9, 'mremap'],
      [22, 'read'],
      [22, 'write'],
      [this.procs.size < MAX_PROCS ? 3 : 0, 'fork'],
      [this.procs.size > 1 ? 3 : 0, 'exit'],
      [1, 'sweep'],
    ]);
    const bad = this.rng.chance(0.04);
    switch (kind) {
      case 'mmap': {
        const n = this.len();
        const what = this.rng.weighted<string>([
          [5, 'anon'],
          [2, 'shared'],
          [2, 'file'],
          [2, 'sharedfile'],
        ]);
        const file = what === 'file' || what === 'sharedfile' ? this.rng.pick(FILES)[0] : null;
        let flags = what === 'shared' || what === 'sharedfile' ? MAP.SHARED : MAP.PRIVATE;
        if (file === null) flags |= MAP.ANONYMOUS;
        const placement = this.rng.weighted<number>([
          [5, MAP.FIXED],
          [2, MAP.FIXED_NOREPLACE],
          [3, 0],
        ]);
        flags |= placement;
        if (this.rng.chance(0.15)) flags |= MAP.POPULATE;
        let addr = placement === 0 ? null : this.pos(pid, n) * P;
        let len = n * P;
        // File offsets need no alignment beyond the page: only virtual boundaries follow the grain.
        let off = file === null ? 0 : this.rng.int((this.fileSize.get(file) ?? 0) + 4) * P;
        if (bad) {
          const b = this.rng.int(4);
          if (b === 0) len = 0;
          else if (b === 1 && addr !== null) addr += 8;
          else if (b === 2 && file !== null) off += 100;
          else if (b === 3 && file === null && placement === 0) flags |= MAP.SHARED | MAP.PRIVATE;
        } else if (this.rng.chance(0.1)) len -= 1; // a length that is not a page multiple rounds up
        return { t: 'mmap', pid, addr, len, prot: this.rng.weighted(PROTS), flags, file, off };
      }
      case 'munmap': {
        const [at, n] = this.span(pid);
        let addr = at * P;
        let len = n * P;
        if (bad) {
          if (this.rng.chance(0.5)) addr += 8;
          else len = 0;
        }
        return { t: 'munmap', pid, addr, len };
      }
      case 'mprotect': {
        const [at, n] = this.span(pid);
        let addr = at * P;
        let prot = this.rng.weighted(PROTS);
        if (bad) {
          if (this.rng.chance(0.5)) addr += 8;
          else prot = 0x10;
        }
        return { t: 'mprotect', pid, addr, len: n * P, prot };
      }
      case 'madvise': {
        const [at, n] = this.span(pid);
        let addr = at * P;
        let advice = this.rng.weighted<string>([
          [8, 'dontneed'],
          [4, 'populate_read'],
          [4, 'populate_write'],
          [2, 'dontfork'],
          [2, 'dofork'],
          [3, 'wipeonfork'],
          [1, 'keeponfork'],
          [1, 'normal'],
        ]);
        if (bad) {
          if (this.rng.chance(0.5)) addr += 8;
          else advice = 'bogus';
        }
        return { t: 'madvise', pid, addr, len: n * P, advice };
      }
      case 'mremap':
        return this.genMremap(pid, bad);
      case 'read':
        return { t: 'read', pid, addr: this.page(pid) * P };
      case 'write':
        return { t: 'write', pid, addr: this.page(pid) * P, value: this.rng.u32() };
      case 'fork':
        return { t: 'fork', pid };
      case 'exit':
        return { t: 'exit', pid };
      default:
        return { t: 'sweep', pid, all: false };
    }
  }

  genMremap(pid: number, bad: boolean): Op {
    const P = this.P;
    const g = this.g;
    const mm = this.procs.get(pid) as Mm;
    let old: number;
    let oldN: number;
    if (mm.vmas.length > 0 && this.rng.chance(0.9)) {
      const v = this.rng.pick(mm.vmas);
      const steps = Math.max(1, Math.floor(v.pages / g));
      const a = this.rng.int(steps);
      old = v.start + a * g;
      oldN = g * this.rng.range(1, Math.max(1, steps - a));
      if (this.rng.chance(0.08)) oldN += g * this.rng.range(1, 3); // past the VMA end
    } else {
      oldN = this.len();
      old = this.pos(pid, oldN);
    }
    const mode = this.rng.weighted<string>([
      [4, 'shrink'],
      [5, 'grow'],
      [6, 'fixed'],
      [3, 'dontunmap'],
      [1, 'same'],
    ]);
    let newN = oldN;
    let flags = 0;
    let dest: number | null = null;
    if (mode === 'shrink') {
      newN = g * this.rng.range(1, Math.max(1, oldN / g - 1));
      if (this.rng.chance(0.5)) flags = MREMAP.MAYMOVE;
    } else if (mode === 'grow') {
      newN = oldN + g * this.rng.range(1, 6);
      if (this.rng.chance(0.6)) flags = MREMAP.MAYMOVE;
    } else if (mode === 'fixed') {
      newN = this.rng.weighted<number>([
        [3, oldN],
        [1, g * this.rng.range(1, Math.max(1, oldN / g))],
        [2, oldN + g * this.rng.range(1, 4)],
      ]);
      flags = MREMAP.MAYMOVE | MREMAP.FIXED;
      dest = this.pos(pid, newN);
    } else if (mode === 'dontunmap') {
      flags = MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP;
      dest = this.pos(pid, newN);
    }
    let addr = old * P;
    let newLen = newN * P;
    let newAddr = dest === null ? null : dest * P;
    if (bad) {
      const b = this.rng.int(5);
      if (b === 0) flags = MREMAP.FIXED;
      else if (b === 1) flags = MREMAP.MAYMOVE | MREMAP.DONTUNMAP | MREMAP.FIXED;
      else if (b === 2) addr += 8;
      else if (b === 3) newLen = 0;
      else newAddr = addr + P * g;
      if (b === 1) newLen = (oldN + g) * P;
      if (b === 1 || b === 4) newAddr ??= this.pos(pid, newN) * P;
      if (b === 4) flags = MREMAP.MAYMOVE | MREMAP.FIXED;
    }
    return { t: 'mremap', pid, addr, oldLen: oldN * P, newLen, flags, newAddr };
  }

  // ---------------------------------------------------------- execution

  /** Run `fn` on the model: its result, or the KernelError's code. Anything else is a failure. */
  call<T>(what: string, fn: () => T): { value: T } | { code: FailureName } {
    try {
      return { value: fn() };
    } catch (x) {
      if (x instanceof KernelError) return { code: x.code };
      if (x instanceof NotSupportedError) this.fail(`${what}: NotSupportedError: ${x.message}`);
      this.fail(`${what}: threw ${x instanceof Error ? (x.stack ?? x.message) : String(x)}`);
    }
  }

  /** Compare the model's outcome with the expectation. */
  expect<T>(what: string, got: { value: T } | { code: FailureName }, want: Expect): void {
    if ('skip' in want) throw new Error('expect() with a skip');
    const gotCode = 'code' in got ? got.code : null;
    if (gotCode !== want.code) this.fail(`${what}: expected ${want.code ?? 'success'}, got ${gotCode ?? 'success'}`);
    if (gotCode !== null) totals.errors.set(gotCode, (totals.errors.get(gotCode) ?? 0) + 1);
    const kind = what.slice(6, what.indexOf('"', 6));
    const c = totals.byOp.get(kind) ?? [0, 0];
    c[gotCode === null ? 0 : 1]++;
    totals.byOp.set(kind, c);
  }

  skip(why: string): void {
    totals.skipped.set(why, (totals.skipped.get(why) ?? 0) + 1);
  }

  step(op: Op): void {
    const mm = this.procs.get(op.pid) as Mm;
    const sh = this.shadow;
    const P = this.P;
    const k = this.k;
    const what = show(op);
    switch (op.t) {
      case 'read': {
        const want = sh.read(op.pid, op.addr / P);
        const got = this.call(what, () => readRange(k, mm, op.addr, P)[0]);
        if (typeof want === 'number') {
          this.expect(what, got, OK);
          if ('value' in got && got.value !== want) this.fail(`${what}: read ${got.value}, the shadow says ${want}`);
        } else this.expect(what, got, err(want));
        break;
      }
      case 'write': {
        const want = sh.write(op.pid, op.addr / P, op.value);
        const got = this.call(what, () => writeRange(k, mm, op.addr, P, () => op.value));
        this.expect(what, got, want === null ? OK : err(want));
        break;
      }
      case 'sweep': {
        // Every page (the final sweep), or a sample of them.
        let vpns = [...sh.pages(op.pid).keys()];
        if (!op.all && vpns.length > 128) vpns = Array.from({ length: 128 }, () => this.rng.pick(vpns));
        for (const vpn of vpns) {
          const want = sh.read(op.pid, vpn);
          const got = this.call(`${what} page 0x${vpn.toString(16)}`, () => readRange(k, mm, vpn * P, P)[0]);
          if (typeof want === 'number') {
            this.expect(`${what} page 0x${vpn.toString(16)}`, got, OK);
            if ('value' in got && got.value !== want) this.fail(`${what}: page 0x${vpn.toString(16)} reads ${got.value}, the shadow says ${want}`);
          } else this.expect(`${what} page 0x${vpn.toString(16)}`, got, err(want));
        }
        break;
      }
      case 'fork': {
        const c = this.call(what, () => fork(k, mm, `p${this.allMms.length}`));
        if (!('value' in c)) this.fail(`${what}: fork failed with ${c.code}`);
        this.procs.set(c.value.pid, c.value);
        this.allMms.push(c.value);
        sh.fork(op.pid, c.value.pid);
        break;
      }
      case 'exit': {
        this.call(what, () => k.exitMm(mm));
        this.procs.delete(op.pid);
        sh.exit(op.pid);
        if (mm.alive) this.fail(`${what}: still alive after exit`);
        break;
      }
      case 'munmap': {
        // do_vmi_munmap: EINVAL also for a range beyond TASK_SIZE.
        const invalid = op.addr % P !== 0 || op.len <= 0 || op.addr / P + Math.ceil(op.len / P) > this.k.fmt.userPages;
        const got = this.call(what, () => munmap(k, mm, op.addr, op.len));
        this.expect(what, got, invalid ? err('EINVAL') : OK);
        if (!invalid) sh.unmap(op.pid, op.addr / P, Math.ceil(op.len / P));
        break;
      }
      case 'mprotect': {
        let want: Expect;
        const start = op.addr / P;
        const n = Math.ceil(op.len / P);
        if (op.addr % P !== 0 || (op.prot & ~(PROT.READ | PROT.WRITE | PROT.EXEC)) !== 0) want = err('EINVAL');
        else if (start + n > this.k.fmt.userPages) {
          // Beyond TASK_SIZE there is no VMA: the kernel changes what is mapped before it, then ENOMEM.
          want = sh.pages(op.pid).has(start) ? { skip: 'known bug: mprotect past TASK_SIZE changes nothing' } : err('ENOMEM');
        } else want = sh.mprotect(op.pid, start, n, op.prot);
        if ('skip' in want) return this.skip(want.skip);
        this.expect(what, this.call(what, () => mprotect(k, mm, op.addr, op.len, op.prot)), want);
        break;
      }
      case 'madvise': {
        let want: Expect;
        if (op.advice === 'bogus' || op.addr % P !== 0) want = err('EINVAL');
        // is_valid_madvise has no TASK_SIZE check: past it the walk finds no VMA (ENOMEM).
        else if (op.addr / P + Math.ceil(op.len / P) > this.k.fmt.userPages) want = { skip: 'known bug: madvise past TASK_SIZE is EINVAL' };
        // A known-bug case is recognised before the shadow changes.
        else want = sh.madvise(op.pid, op.addr / P, Math.ceil(op.len / P), op.advice);
        if ('skip' in want) return this.skip(want.skip);
        this.expect(what, this.call(what, () => madvise(k, mm, op.addr, op.len, op.advice as Advice)), want);
        break;
      }
      case 'mmap':
        this.stepMmap(op, mm, what);
        break;
      case 'mremap':
        this.stepMremap(op, mm, what);
        break;
    }
  }

  stepMmap(op: Extract<Op, { t: 'mmap' }>, mm: Mm, what: string): void {
    const P = this.P;
    const sh = this.shadow;
    const n = Math.ceil(op.len / P);
    const shared = (op.flags & MAP.SHARED) !== 0;
    const priv = (op.flags & MAP.PRIVATE) !== 0;
    const fixed = (op.flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) !== 0;
    let want: Expect = OK;
    if (shared === priv || op.len <= 0 || op.off % P !== 0) want = err('EINVAL');
    else if (fixed && (op.addr ?? 0) % P !== 0) want = err('EINVAL');
    else if (fixed && (op.addr ?? 0) / P + n > this.k.fmt.userPages) want = err('ENOMEM');
    else if ((op.flags & MAP.FIXED_NOREPLACE) !== 0 && !sh.free(op.pid, (op.addr ?? 0) / P, n)) want = err('EEXIST');
    const file = op.file === null ? undefined : this.k.files.get(op.file);
    const got = this.call(what, () => mmap(this.k, mm, { addr: op.addr ?? undefined, length: op.len, prot: op.prot, flags: op.flags, file, offset: op.off }));
    this.expect(what, got, want);
    if (!('value' in got)) return;
    const r = got.value;
    if (r % P !== 0) this.fail(`${what}: returned an unaligned address 0x${r.toString(16)}`);
    const start = r / P;
    if (fixed && r !== op.addr) this.fail(`${what}: MAP_FIXED returned 0x${r.toString(16)}`);
    if (!fixed && !sh.free(op.pid, start, n)) this.fail(`${what}: mmap(NULL) returned 0x${r.toString(16)}, which overlaps a mapping`);
    let obj = '';
    if (op.file !== null) obj = `file:${op.file}`;
    else if (shared) {
      obj = sh.newShm();
      const v = mm.vmaAt(start);
      if (!v?.object) this.fail(`${what}: no shmem object behind the new mapping`);
      this.shmKey.set(v.object.id, obj);
    }
    sh.unmap(op.pid, start, n);
    sh.map(op.pid, start, n, { prot: op.prot, shared, obj, index: op.file === null ? 0 : op.off / P });
    // MAP_POPULATE of a writable private mapping breaks COW at once (populate_vma_page_range FOLL_WRITE).
    if ((op.flags & MAP.POPULATE) !== 0 && priv && (op.prot & PROT.WRITE) !== 0) {
      const m = sh.pages(op.pid);
      for (let v = start; v < start + n; v++) {
        const p = m.get(v);
        if (!p || sh.beyondEof(p)) break;
        sh.breakCow(p);
      }
    }
  }

  stepMremap(op: Extract<Op, { t: 'mremap' }>, mm: Mm, what: string): void {
    const P = this.P;
    const sh = this.shadow;
    const { MAYMOVE, FIXED, DONTUNMAP } = MREMAP;
    const old = op.addr / P;
    const oldN = Math.ceil(op.oldLen / P);
    const newN = Math.ceil(op.newLen / P);
    const isFixed = (op.flags & FIXED) !== 0;
    const dest = op.newAddr === null ? -1 : op.newAddr / P;
    let want: Expect = OK;
    let inPlace = false;
    const vma = mm.vmaAt(old);
    if ((op.flags & ~(MAYMOVE | FIXED | DONTUNMAP)) !== 0) want = err('EINVAL');
    else if (isFixed && (op.flags & MAYMOVE) === 0) want = err('EINVAL');
    else if ((op.flags & DONTUNMAP) !== 0 && ((op.flags & MAYMOVE) === 0 || op.oldLen !== op.newLen)) want = err('EINVAL');
    else if (op.addr % P !== 0 || op.newLen <= 0) want = err('EINVAL');
    else if (isFixed && (op.newAddr === null || op.newAddr % P !== 0 || dest + newN > this.k.fmt.userPages || (dest < old + oldN && old < dest + newN))) want = err('EINVAL');
    else if (!vma) want = err('EFAULT');
    else if (old + oldN > vma.end) {
      if (!isFixed && newN <= oldN) want = { skip: 'known bug: mremap shrink/no-resize across VMAs is EFAULT' };
      else if (isFixed && newN < oldN && old + newN <= vma.end) want = { skip: 'known bug: mremap shrink/no-resize across VMAs is EFAULT' };
      else if (isFixed && newN === oldN && (op.flags & DONTUNMAP) === 0) want = { skip: 'a same-size MREMAP_FIXED move of several VMAs is allowed since 6.17; the shadow does not model it' };
      else if (isFixed && !sh.free(op.pid, dest, newN)) want = { skip: 'version-dependent: MREMAP_FIXED unmaps the target before the EFAULT check (6.16)' };
      else want = err('EFAULT');
    } else if (newN > oldN && vma.object?.shmem) want = { skip: 'known bug: growing shared anonymous memory grows the shmem file' };
    else if (!isFixed && newN > oldN) {
      inPlace = vma.end === old + oldN && sh.free(op.pid, vma.end, newN - oldN) && old + newN <= this.k.fmt.userPages;
      if (!inPlace && (op.flags & MAYMOVE) === 0) want = err('ENOMEM');
    }
    if ('skip' in want) return this.skip(want.skip);
    const got = this.call(what, () => mremap(this.k, mm, op.addr, op.oldLen, op.newLen, op.flags, op.newAddr ?? undefined));
    this.expect(what, got, want);
    if (!('value' in got)) return;
    const r = got.value;
    const at = r / P;
    if (isFixed) {
      if (r !== op.newAddr) this.fail(`${what}: MREMAP_FIXED returned 0x${r.toString(16)}`);
      sh.unmap(op.pid, dest, newN);
      if (newN < oldN) {
        sh.unmap(op.pid, old + newN, oldN - newN);
        sh.move(op.pid, old, newN, dest, 0, false);
      } else sh.move(op.pid, old, oldN, dest, newN - oldN, (op.flags & DONTUNMAP) !== 0);
    } else if (newN <= oldN) {
      if (r !== op.addr) this.fail(`${what}: an in-place shrink returned 0x${r.toString(16)}`);
      sh.unmap(op.pid, old + newN, oldN - newN);
    } else if (inPlace) {
      if (r !== op.addr) this.fail(`${what}: an in-place grow returned 0x${r.toString(16)}`);
      sh.move(op.pid, old, oldN, old, newN - oldN, false);
    } else {
      if (r % P !== 0 || at === old) this.fail(`${what}: a moving grow returned 0x${r.toString(16)}`);
      if (!sh.free(op.pid, at, newN)) this.fail(`${what}: moved onto a mapping at 0x${r.toString(16)}`);
      sh.move(op.pid, old, oldN, at, newN - oldN, false);
    }
  }

  // ------------------------------------------------------------ checks

  /** The model's VMAs cover exactly the shadow's pages, with the same properties. */
  checkStructure(): void {
    const sh = this.shadow;
    for (const [pid, mm] of this.procs) {
      const pages = sh.pages(pid);
      let covered = 0;
      for (const v of mm.vmas) {
        covered += v.pages;
        const prot = (v.has(VM.READ) ? PROT.READ : 0) | (v.has(VM.WRITE) ? PROT.WRITE : 0) | (v.has(VM.EXEC) ? PROT.EXEC : 0);
        let key = '';
        if (v.object) key = v.object.shmem ? (this.shmKey.get(v.object.id) ?? `?shm${v.object.id}`) : `file:${v.object.name}`;
        // Every page, or (with a grain > 1, where every boundary is grain-aligned) the first of each grain and the last.
        const last = v.end - 1;
        for (let vpn = v.start; ; vpn = Math.min(vpn + this.g, last)) {
          const p = pages.get(vpn);
          const where = `pid ${pid} page 0x${vpn.toString(16)} (VMA 0x${v.start.toString(16)}-0x${v.end.toString(16)})`;
          if (!p) this.fail(`${where}: mapped in the model, not in the shadow`);
          if (p.prot !== prot) this.fail(`${where}: prot ${prot}, the shadow says ${p.prot}`);
          if (p.shared !== v.has(VM.MAYSHARE)) this.fail(`${where}: shared ${v.has(VM.MAYSHARE)}, the shadow says ${p.shared}`);
          if (p.obj !== key) this.fail(`${where}: object ${key}, the shadow says ${p.obj}`);
          if (v.object && p.index !== v.pgoffAt(vpn)) this.fail(`${where}: offset ${v.pgoffAt(vpn)}, the shadow says ${p.index}`);
          if (p.dontfork !== v.has(VM.DONTCOPY)) this.fail(`${where}: dontfork ${v.has(VM.DONTCOPY)}, the shadow says ${p.dontfork}`);
          if (p.wipeonfork !== v.has(VM.WIPEONFORK)) this.fail(`${where}: wipeonfork ${v.has(VM.WIPEONFORK)}, the shadow says ${p.wipeonfork}`);
          if (vpn === last) break;
        }
      }
      if (covered !== pages.size) this.fail(`pid ${pid}: the model maps ${covered} pages, the shadow ${pages.size}`);
    }
  }

  checkInvariants(after: string): void {
    const problems = checkInvariants(this.k);
    if (problems.length > 0) this.fail(`invariants broken after ${after}:\n    ${problems.slice(0, 10).join('\n    ')}`);
  }

  run(nops: number): void {
    for (let i = 0; i < nops; i++) {
      const op = this.genOp();
      this.log.push(show(op));
      this.step(op);
      totals.ops++;
      this.checkInvariants(show(op));
      this.checkStructure();
    }
    // Read everything once more, then every process exits.
    for (const pid of [...this.procs.keys()]) {
      const op: Op = { t: 'sweep', pid, all: true };
      this.log.push(show(op));
      this.step(op);
    }
    this.checkInvariants('the final sweep');
    for (const [pid, mm] of [...this.procs]) {
      this.log.push(show({ t: 'exit', pid }));
      this.call('final exit', () => this.k.exitMm(mm));
      this.procs.delete(pid);
      this.shadow.exit(pid);
    }
    this.checkInvariants('the final exits');
    assertTornDown(this.k, this.allMms);
  }
}

function seedsFor(arch: string): number[] {
  if (ONLY_SEED !== undefined) return [Number(ONLY_SEED)];
  let h = 2166136261;
  for (const ch of arch) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const n = SEEDS_OVERRIDE !== undefined ? Number(SEEDS_OVERRIDE) : (SEEDS[arch] ?? 1);
  return Array.from({ length: n }, (_, i) => (h + i * 0x9e3779b9) >>> 0);
}

describe('random operation sequences', () => {
  const t0 = Date.now();
  for (const arch of ARCHES) {
    if (ONLY_ARCH !== undefined && arch !== ONLY_ARCH) continue;
    describe(arch, () => {
      for (const seed of seedsFor(arch)) {
        it(`seed ${seed}: ${OPS_PER_SEQUENCE} operations`, () => {
          new Run(arch, seed).run(OPS_PER_SEQUENCE);
        });
      }
    });
  }
  after(() => {
    totals.ms = Date.now() - t0;
    const skipped = [...totals.skipped].map(([w, n]) => `${n} x ${w}`).join('; ') || 'none';
    const errors = [...totals.errors].map(([c, n]) => `${c} ${n}`).join(', ');
    const byOp = [...totals.byOp].map(([op, [ok, bad]]) => `${op} ${ok}/${bad}`).join(', ');
    console.log(`# property: ${totals.ops} operations in ${totals.ms} ms (ok/failed: ${byOp}); expected failures: ${errors}; skipped: ${skipped}`);
  });
});
