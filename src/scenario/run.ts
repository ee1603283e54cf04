// Runs a parsed scenario on the model and prints the canonical output
// (docs/output-format.md). The same text is what the conformance harness
// prints from the real kernel, so nothing here may depend on the model's
// internals (pfns, slot numbers): addresses are region-relative and frames
// are labels.
import { Kind, formatNames, getFormat } from '../arch/index.js';
import { KernelError, NotSupportedError, type FailureName } from '../mm/errno.js';
import { fork } from '../mm/fork.js';
import { assertInvariants } from '../mm/invariants.js';
import { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { MAP, PROT, MREMAP, madvise, mmap, mprotect, mremap, munmap } from '../mm/syscalls.js';
import { access } from '../mm/fault.js';
import { setPoolSize } from '../mm/hugetlb.js';
import { hasThp } from '../mm/thp.js';
import { uffdApi, uffdRegister, uffdWriteProtect } from '../mm/uffd.js';
import { migrateRange } from '../mm/migrate.js';
import { swapOn } from '../mm/swap.js';
import { FOLL, pinUserPages, pinUserPagesFast, releaseRecord } from '../gup/gup.js';
import { formatPtdumpLine, ptdump } from '../views/ptdump.js';
import { SMAPS_FIELDS, mapsOffset, mappingName, perms, smaps, smapsKb, smapsRollup, status, type SmapsField } from '../views/smaps.js';
import type { Address, AssertStatement, Comparison, ExpectableStatement, Loc, Prot, Scenario, ShowStatement, Statement } from './ast.js';
import { ScenarioError } from './parse.js';
import { FrameLabels, RegionTable } from './labels.js';
import { collectPages, formatPageRuns, pageMatches } from './pages.js';
import { formatSize } from './size.js';

export interface RunOptions {
  /** Check every invariant after every statement (tests do; default on). */
  checkInvariants?: boolean;
}

/** One block of output: a `show`, a failed operation, or an assertion failure. */
export interface OutputRecord {
  line: number;
  kind: 'show' | 'error' | 'assert' | 'event';
  /** For shows: the view; for errors: the operation; for asserts: 'failed'. */
  what: string;
  process: string;
  lines: string[];
}

export interface RunResult {
  /** 0: ran to the end; 1: an assertion failed; 2: the scenario cannot run (error printed to stderr). */
  exitCode: 0 | 1 | 2;
  output: string;
  records: OutputRecord[];
  /** The FILE:LINE:COL message when exitCode is 2, or the assertion message when 1. */
  error?: string;
  kernel?: Kernel;
}

const PROT_BITS: Record<Prot, number> = {
  none: PROT.NONE, r: PROT.READ, w: PROT.WRITE, x: PROT.EXEC, rw: PROT.READ | PROT.WRITE,
  rx: PROT.READ | PROT.EXEC, wx: PROT.WRITE | PROT.EXEC, rwx: PROT.READ | PROT.WRITE | PROT.EXEC,
};

/** `set option.NAME=on` the model has: features that never reached upstream, off by default (docs/scenarios.md). */
const MODEL_OPTIONS = ['hugepd'] as const;

/** Statements and settings this version cannot run, with the issue that brings them. */
function unsupported(s: Statement): string | null {
  switch (s.kind) {
    case 'mmap':
      for (const f of s.flags) if (f !== 'noreserve' && f !== 'locked') return `mmap flag '${f}'`;
      return null;
    case 'madvise':
      if (s.advice === 'remove') return 'madvise remove';
      return null;
    case 'set': {
      const st = s.setting;
      if (st.key === 'option' && st.on && !(MODEL_OPTIONS as readonly string[]).includes(st.name)) return `option.${st.name}`;
      return null;
    }
    case 'expect': return unsupported(s.inner);
    default: return null;
  }
}

export function runScenario(scn: Scenario, opts: RunOptions = {}): RunResult {
  try {
    for (const s of scn.statements) {
      const why = unsupported(s);
      if (why) throw new ScenarioError(scn.file, s.loc.line, s.loc.col, `${why} is not supported yet`);
    }
    return new Runner(scn, opts).run();
  } catch (e) {
    if (e instanceof ScenarioError) return { exitCode: 2, output: '', records: [], error: e.message };
    throw e;
  }
}

class AssertionFailed extends Error {}

class Runner {
  private readonly k: Kernel;
  private readonly regions = new RegionTable();
  private readonly labels = new FrameLabels();
  private readonly procs = new Map<string, Mm>();
  private current = 'main';
  private readonly records: OutputRecord[] = [];
  /** Named pins -> GUP record ids. */
  private readonly pins = new Map<string, number>();
  /** Processes that hold a userfaultfd (a `uffd register` succeeded there). */
  private readonly uffdProcs = new Set<Mm>();
  /** The next "fresh value" a plain `write` stores (a global counter from 1). */
  private nextValue = 1;

  constructor(private readonly scn: Scenario, private readonly opts: RunOptions) {
    const settings = scn.header.settings;
    let thp: 'madvise' | 'never' | 'always' = 'madvise';
    let zero = true;
    const mthp: Record<number, 'always' | 'madvise' | 'never' | 'inherit'> = {};
    for (const s of settings) {
      if (s.setting.key === 'thp') thp = s.setting.mode;
      if (s.setting.key === 'thp.zero_page') zero = s.setting.on;
      if (s.setting.key === 'mthp') mthp[s.setting.size.bytes] = s.setting.mode;
    }
    const hugepdSet = settings.find((s) => s.setting.key === 'option' && s.setting.name === 'hugepd' && s.setting.on);
    if (hugepdSet && formatNames().includes(scn.header.arch) && !getFormat(scn.header.arch).spec.levels.some((l) => l.tableLeaf)) {
      throw new ScenarioError(scn.file, hugepdSet.loc.line, hugepdSet.loc.col, `option.hugepd needs an architecture whose huge pages had a hugepd layout (ppc-8xx), not ${scn.header.arch}`);
    }
    try {
      this.k = new Kernel({ arch: scn.header.arch, thp, thpZeroPage: zero, mthp, hugepd: hugepdSet !== undefined });
    } catch (e) {
      const loc = scn.header.archLoc ?? { line: 1, col: 1 };
      throw new ScenarioError(scn.file, loc.line, loc.col, `architecture '${scn.header.arch}' is not supported yet (${(e as Error).message})`);
    }
    if (!hasThp(this.k.fmt)) {
      // No CONFIG_TRANSPARENT_HUGEPAGE (the 8xx): /sys/kernel/mm/transparent_hugepage does not exist.
      const thpSet = settings.find((s) => s.setting.key === 'thp' || s.setting.key === 'thp.zero_page' || s.setting.key === 'mthp');
      if (thpSet) throw new ScenarioError(scn.file, thpSet.loc.line, thpSet.loc.col, `${scn.header.arch} has no transparent huge pages (set ${thpSet.key})`);
    }
    for (const s of settings) {
      if (s.setting.key !== 'hugetlb') continue;
      try {
        setPoolSize(this.k, s.setting.size.bytes, s.setting.pages);
      } catch (e) {
        if (e instanceof KernelError) throw new ScenarioError(scn.file, s.loc.line, s.loc.col, `${scn.header.arch} has no ${formatSize(s.setting.size.bytes)} huge pages`);
        throw e;
      }
    }
    for (const s of settings) if (s.setting.key === 'swap' && s.setting.on) swapOn(this.k);
    this.procs.set('main', this.k.spawn('main'));
    this.regions.fitTo(this.k.fmt.userPages * this.k.pageSize);
  }

  run(): RunResult {
    let exitCode: 0 | 1 = 0;
    let error: string | undefined;
    for (const s of this.scn.statements) {
      try {
        this.exec(s);
      } catch (e) {
        if (e instanceof AssertionFailed) {
          exitCode = 1;
          error = e.message;
          this.emit(s.loc, 'assert', 'failed', [e.message]);
          break;
        }
        if (e instanceof NotSupportedError) throw this.err(s.loc, e.message);
        // A view or assertion that could not be computed (an access that faulted, a region that is gone).
        if (e instanceof KernelError) this.emit(s.loc, 'error', s.kind, [`! line ${s.loc.line}: ${s.kind}: ${e.code}`]);
        else if (e instanceof OpFailed) this.emit(s.loc, 'error', s.kind, [`! line ${s.loc.line}: ${s.kind}: ${e.message}`]);
        else throw e;
      }
      this.drainEvents(s.loc);
      if (this.opts.checkInvariants !== false) {
        try {
          assertInvariants(this.k, `line ${s.loc.line}`);
        } catch (e) {
          throw this.err(s.loc, (e as Error).message);
        }
      }
    }
    const output = this.records.map((r) => r.lines.join('\n') + '\n').join('');
    return { exitCode, output, records: this.records, error, kernel: this.k };
  }

  /** userfaultfd events the model's handler received during the statement, one line each. */
  private drainEvents(loc: Loc): void {
    const ev = this.k.uffdEvents.splice(0);
    if (ev.length === 0) return;
    const names = new Map([...this.procs].map(([n, m]) => [m.pid, n]));
    this.emit(loc, 'event', 'uffd', ev.map((e) => `uffd: ${e.kind} fault at ${this.regions.name(e.vpn * this.k.pageSize)} (${names.get(e.pid) ?? e.pid})`));
  }

  private err(loc: Loc, msg: string): ScenarioError {
    return new ScenarioError(this.scn.file, loc.line, loc.col, msg);
  }

  private emit(loc: Loc, kind: OutputRecord['kind'], what: string, lines: string[]): void {
    this.records.push({ line: loc.line, kind, what, process: this.current, lines });
  }

  private mm(name = this.current, loc?: Loc): Mm {
    const mm = this.procs.get(name);
    if (!mm || !mm.alive) throw this.err(loc ?? { line: 0, col: 0 }, `process '${name}' does not exist`);
    return mm;
  }

  /** Byte address of `REGION+OFF`. */
  private addr(a: Address): number {
    const r = this.regions.get(a.region);
    if (!r) throw new OpFailed(`region ${a.region} is not mapped`);
    return r.base + a.offset;
  }

  private exec(s: Statement): void {
    switch (s.kind) {
      case 'arch': case 'set': case 'requires':
        return;
      case 'as':
        this.current = s.proc;
        this.mm(s.proc, s.loc);
        return;
      case 'exit': {
        const mm = this.mm(s.proc, s.loc);
        this.k.exitMm(mm);
        return;
      }
      case 'expect':
        return this.expect(s.loc, s.error, s.inner);
      case 'assert':
        return this.assert(s);
      case 'show':
        return this.show(s);
      default:
        return this.op(s, null);
    }
  }

  /** Run an operation; a failure prints `! LINE op: ERRNO` unless an `expect` wanted it. */
  private op(s: ExpectableStatement, expected: FailureName | null): void {
    let failure: FailureName | null = null;
    let why = '';
    try {
      this.doOp(s);
    } catch (e) {
      if (e instanceof KernelError) {
        failure = e.code;
        why = e.why;
      } else if (e instanceof OpFailed) {
        failure = 'EINVAL';
        why = e.message;
        this.emit(s.loc, 'error', s.kind, [`! line ${s.loc.line}: ${s.kind}: ${e.message}`]);
        return;
      } else throw e;
    }
    if (expected === null) {
      if (failure) this.emit(s.loc, 'error', s.kind, [`! line ${s.loc.line}: ${s.kind}: ${failure}`]);
      return;
    }
    if (failure !== expected) {
      throw new AssertionFailed(`${this.scn.file}:${s.loc.line}: assertion failed: expected ${expected} from ${s.kind}, got ${failure ?? 'success'}${why ? ` (${why})` : ''}`);
    }
  }

  private expect(_loc: Loc, error: FailureName, inner: ExpectableStatement): void {
    this.op(inner, error);
  }

  private doOp(s: ExpectableStatement): void {
    const k = this.k;
    const mm = this.mm();
    switch (s.kind) {
      case 'file':
        k.createFile(s.name, s.size.bytes);
        return;
      case 'mmap': {
        let flags = s.shared ? MAP.SHARED : MAP.PRIVATE;
        if (s.backing.kind === 'anon') flags |= MAP.ANONYMOUS;
        if (s.populate) flags |= MAP.POPULATE;
        if (s.flags.includes('noreserve')) flags |= MAP.NORESERVE;
        if (s.flags.includes('locked')) flags |= MAP.LOCKED;
        if (s.hugetlb) flags |= MAP.HUGETLB;
        let at: number;
        if (s.fixed) {
          at = this.addr(s.fixed);
          flags |= MAP.FIXED;
        } else {
          at = this.regions.nextSlot();
          flags |= MAP.FIXED_NOREPLACE;
        }
        const file = s.backing.kind === 'file' ? k.files.get(s.backing.file) : undefined;
        const off = s.backing.kind === 'file' ? s.backing.off.bytes : 0;
        const pfnmap = s.backing.kind === 'pfnmap';
        if (pfnmap) flags &= ~MAP.ANONYMOUS;
        const base = mmap(k, mm, { addr: at, length: s.len.bytes, prot: PROT_BITS[s.prot], flags, file, offset: off, hugeBytes: s.hugetlb?.bytes, pfnmap });
        if (s.name) this.regions.define(s.name, base, s.len.bytes);
        return;
      }
      case 'munmap':
        return munmap(k, mm, this.addr(s.addr), s.len.bytes);
      case 'mprotect':
        return mprotect(k, mm, this.addr(s.addr), s.len.bytes, PROT_BITS[s.prot]);
      case 'madvise':
        return madvise(k, mm, this.addr(s.addr), s.len.bytes, s.advice);
      case 'mremap': {
        let flags = 0;
        if (s.maymove) flags |= MREMAP.MAYMOVE;
        if (s.dontunmap) flags |= MREMAP.DONTUNMAP;
        let dest: number | undefined;
        if (s.fixed) {
          flags |= MREMAP.FIXED;
          dest = this.addr(s.fixed);
        } else if (s.maymove) {
          // A move goes to the next placement slot (the harness passes that address with MREMAP_FIXED when it must move).
          dest = this.regions.nextSlot();
        }
        const got = mremapPlaced(k, mm, this.addr(s.addr), s.oldLen.bytes, s.newLen.bytes, flags, dest);
        if (s.name) this.regions.define(s.name, got, s.newLen.bytes);
        return;
      }
      case 'read':
      case 'write': {
        const start = this.addr(s.addr);
        const n = Math.ceil(s.len.bytes / k.pageSize);
        const vpn0 = Math.floor(start / k.pageSize);
        for (let i = 0; i < n; i++) {
          if (s.kind === 'read') access(k, mm, vpn0 + i, false);
          else access(k, mm, vpn0 + i, true, s.value ?? this.nextValue++);
        }
        return;
      }
      case 'fork': {
        const child = fork(k, mm, s.child);
        this.procs.set(s.child, child);
        return;
      }
      case 'pin': {
        // pin_user_pages(_fast): all of the range or nothing (what io_uring buffer registration does).
        const n = Math.ceil(s.len.bytes / k.pageSize);
        const flags = (s.flags.write ? FOLL.WRITE : 0) | (s.flags.longterm ? FOLL.LONGTERM : 0);
        const r = (s.flags.fast ? pinUserPagesFast : pinUserPages)(k, mm, this.addr(s.addr), n, flags);
        if (r.error) {
          if (r.record >= 0) releaseRecord(k, r.record);
          throw new KernelError(r.error, `pinned ${r.pfns.length} of ${n} pages`);
        }
        if (s.name) this.pins.set(s.name, r.record);
        return;
      }
      case 'uffd': {
        const start = Math.floor(this.addr(s.addr) / k.pageSize);
        const end = start + Math.ceil(s.len.bytes / k.pageSize);
        if (s.op === 'register') {
          const wp = s.modes.includes('wp');
          const minor = s.modes.includes('minor');
          // userfaultfd(2), UFFDIO_API with the features the harness asks for, then UFFDIO_REGISTER;
          // an architecture without uffd-wp (or minor faults) refuses with EINVAL, nothing changes.
          const ctx = uffdApi(k, {
            wpUnpopulated: s.flags.includes('wp_unpopulated'), async: s.flags.includes('async'), eventFork: s.flags.includes('event_fork'),
            wpHugetlbfsShmem: wp, minorShmem: minor,
          });
          uffdRegister(k, mm, start, end, { wp, missing: s.modes.includes('missing'), minor }, ctx);
          this.uffdProcs.add(mm);
        } else {
          // The harness issues UFFDIO_WRITEPROTECT on the process's userfaultfd: none (no
          // registration ever succeeded, e.g. refused for lack of uffd-wp) is EINVAL.
          if (!this.uffdProcs.has(mm) && !mm.vmas.some((v) => v.uffd)) throw new KernelError('EINVAL', 'no userfaultfd in this process');
          uffdWriteProtect(k, mm, start, end, s.op === 'wp');
        }
        return;
      }
      case 'migrate': {
        const start = Math.floor(this.addr(s.addr) / k.pageSize);
        migrateRange(k, mm, start, start + Math.ceil(s.len.bytes / k.pageSize));
        return;
      }
      case 'unpin': {
        const id = this.pins.get(s.name);
        if (id === undefined) throw new OpFailed(`pin ${s.name} does not exist`);
        this.pins.delete(s.name);
        if (k.pins.has(id)) releaseRecord(k, id);
        return;
      }
    }
  }

  // ------------------------------------------------------------ assertions

  private assert(s: AssertStatement): void {
    const fail = (msg: string): never => {
      throw new AssertionFailed(`${this.scn.file}:${s.loc.line}: assertion failed: ${msg}`);
    };
    const k = this.k;
    switch (s.what) {
      case 'pagemap': {
        const mm = this.mm(s.addr.proc ?? this.current, s.loc);
        const pages = collectPages(k, mm, this.addrOrFail(s.addr, fail), s.len.bytes, this.labels, false);
        for (const p of pages) {
          const bad = s.flags.find((f) => pageMatches(p, f.flag) === f.negated);
          if (bad) fail(`${this.regions.name(p.addr)}: ${bad.negated ? 'has' : 'lacks'} ${bad.flag} (${p.describe()})`);
        }
        return;
      }
      case 'content': {
        const mm = this.mm(s.addr.proc ?? this.current, s.loc);
        const start = this.addrOrFail(s.addr, fail);
        const n = Math.ceil(s.len.bytes / k.pageSize);
        for (let i = 0; i < n; i++) {
          let v: number;
          try {
            v = access(k, mm, Math.floor(start / k.pageSize) + i, false);
          } catch (e) {
            if (e instanceof KernelError) return fail(`reading ${this.regions.name(start + i * k.pageSize)}: ${e.code}`);
            throw e;
          }
          if (!compare(v, s.cmp)) fail(`content of ${this.regions.name(start + i * k.pageSize)} is ${v}, expected ${s.cmp.op} ${s.cmp.value}`);
        }
        return;
      }
      case 'frame': {
        const left = this.frameAt(s.left, fail);
        let right = this.frameAt(s.right, fail);
        if (s.next) right += 1;
        if ((left === right) !== (s.op === '==')) fail(`frame of ${this.describeAddr(s.left)} ${left === right ? 'is' : 'is not'} the frame ${s.next ? 'after ' : 'of '}${this.describeAddr(s.right)}`);
        return;
      }
      case 'status': {
        const st = status(k, this.mm()) as unknown as Record<string, number>;
        if (!(s.field in st)) throw new NotSupportedError(`status field ${s.field}`);
        const v = st[s.field];
        if (!compare(v, s.cmp)) fail(`status ${s.field} is ${v} kB, expected ${s.cmp.op} ${s.cmp.value}`);
        return;
      }
      case 'smaps': {
        const mm = this.mm(s.addr.proc ?? this.current, s.loc);
        const a = this.addrOrFail(s.addr, fail);
        const vma = mm.vmaAt(Math.floor(a / k.pageSize));
        if (!vma) return fail(`no mapping at ${this.describeAddr(s.addr)}`);
        const r = smaps(k, mm, vma);
        let v: number;
        if (s.field === 'THPeligible') v = r.thpEligible;
        else if (s.field === 'ProtectionKey') v = 0;
        else v = smapsKb(s.field, r.fields[s.field]);
        if (!compare(v, s.cmp)) fail(`smaps ${s.field} at ${this.describeAddr(s.addr)} is ${v}, expected ${s.cmp.op} ${s.cmp.value}`);
        return;
      }
      case 'maps': {
        const mm = this.mm(s.region.proc ?? this.current, s.loc);
        const r = this.regions.get(s.region.region);
        if (!r) return fail(`region ${s.region.region} is not mapped`);
        const n = mm.overlapping(r.base / k.pageSize, (r.base + r.len) / k.pageSize).length;
        if (!compare(n, s.cmp)) fail(`region ${r.name} overlaps ${n} mappings, expected ${s.cmp.op} ${s.cmp.value}`);
        return;
      }
    }
  }

  private addrOrFail(a: Address, fail: (m: string) => never): number {
    const r = this.regions.get(a.region);
    if (!r) return fail(`region ${a.region} is not mapped`);
    return r.base + a.offset;
  }

  private describeAddr(a: Address): string {
    return `${a.proc ? a.proc + ':' : ''}${a.region}+${formatSize(a.offset)}`;
  }

  /** The pfn mapped at an address, without faulting. */
  private frameAt(a: Address, fail: (m: string) => never): number {
    const mm = this.mm(a.proc ?? this.current);
    const vpn = Math.floor(this.addrOrFail(a, fail) / this.k.pageSize);
    if (this.k.lookup(mm, vpn) !== Kind.LEAF) return fail(`${this.describeAddr(a)} is not present`);
    const st = this.k.st;
    return this.k.walker.pagePfn(st, vpn);
  }

  // ----------------------------------------------------------------- views

  private show(s: ShowStatement): void {
    const k = this.k;
    const mm = this.mm();
    const head = (title: string): string => `== ${title} (${this.current}) ==`;
    switch (s.what) {
      case 'maps':
        this.emit(s.loc, 'show', 'maps', [head('maps'), ...mm.vmas.map((v) => this.mapsLine(v))]);
        return;
      case 'smaps': {
        const r = this.regions.get(s.region.region);
        if (!r) throw new OpFailed(`region ${s.region.region} is not mapped`);
        const target = this.mm(s.region.proc ?? this.current, s.loc);
        const lines = [head(`smaps ${s.region.region}`)];
        for (const v of target.overlapping(r.base / k.pageSize, (r.base + r.len) / k.pageSize)) lines.push(...this.smapsLines(target, v));
        this.emit(s.loc, 'show', 'smaps', lines);
        return;
      }
      case 'rollup': {
        const t = smapsRollup(k, mm);
        const lines = [head('smaps_rollup')];
        for (const f of SMAPS_FIELDS) {
          if (f === 'Size' || f === 'KernelPageSize' || f === 'MMUPageSize' || MASKED_SMAPS.has(f)) continue;
          if (t[f] !== 0 || f === 'Rss') lines.push(smapsLine(f, smapsKb(f, t[f])));
        }
        this.emit(s.loc, 'show', 'rollup', lines);
        return;
      }
      case 'status': {
        const st = status(k, mm);
        this.emit(s.loc, 'show', 'status', [head('status'), ...Object.entries(st).map(([n, v]) => `${(n + ':').padEnd(14)}${String(v).padStart(8)} kB`)]);
        return;
      }
      case 'pagemap': {
        const start = this.addr(s.addr);
        // `show pagemap PROC:A` looks at another process (read from its /proc on the kernel).
        const target = this.mm(s.addr.proc ?? this.current, s.loc);
        const pages = collectPages(k, target, start, s.len.bytes, this.labels, true);
        this.emit(s.loc, 'show', 'pagemap', [head(`pagemap ${this.describeAddr(s.addr)} ${formatSize(s.len.bytes)}`), ...formatPageRuns(pages, this.regions)]);
        return;
      }
      case 'content': {
        const start = this.addr(s.addr);
        const n = Math.ceil(s.len.bytes / k.pageSize);
        const vals: number[] = [];
        for (let i = 0; i < n; i++) vals.push(access(k, this.mm(s.addr.proc ?? this.current, s.loc), Math.floor(start / k.pageSize) + i, false));
        const lines = [head(`content ${this.describeAddr(s.addr)} ${formatSize(s.len.bytes)}`)];
        for (let i = 0; i < n; ) {
          let j = i + 1;
          while (j < n && vals[j] === vals[i]) j++;
          lines.push(`${this.regions.name(start + i * k.pageSize)} x${j - i} value:${vals[i]}`);
          i = j;
        }
        this.emit(s.loc, 'show', 'content', lines);
        return;
      }
      case 'ptdump':
        this.emit(s.loc, 'show', 'ptdump', [head('ptdump'), '---[ User Space ]---', ...ptdump(k, mm).map((l) => formatPtdumpLine(k, l))]);
        return;
      case 'pins': {
        const start = this.addr(s.addr);
        const n = Math.ceil(s.len.bytes / k.pageSize);
        const pages = collectPages(k, mm, start, s.len.bytes, this.labels, true);
        const lines = [head(`pins ${this.describeAddr(s.addr)} ${formatSize(s.len.bytes)}`)];
        const text = (i: number): string => {
          const st = k.st;
          if (k.lookup(mm, Math.floor(start / k.pageSize) + i) !== Kind.LEAF) return 'ref:- pincount:- mapcount:- maybe_pinned:-';
          const pfn = k.walker.pagePfn(st, Math.floor(start / k.pageSize) + i);
          if (!k.mem.isFolioPage(pfn)) return 'ref:- pincount:- mapcount:- maybe_pinned:no';
          const h = k.mem.headOf(pfn);
          return `ref:${k.mem.refcount[h]} pincount:${k.mem.pincount[h]} mapcount:${k.mem.mapcountOfPage(pfn)} maybe_pinned:${k.mem.maybeDmaPinned(h) ? 'yes' : 'no'}`;
        };
        for (let i = 0; i < n; ) {
          const t = text(i);
          let j = i + 1;
          while (j < n && text(j) === t && pages[j - 1].continuedBy(pages[j])) j++;
          const frame = j - i === 1 || !pages[i].rangesFrames() ? pages[i].frameText() : `${pages[i].frameText()}..${pages[j - 1].frameText()}`;
          lines.push(`${this.regions.name(pages[i].addr)} x${j - i} ${t} frame:${frame}`);
          i = j;
        }
        this.emit(s.loc, 'show', 'pins', lines);
        return;
      }
    }
  }

  private mapsLine(v: { start: number; end: number }): string {
    const k = this.k;
    const vma = v as Parameters<typeof perms>[0];
    const off = mapsOffset(k, vma).toString(16).padStart(8, '0');
    return `${this.regions.name(vma.start * k.pageSize)}-${this.regions.name(vma.end * k.pageSize, true)} ${perms(vma)} ${off} ${mappingName(vma)}`;
  }

  private smapsLines(mm: Mm, vma: Parameters<typeof perms>[0]): string[] {
    const r = smaps(this.k, mm, vma);
    const out = [this.mapsLine(vma)];
    for (const f of SMAPS_FIELDS) {
      if (MASKED_SMAPS.has(f)) continue;
      const kb = smapsKb(f, r.fields[f]);
      if (kb !== 0 || ALWAYS_SMAPS.has(f)) out.push(smapsLine(f, kb));
    }
    out.push(`THPeligible:    ${String(r.thpEligible).padStart(8)}`);
    out.push(`VmFlags: ${r.vmFlags.join(' ')}`);
    return out;
  }
}

/** Volatile on the real kernel (kernel-oracle.md §7): never printed. */
const MASKED_SMAPS: ReadonlySet<SmapsField> = new Set<SmapsField>(['Referenced', 'Pss_Dirty']);
/** Printed even when 0; the other fields only when non-zero. */
const ALWAYS_SMAPS: ReadonlySet<SmapsField> = new Set<SmapsField>(['Size', 'KernelPageSize', 'MMUPageSize', 'Rss', 'Pss']);

/** `Label:` padded to 16, the value right-aligned in 8, then ` kB` (fs/proc/task_mmu.c SEQ_PUT_DEC). */
function smapsLine(field: string, kb: number): string {
  const label = field + ':';
  return label.length >= 16 ? `${label}${String(kb).padStart(8 - (label.length - 16))} kB` : `${label.padEnd(16)}${String(kb).padStart(8)} kB`;
}

function compare(v: number, c: Comparison): boolean {
  switch (c.op) {
    case '==': return v === c.value;
    case '!=': return v !== c.value;
    case '<': return v < c.value;
    case '<=': return v <= c.value;
    case '>': return v > c.value;
    case '>=': return v >= c.value;
  }
}

/** A statement that cannot be carried out for a reason outside the kernel (an unmapped region name). */
class OpFailed extends Error {}

function mremapPlaced(k: Kernel, mm: Mm, addr: number, oldLen: number, newLen: number, flags: number, dest: number | undefined): number {
  if ((flags & MREMAP.FIXED) !== 0 || (flags & MREMAP.MAYMOVE) === 0 || dest === undefined) return mremap(k, mm, addr, oldLen, newLen, flags, dest);
  if ((flags & MREMAP.DONTUNMAP) !== 0) return mremap(k, mm, addr, oldLen, newLen, flags | MREMAP.FIXED, dest);
  // MAYMOVE without FIXED: in place when the kernel can, else to the placement slot.
  try {
    return mremap(k, mm, addr, oldLen, newLen, flags & ~MREMAP.MAYMOVE, undefined);
  } catch (e) {
    if (!(e instanceof KernelError) || e.code !== 'ENOMEM') throw e;
  }
  return mremap(k, mm, addr, oldLen, newLen, flags | MREMAP.FIXED, dest);
}

