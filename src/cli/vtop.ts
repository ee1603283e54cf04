// `mmsim vtop FILE.mms ADDR [--as PROC] [--json]`: crash-style vtop in a
// scenario context. The scenario runs on the model (arch from its header);
// then the process's page tables are read back as physical memory (tables
// are frames of the model's memory) and ADDR is translated level by level by
// the architecture's hardware decoder (src/arch/variants.ts), printing every
// entry with its decoded flags, the physical address and the page size. The
// model's own view of the same address (the walker's seek and the format's
// codec: kind, level, pfn, Linux attributes or swap entry) follows, and any
// disagreement between the two is reported: it means the model wrote an
// entry the hardware would read differently.
import { ATTR_NAMES, Kind, type Format } from '../arch/index.js';
import type { Word2 } from '../arch/bits.js';
import { translate, xlatArch, type PhysReader, type XlatArch, type XlatResult } from '../arch/variants.js';
import type { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import type { Scenario } from '../scenario/ast.js';
import { RegionTable } from '../scenario/labels.js';
import { ScenarioError } from '../scenario/parse.js';
import { runScenario, type RunResult } from '../scenario/run.js';
import { parseSize } from '../scenario/size.js';
import { WalkState } from '../walk/walker.js';
import type { Io } from './commands.js';
import { archOption, readScenario } from './read.js';
import { formatResult, jsonResult, parseAddr } from './xlat.js';

export const vtopUsage = `usage: mmsim vtop [--arch NAME] FILE.mms ADDR [--as PROC] [--json]
  run the scenario on the model, then translate ADDR (REGION, REGION+OFF, PROC:REGION+OFF or a
  hex address) through PROC's page tables (default: the process current at the end) with the
  hardware decoder of the scenario's arch, level by level, and compare with the model's walk;
  --arch NAME runs the scenario on that format instead of its arch line
exit codes: 0 translated, 1 not mapped, 2 the scenario or ADDR is malformed
`;

/** The model's page-table frames seen as physical memory. */
export class ModelMemory implements PhysReader {
  private readonly ps: bigint;
  constructor(
    private readonly k: Kernel,
    private readonly entryBytes: 4 | 8,
  ) {
    this.ps = BigInt(k.pageSize);
  }
  read(pa: bigint, bytes: 4 | 8): Word2 {
    const store = this.k.walker.store;
    const slot = store.slotOfPfn(Number(pa / this.ps));
    const index = Number(pa % this.ps) / this.entryBytes;
    if (slot < 0 || !Number.isInteger(index) || index >= store.slotEntries[slot]) return { lo: 0, hi: 0 };
    return { lo: this.k.walker.lo(slot, index) >>> 0, hi: bytes === 4 ? 0 : this.k.walker.hi(slot, index) >>> 0 };
  }
  present(pa: bigint, _len: bigint): boolean {
    return this.k.walker.store.slotOfPfn(Number(pa / this.ps)) >= 0;
  }
}

/** The model's view of one address. */
export interface ModelView {
  kind: 'none' | 'table' | 'leaf' | 'swap';
  level: string;
  pages: number;
  pa?: bigint;
  attrs?: string[];
  swap?: { type: number; offset: number; flags: number };
}

export function modelView(k: Kernel, mm: Mm, va: bigint): ModelView {
  const f: Format = k.fmt;
  const ps = BigInt(k.pageSize);
  const vpn = Number(va / ps);
  const st = new WalkState(f.nlevels);
  const kind = k.walker.seek(mm, vpn, st);
  const c = f.codec;
  const base = { level: f.levelNames[st.level], pages: st.npages };
  if (kind === Kind.LEAF) {
    const a = c.attrs(st.lo, st.hi);
    const pfn = k.walker.pagePfn(st, vpn);
    return { ...base, kind: 'leaf', pa: BigInt(pfn) * ps + (va % ps), attrs: ATTR_NAMES.filter((_, i) => (a & (1 << i)) !== 0) };
  }
  if (kind === Kind.SWAP) return { ...base, kind: 'swap', swap: { type: c.swpType(st.lo, st.hi), offset: c.swpOffset(st.lo, st.hi), flags: c.swpFlags(st.lo, st.hi) } };
  return { ...base, kind: kind === Kind.TABLE ? 'table' : 'none' };
}

/** Lines describing the model's view, and whether it agrees with the hardware walk. */
export function formatModel(r: XlatResult, m: ModelView): { lines: string[]; agrees: boolean } {
  const lines: string[] = [];
  let agrees: boolean;
  if (m.kind === 'leaf') {
    lines.push(`  model: leaf at ${m.level} (${m.pages} base page${m.pages === 1 ? '' : 's'}) -> pa 0x${(m.pa ?? 0n).toString(16)}; ${(m.attrs ?? []).join(' ')}`);
    // A PROT_NONE leaf is present to Linux only: the MMU refusing it is expected.
    const protNone = m.attrs?.includes('PROTNONE') === true && m.attrs.includes('VALID') === false;
    agrees = protNone ? r.pa === undefined || r.pa === m.pa : r.pa === m.pa;
  } else if (m.kind === 'swap') {
    const s = m.swap ?? { type: 0, offset: 0, flags: 0 };
    lines.push(`  model: non-present entry at ${m.level}: swap type ${s.type} offset 0x${s.offset.toString(16)} flags ${s.flags}`);
    agrees = r.pa === undefined;
  } else {
    lines.push(`  model: ${m.kind === 'none' ? 'no entry' : 'a table'} at ${m.level}`);
    agrees = r.pa === undefined;
  }
  if (!agrees) lines.push(`  MISMATCH: the hardware walk ${r.pa !== undefined ? `gives pa 0x${r.pa.toString(16)}` : `fails (${r.error ?? '?'})`}, the model ${m.pa !== undefined ? `maps pa 0x${m.pa.toString(16)}` : 'maps nothing'}`);
  return { lines, agrees };
}

interface Target {
  proc?: string;
  region?: string;
  offset: number;
  abs?: bigint;
}

function parseTarget(text: string): Target | null {
  const abs = parseAddr(text);
  if (abs !== null) return { offset: 0, abs };
  const m = /^(?:([A-Za-z_][A-Za-z0-9_]*):)?([A-Za-z_][A-Za-z0-9_]*)(?:\+(.+))?$/.exec(text);
  if (!m) return null;
  const off = m[3] === undefined ? 0 : parseSize(m[3]);
  if (off === null) return null;
  return { proc: m[1], region: m[2], offset: off };
}

/**
 * Region bases as the runner placed them (scenario-format.md placement):
 * replayed from the statements, the failed ones (error records) binding
 * nothing; an mremap that may move is looked up in a run of the prefix.
 */
export function regionBases(scn: Scenario, full: RunResult): { regions: RegionTable; current: string } {
  const regions = new RegionTable();
  // The runner scales placement to the format's user space (RegionTable.fitTo).
  if (full.kernel) regions.fitTo(full.kernel.fmt.userPages * full.kernel.pageSize);
  const failed = new Set(full.records.filter((r) => r.kind === 'error').map((r) => r.line));
  const stopLine = full.records.find((r) => r.kind === 'assert')?.line ?? Infinity;
  let current = 'main';
  const addr = (a: { region: string; offset: number }): number => {
    const r = regions.get(a.region);
    if (!r) throw new Error(`region ${a.region} is not defined`);
    return r.base + a.offset;
  };
  for (let i = 0; i < scn.statements.length; i++) {
    const s = scn.statements[i];
    if (s.loc.line > stopLine) break;
    if (s.kind === 'as') current = s.proc;
    if ((s.kind !== 'mmap' && s.kind !== 'mremap') || s.name === undefined || failed.has(s.loc.line)) continue;
    if (s.kind === 'mmap') {
      regions.define(s.name, s.fixed ? addr(s.fixed) : regions.nextSlot(), s.len.bytes);
      continue;
    }
    let base: number;
    if (s.fixed) base = addr(s.fixed);
    else if (!s.maymove) base = addr(s.addr);
    else {
      const slot = regions.nextSlot();
      const prefix = runScenario({ ...scn, statements: scn.statements.slice(0, i + 1) }, { checkInvariants: false });
      const mm = prefix.kernel ? findProc(prefix.kernel, s.addr.proc ?? current) : undefined;
      base = mm && prefix.kernel && mm.vmaAt(slot / prefix.kernel.pageSize) ? slot : addr(s.addr);
    }
    regions.define(s.name, base, s.newLen.bytes);
  }
  return { regions, current };
}

function findProc(k: Kernel, name: string): Mm | undefined {
  let found: Mm | undefined;
  for (const mm of k.procs.values()) if (mm.name === name && mm.alive) found = mm;
  return found;
}

export function vtopCommand(argv: string[], io: Io): number {
  let file: string | undefined;
  let target: string | undefined;
  let as: string | undefined;
  let json = false;
  let arch: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--as') as = argv[++i];
    else if (a === '--arch') {
      const r = archOption(argv[++i]);
      if ('error' in r) return usageError(io, r.error);
      arch = r.arch;
    }
    else if (a.startsWith('--')) return usageError(io, `unknown option '${a}'`);
    else if (file === undefined) file = a;
    else if (target === undefined) target = a;
    else return usageError(io, `unexpected argument '${a}'`);
  }
  if (file === undefined || target === undefined) return usageError(io, 'a scenario file and an address are required');
  const t = parseTarget(target);
  if (!t) return usageError(io, `'${target}' is not REGION, REGION+OFF, PROC:REGION+OFF or an address`);
  let scn: Scenario;
  let full: RunResult;
  try {
    scn = readScenario(io.readFile, file, arch);
    full = runScenario(scn, { checkInvariants: false });
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    io.err(e.message + '\n');
    return 2;
  }
  if (full.exitCode === 2 || !full.kernel) {
    io.err((full.error ?? `${file}: the scenario cannot run`) + '\n');
    return 2;
  }
  const k = full.kernel;
  let va: bigint;
  let procName: string;
  try {
    const { regions, current } = regionBases(scn, full);
    procName = t.proc ?? as ?? current;
    if (t.abs !== undefined) va = t.abs;
    else {
      const r = regions.get(t.region ?? '');
      if (!r) throw new Error(`region ${t.region ?? ''} is not mapped`);
      va = BigInt(r.base) + BigInt(t.offset);
    }
  } catch (e) {
    return usageError(io, (e as Error).message);
  }
  const mm = findProc(k, procName);
  if (!mm) return usageError(io, `process '${procName}' does not exist at the end of ${file}`);
  const hugepd = scn.header.settings.some((s) => s.setting.key === 'option' && s.setting.name === 'hugepd' && s.setting.on);
  let a: XlatArch;
  try {
    a = xlatArch(k.fmt.name, { hugepd });
  } catch (e) {
    return usageError(io, (e as Error).message);
  }
  const mem = new ModelMemory(k, a.entryBytes);
  const root = BigInt(k.walker.store.slotPfn[mm.rootSlot]) * BigInt(k.pageSize);
  const r = translate(a, mem, root, va);
  const inUser = va < BigInt(k.fmt.userPages) * BigInt(k.pageSize);
  const m: ModelView | undefined = inUser ? modelView(k, mm, va) : undefined;
  const model = m ? formatModel(r, m) : { lines: ['  model: not a user address'], agrees: true };
  if (json) {
    io.out(JSON.stringify({ ...jsonResult(r), process: procName, arch: k.fmt.name, levels: r.steps.map((s) => ({ level: s.name, index: s.index, entry: '0x' + s.entryAddr.toString(16), value: '0x' + s.value.toString(16), flags: s.hw.flags, notes: s.notes })), model: m ? { ...m, pa: m.pa === undefined ? undefined : '0x' + m.pa.toString(16) } : null, agrees: model.agrees }) + '\n');
  } else {
    io.out(`${target} in ${procName}: va 0x${va.toString(16)} (${k.fmt.name}: ${a.label}, root 0x${root.toString(16)})\n`);
    io.out([...formatResult(a, r), ...model.lines].join('\n') + '\n');
  }
  return r.error === undefined ? 0 : 1;
}

function usageError(io: Io, msg: string): number {
  io.err(`mmsim vtop: ${msg}\n${vtopUsage}`);
  return 2;
}
