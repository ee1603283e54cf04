// Shared machinery of the second-generation property tests
// (property-huge.test.ts, property-nonpresent.test.ts): seeds and
// environment overrides, an operation log printed on failure with the line
// that reproduces it, model calls that turn KernelError into an errno or a
// signal (anything else fails the run), outcome counters, and the
// KNOWN_BUGS guard: an operation whose expected outcome hits a divergence
// already reproduced and reported is skipped, by name, and counted.
import assert from 'node:assert/strict';
import { KernelError, NotSupportedError, type FailureName } from '../../../src/mm/errno.js';
import { checkInvariants } from '../../../src/mm/invariants.js';
import { FrameKind } from '../../../src/mem/phys.js';
import type { Kernel } from '../../../src/mm/kernel.js';
import type { Mm } from '../../../src/mm/mm.js';
import { ATTR_NAMES, Attr, Kind } from '../../../src/arch/index.js';
import { decodeSoftleaf, newSoftleaf } from '../../../src/mm/softleaf.js';

/** What a step expects: success, one of a set of outcomes ('ok' for success), or a failure code. */
export type Outcome = 'ok' | FailureName;

export class Stats {
  ops = 0;
  /** Per operation kind: outcome -> count. */
  readonly byOp = new Map<string, Map<string, number>>();
  /** Known-bug skips per bug name. */
  readonly skipped = new Map<string, number>();
  ms = 0;

  count(kind: string, outcome: string): void {
    let m = this.byOp.get(kind);
    if (!m) this.byOp.set(kind, (m = new Map()));
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
  }

  summary(name: string): string {
    const ops = [...this.byOp]
      .map(([k, m]) => `${k} ${[...m].map(([o, n]) => `${o}:${n}`).join('/')}`)
      .join(', ');
    const skipped = [...this.skipped].map(([w, n]) => `${n} x ${w}`).join('; ') || 'none';
    return `# ${name}: ${this.ops} operations in ${this.ms} ms (${ops}); known-bug skips: ${skipped}`;
  }
}

/** Seeds for one format: MMSIM_<PREFIX>_SEED pins one; otherwise n seeds derived from the format name. */
export function seedsFor(prefix: string, arch: string, n: number): number[] {
  const only = process.env[`MMSIM_${prefix}_SEED`];
  if (only !== undefined) return [Number(only)];
  let h = 2166136261;
  for (const ch of `${prefix}:${arch}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const count = process.env[`MMSIM_${prefix}_SEEDS`] !== undefined ? Number(process.env[`MMSIM_${prefix}_SEEDS`]) : n;
  return Array.from({ length: count }, (_, i) => (h + i * 0x9e3779b9) >>> 0);
}

export function envOps(prefix: string, dflt: number): number {
  const v = process.env[`MMSIM_${prefix}_OPS`];
  return v === undefined ? dflt : Number(v);
}

export function envArch(prefix: string): string | undefined {
  return process.env[`MMSIM_${prefix}_ARCH`];
}

/** JSON of an operation with addresses and lengths in hex. */
export function show(op: object): string {
  return JSON.stringify(op, (key, v: unknown) => (typeof v === 'number' && /addr|len|Addr|Len|vpn|start|end/.test(key) ? '0x' + v.toString(16) : v));
}

/** One run: the log, failure reporting and the call/expect/known-bug helpers. */
export class RunBase {
  readonly log: string[] = [];

  constructor(
    readonly prefix: string,
    readonly arch: string,
    readonly seed: number,
    readonly stats: Stats,
    readonly knownBugs: ReadonlyMap<string, string>,
  ) {}

  /** Extra state for failure messages (the subclass describes the pages the last operation touched). */
  context(): string {
    return '';
  }

  fail(why: string): never {
    const ctx = this.context();
    const tail = this.log.map((l, i) => `  ${String(i).padStart(4)} ${l}`).join('\n');
    const p = `MMSIM_${this.prefix}`;
    throw new assert.AssertionError({
      message: `${this.arch} seed ${this.seed}: ${why}${ctx ? `\nstate: ${ctx}` : ''}\n(reproduce: ${p}_ARCH=${this.arch} ${p}_SEED=${this.seed} ${p}_OPS=${this.log.length})\noperations:\n${tail}`,
    });
  }

  /** Run `fn` on the model: its value, or the KernelError's code. Anything else fails the run. */
  call<T>(what: string, fn: () => T): { value: T } | { code: FailureName } {
    try {
      return { value: fn() };
    } catch (x) {
      if (x instanceof KernelError) return { code: x.code };
      if (x instanceof NotSupportedError) this.fail(`${what}: NotSupportedError: ${x.message}`);
      this.fail(`${what}: threw ${x instanceof Error ? (x.stack ?? x.message) : String(x)}`);
    }
  }

  /** The outcome of a call, checked against the allowed outcomes (the first is the usual one). */
  expect<T>(kind: string, what: string, got: { value: T } | { code: FailureName }, allowed: readonly Outcome[]): Outcome {
    const outcome: Outcome = 'code' in got ? got.code : 'ok';
    if (!allowed.includes(outcome)) this.fail(`${what}: expected ${allowed.join(' or ')}, got ${outcome}`);
    this.stats.count(kind, outcome);
    return outcome;
  }

  /**
   * The KNOWN_BUGS guard: the operation would hit the named, reproduced
   * divergence; it is skipped (and counted) instead of failing the run.
   */
  knownBug(name: string): void {
    if (!this.knownBugs.has(name)) throw new Error(`KNOWN_BUGS has no entry '${name}'`);
    this.stats.skipped.set(name, (this.stats.skipped.get(name) ?? 0) + 1);
  }

  checkInvariants(k: Kernel, after: string): void {
    const problems = checkInvariants(k);
    if (problems.length > 0) this.fail(`invariants broken after ${after}:\n    ${problems.slice(0, 10).join('\n    ')}`);
  }
}

/** The VMA and the leaf at vpn, in words, for failure messages. */
export function entryState(k: Kernel, mm: Mm, vpn: number): string {
  const v = mm.vmaAt(vpn);
  const vma = v ? `VMA 0x${v.start.toString(16)}-0x${v.end.toString(16)} flags 0x${v.flags.toString(16)} pgoff 0x${v.pgoff.toString(16)}` : 'no VMA';
  const kind = k.walker.seek(mm, vpn, k.st);
  const st = k.st;
  const c = k.fmt.codec;
  let e = `entry at ${k.fmt.levelNames[st.level]} vpn 0x${st.vpn.toString(16)} (${st.npages} pages): `;
  if (kind === Kind.NONE) e += 'none';
  else if (kind === Kind.TABLE) e += 'table';
  else if (kind === Kind.LEAF) {
    const a = c.attrs(st.lo, st.hi);
    e += `pfn ${c.pfn(st.lo, st.hi)} ${ATTR_NAMES.filter((n) => (a & Attr[n]) !== 0).join('|')}`;
  } else {
    const l = decodeSoftleaf(c, st.lo, st.hi, st.level, newSoftleaf());
    e += `softleaf kind ${l.kind} type ${l.type} offset ${l.offset} flags ${l.flags}`;
  }
  return `pid ${mm.pid} vpn 0x${vpn.toString(16)}: ${vma}; ${e}`;
}

/**
 * After every process exited: no process, every counter of every mm at 0,
 * no page table, and no folio but the page cache of regular files and the
 * huge zero folio (which the kernel keeps once allocated), plus
 * `knownLeakedPages` that the caller attributes to a named known bug.
 */
export function assertTornDown(k: Kernel, mms: readonly Mm[], knownLeakedPages = 0): void {
  assert.equal(k.procs.size, 0);
  for (const mm of mms) {
    assert.deepEqual([...mm.rss], [0, 0, 0, 0], `rss of mm ${mm.pid}`);
    assert.deepEqual([...mm.tables], new Array<number>(k.fmt.nlevels).fill(0), `tables of mm ${mm.pid}`);
    assert.equal(mm.hugetlbPages, 0, `hugetlb usage of mm ${mm.pid}`);
  }
  assert.equal(k.walker.store.live, 0, 'page tables still allocated');
  assert.equal(k.mem.inUse[FrameKind.TABLE], 0, 'table frames still in use');
  let kept = (k.hugeZeroPfn >= 0 ? k.mem.nrPages(k.hugeZeroPfn) : 0) + knownLeakedPages;
  for (const f of k.files.values()) kept += f.cache.size;
  assert.equal(k.mem.inUse[FrameKind.FOLIO], kept, 'folio frames other than file page cache (and the huge zero folio) are left');
  assert.equal(k.objects.size, k.files.size, 'shmem or hugetlbfs objects are left');
  assert.equal(k.pins.size, 0, 'GUP records are left');
  assert.equal(k.migrations.size, 0, 'migrations are left');
}
