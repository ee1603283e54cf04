// Parser of the `.mms` scenario language (docs: /work/shared/docs/scenario-format.md).
//
// Syntax plus static name checks only; alignment, overlap, arch support and errnos
// are the runner's. The first error throws a ScenarioError, so nothing runs.
//
// Name rules decided here (the spec is silent):
// - Regions are one global namespace of address ranges (fork keeps addresses, and
//   `child:A+0` reads A in the child), defined by `NAME = mmap|mremap` in any process.
//   A region stays defined after munmap (its name still labels that range in the
//   output, and `fixed=A+0` may reuse it), so redefining a name is an error: output
//   relative to region names would otherwise be ambiguous.
// - Processes: `main` exists; `fork NAME` needs NAME not alive; `exit NAME` ends it;
//   the name may be forked again later. Statements that act in or look at the current
//   process fail statically once that process has exited, until `as` switches.
// - Pins: `pin ... as NAME` defines NAME until `unpin NAME`. Files: `file NAME` once.
// - A statement inside `expect` is expected to fail, so it binds nothing (no region,
//   process, pin or file) and removes nothing; its references are still checked.
// - A `PROC:` prefix is accepted in `assert` and `show` only: operations act in the
//   current process (the spec's "each applies to the current process").

import {
  ADVICES,
  ARCH_NAMES,
  CMP_OPS,
  DEFAULT_ARCH,
  ERRNO_NAMES,
  KPAGE_FLAGS,
  MMAP_EXTRA_FLAGS,
  MTHP_MODES,
  PAGEMAP_FLAGS,
  PIN_FLAGS,
  PROTS,
  SCAN_FLAGS,
  SHOW_VIEWS,
  SIGNAL_NAMES,
  SMAPS_FIELDS,
  STATUS_FIELDS,
  THP_MODES,
  UFFD_FLAGS,
  UFFD_MODES,
} from './ast.js';
import type {
  Address,
  ArchName,
  AssertStatement,
  Backing,
  Comparison,
  ExpectableStatement,
  ExpectedFailure,
  FileStatement,
  FlagTest,
  Loc,
  MmapExtraFlag,
  MmapStatement,
  MremapStatement,
  PageFlag,
  PageFlagSource,
  PinStatement,
  Prot,
  RegionRef,
  Scenario,
  ScenarioHeader,
  SetStatement,
  Setting,
  ShowStatement,
  Size,
  Statement,
  StatementKind,
  UffdFlag,
  UffdMode,
  UffdStatement,
  WriteStatement,
} from './ast.js';
import { isLexError, lexLine } from './lexer.js';
import type { Token } from './lexer.js';
import { formatSize, parseSize, parseUnsigned } from './size.js';

// The AST types and vocabularies, so a consumer needs one import.
export * from './ast.js';

/** A syntax or name error; `message` is exactly `FILE:LINE:COL: detail`. */
export class ScenarioError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The message without the `FILE:LINE:COL: ` prefix. */
  readonly detail: string;

  constructor(file: string, line: number, col: number, detail: string) {
    super(`${file}:${line}:${col}: ${detail}`);
    this.name = 'ScenarioError';
    this.file = file;
    this.line = line;
    this.col = col;
    this.detail = detail;
  }
}

/** Parse a whole scenario; throws ScenarioError on the first error. */
export function parseScenario(text: string, file: string): Scenario {
  return new Parser(file).parse(text);
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ADDRESS_RE = /^(?:([A-Za-z_][A-Za-z0-9_]*):)?([A-Za-z_][A-Za-z0-9_]*)(?:\+(.*))?$/;
const U32_MAX = 0xffff_ffff;

const KEYWORDS: ReadonlySet<string> = new Set([
  'arch',
  'set',
  'requires',
  'file',
  'mmap',
  'munmap',
  'mprotect',
  'madvise',
  'mremap',
  'read',
  'write',
  'fork',
  'as',
  'exit',
  'uffd',
  'pin',
  'unpin',
  'migrate',
  'expect',
  'assert',
  'show',
]);
const HEADER_KINDS: ReadonlySet<string> = new Set(['arch', 'set', 'requires']);
const EXPECTABLE_KINDS = [
  'mmap',
  'mremap',
  'file',
  'munmap',
  'mprotect',
  'madvise',
  'read',
  'write',
  'fork',
  'uffd',
  'pin',
  'unpin',
  'migrate',
] as const satisfies readonly ExpectableStatement['kind'][];
const EXPECTABLE: ReadonlySet<string> = new Set(EXPECTABLE_KINDS);
// Statements that neither act in nor look at the current process.
const PROCESS_FREE: ReadonlySet<string> = new Set(['arch', 'set', 'requires', 'file', 'as', 'exit', 'expect']);

const ASSERT_KINDS = ['pagemap', 'content', 'frame', 'status', 'smaps', 'maps'] as const;
// `smaps_rollup` is accepted as another spelling of `rollup`.
const SHOW_WORDS = ['maps', 'smaps', 'pagemap', 'status', 'content', 'ptdump', 'pins', 'rollup', 'smaps_rollup'] as const;

const oneOf = (list: readonly string[]): string => `expected one of: ${list.join(', ')}`;

function member<T extends string>(list: readonly T[], text: string): T | undefined {
  return (list as readonly string[]).includes(text) ? (text as T) : undefined;
}

function isExpectable(s: Statement): s is ExpectableStatement {
  return EXPECTABLE.has(s.kind);
}

const FLAG_SOURCES: ReadonlyMap<string, PageFlagSource> = new Map<string, PageFlagSource>([
  ...PAGEMAP_FLAGS.map((f): [string, PageFlagSource] => [f, 'pagemap']),
  ...KPAGE_FLAGS.map((f): [string, PageFlagSource] => [f, 'kpageflags']),
  ...SCAN_FLAGS.map((f): [string, PageFlagSource] => [f, 'scan']),
]);
const ALL_FLAGS: readonly PageFlag[] = [...PAGEMAP_FLAGS, ...KPAGE_FLAGS, ...SCAN_FLAGS];

/** A `key` or `key=value` word of an option list. */
interface Option {
  key: Token;
  value?: Token;
}

/** The tokens of one line, consumed left to right. */
class Line {
  private i = 0;

  constructor(
    private readonly p: Parser,
    private readonly tokens: readonly Token[],
    readonly endCol: number,
  ) {}

  get atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.i + ahead];
  }

  take(): Token | undefined {
    const t = this.tokens[this.i];
    if (t !== undefined) this.i++;
    return t;
  }

  /** The next token, which must be a word; `what` names it in the error. */
  word(what: string): Token {
    const t = this.take();
    if (t === undefined) return this.p.fail(this.endCol, `missing ${what}`);
    if (t.kind !== 'word') return this.p.fail(t.col, `expected ${what}, found '${t.text}'`);
    return t;
  }

  /** A `key` or `key=value` (spaces around `=` allowed). */
  option(): Option {
    const key = this.word('option');
    const eq = this.peek();
    if (eq?.kind !== 'op' || eq.text !== '=') return { key };
    this.i++;
    return { key, value: this.word(`value after '${key.text}='`) };
  }

  end(): void {
    const t = this.peek();
    if (t !== undefined) this.p.fail(t.col, `unexpected '${t.text}' after end of statement`);
  }
}

type ProcState = 'alive' | 'exited';

class Parser {
  private lineNo = 0;
  private readonly regions = new Map<string, number>();
  private readonly files = new Map<string, number>();
  private readonly pins = new Map<string, number>();
  private readonly procs = new Map<string, ProcState>([['main', 'alive']]);
  private current = 'main';
  private sawOperation = false;
  private archLine = 0;
  private readonly settingLines = new Map<string, number>();
  private readonly header: ScenarioHeader = { arch: DEFAULT_ARCH, settings: [], requires: [] };

  constructor(private readonly file: string) {}

  fail(col: number, detail: string): never {
    throw new ScenarioError(this.file, this.lineNo, col, detail);
  }

  private loc(t: Token | number): Loc {
    return { line: this.lineNo, col: typeof t === 'number' ? t : t.col };
  }

  parse(text: string): Scenario {
    const statements: Statement[] = [];
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
      this.lineNo = n + 1;
      const lexed = lexLine(lines[n]);
      if (isLexError(lexed)) this.fail(lexed.col, lexed.message);
      if (lexed.tokens.length === 0) continue;
      const line = new Line(this, lexed.tokens, lexed.endCol);
      const s = this.statement(line, false);
      line.end();
      this.bind(s);
      statements.push(s);
    }
    return { file: this.file, header: this.header, statements };
  }

  // ------------------------------------------------------------ dispatch

  private statement(l: Line, inExpect: boolean): Statement {
    const first = l.word('a statement');
    const loc = this.loc(first);
    const eq = l.peek();
    if (eq?.kind === 'op' && eq.text === '=') {
      l.take();
      const kw = l.word("'mmap' or 'mremap' after '='");
      if (kw.text !== 'mmap' && kw.text !== 'mremap') {
        this.fail(kw.col, `expected 'mmap' or 'mremap' after '=', found '${kw.text}'`);
      }
      this.enter(kw.text, loc);
      const name = this.newRegionName(first);
      return kw.text === 'mmap' ? this.mmap(l, loc, name) : this.mremap(l, loc, name);
    }
    const kw = first.text;
    if (!KEYWORDS.has(kw)) this.fail(first.col, `unknown statement '${kw}'`);
    if (inExpect && !EXPECTABLE.has(kw)) {
      this.fail(first.col, `'${kw}' cannot be expected to fail (${oneOf(EXPECTABLE_KINDS)})`);
    }
    this.enter(kw, loc);
    switch (kw as StatementKind) {
      case 'arch':
        return this.arch(l, loc);
      case 'set':
        return this.set(l, loc);
      case 'requires':
        return this.requires(l, loc);
      case 'file':
        return this.fileStatement(l, loc);
      case 'mmap':
        if (!inExpect) this.fail(first.col, "mmap needs a region name: 'NAME = mmap ...'");
        return this.mmap(l, loc, undefined);
      case 'mremap':
        return this.mremap(l, loc, undefined);
      case 'munmap':
        return { kind: 'munmap', addr: this.address(l), len: this.size(l, 'length'), loc };
      case 'mprotect':
        return { kind: 'mprotect', addr: this.address(l), len: this.size(l, 'length'), prot: this.prot(l), loc };
      case 'madvise': {
        const addr = this.address(l);
        const len = this.size(l, 'length');
        const t = l.word('advice');
        const advice = member(ADVICES, t.text) ?? this.fail(t.col, `unknown advice '${t.text}' (${oneOf(ADVICES)})`);
        return { kind: 'madvise', addr, len, advice, loc };
      }
      case 'read':
        return { kind: 'read', addr: this.address(l), len: this.size(l, 'length'), loc };
      case 'write':
        return this.write(l, loc);
      case 'fork': {
        const t = this.nameToken(l, 'process');
        if (this.procs.get(t.text) === 'alive') this.fail(t.col, `process '${t.text}' already exists`);
        return { kind: 'fork', child: t.text, loc };
      }
      case 'as':
        return { kind: 'as', proc: this.liveProcess(l), loc };
      case 'exit':
        return { kind: 'exit', proc: this.liveProcess(l), loc };
      case 'uffd':
        return this.uffd(l, loc);
      case 'pin':
        return this.pin(l, loc);
      case 'unpin': {
        const t = this.nameToken(l, 'pin');
        if (!this.pins.has(t.text)) this.fail(t.col, `pin '${t.text}' is not defined`);
        return { kind: 'unpin', name: t.text, loc };
      }
      case 'migrate':
        return { kind: 'migrate', addr: this.address(l), len: this.size(l, 'length'), loc };
      case 'expect':
        return this.expect(l, loc);
      case 'assert':
        return this.assert(l, loc);
      case 'show':
        return this.show(l, loc);
    }
  }

  /** Checks that depend on where the statement is, before its arguments. */
  private enter(kw: string, loc: Loc): void {
    if (HEADER_KINDS.has(kw)) {
      if (this.sawOperation) {
        this.fail(loc.col, 'header statements (arch, set, requires) must come before the first operation');
      }
      return;
    }
    this.sawOperation = true;
    if (!PROCESS_FREE.has(kw) && this.procs.get(this.current) !== 'alive') {
      this.fail(loc.col, `the current process '${this.current}' has exited (switch with 'as')`);
    }
  }

  /** Record what a statement defines, once it parsed completely (not inside expect). */
  private bind(s: Statement): void {
    switch (s.kind) {
      case 'arch':
        this.header.arch = s.arch;
        this.header.archLoc = s.loc;
        break;
      case 'set':
        this.header.settings.push(s);
        break;
      case 'requires':
        for (const f of s.features) if (!this.header.requires.includes(f)) this.header.requires.push(f);
        break;
      case 'mmap':
      case 'mremap':
        if (s.name !== undefined) this.regions.set(s.name, s.loc.line);
        break;
      case 'file':
        this.files.set(s.name, s.loc.line);
        break;
      case 'fork':
        this.procs.set(s.child, 'alive');
        break;
      case 'exit':
        this.procs.set(s.proc, 'exited');
        break;
      case 'as':
        this.current = s.proc;
        break;
      case 'pin':
        if (s.name !== undefined) this.pins.set(s.name, s.loc.line);
        break;
      case 'unpin':
        this.pins.delete(s.name);
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------ pieces

  private size(l: Line, what: string): Size {
    const t = l.word(what);
    return this.sizeOf(t.text, t.col);
  }

  private sizeOf(text: string, col: number): Size {
    const bytes = parseSize(text);
    if (bytes === null) return this.fail(col, `bad size '${text}'`);
    return { bytes, loc: this.loc(col) };
  }

  private prot(l: Line): Prot {
    const t = l.word('protection');
    return member(PROTS, t.text) ?? this.fail(t.col, `bad protection '${t.text}' (${oneOf(PROTS)})`);
  }

  /** A name token of the given namespace, checked for syntax only. */
  private nameToken(l: Line, namespace: string): Token {
    const t = l.word(`${namespace} name`);
    if (!NAME_RE.test(t.text)) this.fail(t.col, `bad ${namespace} name '${t.text}'`);
    return t;
  }

  private newRegionName(t: Token): string {
    if (!NAME_RE.test(t.text)) this.fail(t.col, `bad region name '${t.text}'`);
    const line = this.regions.get(t.text);
    if (line !== undefined) this.fail(t.col, `region '${t.text}' is already defined at line ${line}`);
    return t.text;
  }

  private checkProcess(name: string, col: number): void {
    const state = this.procs.get(name);
    if (state === undefined) this.fail(col, `process '${name}' is not defined`);
    if (state === 'exited') this.fail(col, `process '${name}' has exited`);
  }

  private liveProcess(l: Line): string {
    const t = this.nameToken(l, 'process');
    this.checkProcess(t.text, t.col);
    return t.text;
  }

  private address(l: Line, allowProc = false, what = 'address'): Address {
    return this.addressOf(l.word(what), allowProc);
  }

  private addressOf(t: Token, allowProc: boolean): Address {
    const m = ADDRESS_RE.exec(t.text);
    if (m === null) this.fail(t.col, `bad address '${t.text}' (expected REGION, REGION+OFFSET or PROC:REGION+OFFSET)`);
    const [, proc, region, off] = m;
    let col = t.col;
    if (proc !== undefined) {
      if (!allowProc) {
        this.fail(col, `'${proc}:' is not allowed here: operations act in the current process (use 'as ${proc}')`);
      }
      this.checkProcess(proc, col);
      col += proc.length + 1;
    }
    if (!this.regions.has(region)) this.fail(col, `region '${region}' is not defined`);
    col += region.length + 1;
    let offset = 0;
    if (off !== undefined) {
      if (off === '') this.fail(col, "missing offset after '+'");
      offset = this.sizeOf(off, col).bytes;
    }
    const addr: Address = { region, offset, loc: this.loc(t) };
    return proc === undefined ? addr : { proc, ...addr };
  }

  private regionRef(l: Line): RegionRef {
    const t = l.word('region');
    const m = ADDRESS_RE.exec(t.text);
    if (m === null || m[3] !== undefined) this.fail(t.col, `bad region '${t.text}' (expected REGION or PROC:REGION)`);
    const a = this.addressOf(t, true);
    return a.proc === undefined ? { region: a.region, loc: a.loc } : { proc: a.proc, region: a.region, loc: a.loc };
  }

  private cmp(l: Line, max: number): Comparison {
    const t = l.take();
    const expected = `a comparison (${CMP_OPS.join(', ')})`;
    if (t === undefined) return this.fail(l.endCol, `missing ${expected}`);
    const op = t.kind === 'op' ? member(CMP_OPS, t.text) : undefined;
    if (op === undefined) return this.fail(t.col, `expected ${expected}, found '${t.text}'`);
    const v = l.word('number');
    const value = parseUnsigned(v.text);
    if (value === null || value > max) {
      this.fail(v.col, `bad number '${v.text}'${max === U32_MAX ? ' (expected a 32-bit unsigned value)' : ''}`);
    }
    return { op, value, loc: this.loc(t) };
  }

  private u32(t: Token): number {
    const v = parseUnsigned(t.text);
    if (v === null || v > U32_MAX) this.fail(t.col, `bad value '${t.text}' (expected a 32-bit unsigned value)`);
    return v;
  }

  private noValue(o: Option): void {
    if (o.value !== undefined) this.fail(o.key.col, `'${o.key.text}' takes no value`);
  }

  private needValue(o: Option, example: string): Token {
    return o.value ?? this.fail(o.key.col, `'${o.key.text}' needs a value, e.g. ${example}`);
  }

  private once(seen: Map<string, Token>, key: Token): void {
    if (seen.has(key.text)) this.fail(key.col, `'${key.text}' given twice`);
    seen.set(key.text, key);
  }

  // ------------------------------------------------------------ header

  private arch(l: Line, loc: Loc): Statement {
    if (this.archLine !== 0) this.fail(loc.col, `arch is already set at line ${this.archLine}`);
    const t = l.word('arch name');
    const arch: ArchName = member(ARCH_NAMES, t.text) ?? this.fail(t.col, `unknown arch '${t.text}' (${oneOf(ARCH_NAMES)})`);
    this.archLine = loc.line;
    return { kind: 'arch', arch, loc };
  }

  private set(l: Line, loc: Loc): SetStatement {
    const key = l.word('setting');
    const eq = l.take();
    if (eq === undefined) this.fail(l.endCol, `missing '=' after '${key.text}'`);
    if (eq.text !== '=') this.fail(eq.col, `expected '=' after '${key.text}', found '${eq.text}'`);
    const v = l.word(`value for '${key.text}'`);
    const badValue = (expected: string): never => this.fail(v.col, `bad value '${v.text}' for '${key.text}' (${expected})`);
    const onOff = (): boolean => (v.text === 'on' ? true : v.text === 'off' ? false : badValue('expected on or off'));
    const dot = key.text.indexOf('.');
    const head = dot < 0 ? key.text : key.text.slice(0, dot);
    const rest = key.text.slice(dot + 1);
    let setting: Setting;
    let norm: string;
    if (key.text === 'thp') {
      setting = { key: 'thp', mode: member(THP_MODES, v.text) ?? badValue(oneOf(THP_MODES)) };
      norm = key.text;
    } else if (key.text === 'thp.zero_page' || key.text === 'swap') {
      setting = { key: key.text, on: onOff() };
      norm = key.text;
    } else if (dot > 0 && (head === 'mthp' || head === 'hugetlb')) {
      const size = this.sizeOf(rest, key.col + dot + 1);
      norm = `${head}.${formatSize(size.bytes)}`;
      if (head === 'mthp') {
        setting = { key: 'mthp', size, mode: member(MTHP_MODES, v.text) ?? badValue(oneOf(MTHP_MODES)) };
      } else {
        const pages = /^[0-9]+$/.test(v.text) ? parseUnsigned(v.text) : null;
        setting = { key: 'hugetlb', size, pages: pages ?? badValue('expected a number of pages') };
      }
    } else if (dot > 0 && head === 'option') {
      if (!NAME_RE.test(rest)) this.fail(key.col + dot + 1, `bad option name '${rest}'`);
      setting = { key: 'option', name: rest, on: onOff() };
      norm = key.text;
    } else {
      return this.fail(
        key.col,
        `unknown setting '${key.text}' (expected thp, thp.zero_page, mthp.SIZE, hugetlb.SIZE, swap or option.NAME)`,
      );
    }
    const line = this.settingLines.get(norm);
    if (line !== undefined) this.fail(key.col, `'${key.text}' is already set at line ${line}`);
    this.settingLines.set(norm, loc.line);
    return { kind: 'set', key: key.text, value: v.text, setting, loc };
  }

  private requires(l: Line, loc: Loc): Statement {
    const features: string[] = [];
    do {
      const t = l.word('feature name');
      if (t.text.startsWith('!')) this.fail(t.col, `bad feature name '${t.text}'`);
      features.push(t.text);
    } while (!l.atEnd);
    return { kind: 'requires', features, loc };
  }

  // ------------------------------------------------------------ operations

  private fileStatement(l: Line, loc: Loc): FileStatement {
    const t = this.nameToken(l, 'file');
    const line = this.files.get(t.text);
    if (line !== undefined) this.fail(t.col, `file '${t.text}' is already defined at line ${line}`);
    if (l.atEnd) this.fail(l.endCol, 'missing size=SIZE');
    const o = l.option();
    if (o.key.text !== 'size') this.fail(o.key.col, `expected size=SIZE, found '${o.key.text}'`);
    const v = this.needValue(o, 'size=4M');
    return { kind: 'file', name: t.text, size: this.sizeOf(v.text, v.col), loc };
  }

  private mmap(l: Line, loc: Loc, name: string | undefined): MmapStatement {
    const len = this.size(l, 'length');
    const prot = this.prot(l);
    const seen = new Map<string, Token>();
    let sharing: Token | undefined;
    let backingTok: Token | undefined;
    let backing: Backing | undefined;
    let off: { tok: Token; size: Size } | undefined;
    let hugetlb: Size | undefined;
    let fixed: Address | undefined;
    const flags: MmapExtraFlag[] = [];
    const setBacking = (key: Token, b: Backing): void => {
      if (backingTok !== undefined) this.fail(key.col, `'${key.text}' conflicts with '${backingTok.text}'`);
      backingTok = key;
      backing = b;
    };
    while (!l.atEnd) {
      const o = l.option();
      const k = o.key.text;
      if (k === 'private' || k === 'shared') {
        this.noValue(o);
        if (sharing !== undefined) {
          this.fail(o.key.col, sharing.text === k ? `'${k}' given twice` : `'${k}' conflicts with '${sharing.text}'`);
        }
        sharing = o.key;
      } else if (k === 'anon' || k === 'pfnmap') {
        this.noValue(o);
        setBacking(o.key, { kind: k });
      } else if (k === 'file') {
        const v = this.needValue(o, 'file=f1');
        if (!NAME_RE.test(v.text)) this.fail(v.col, `bad file name '${v.text}'`);
        if (!this.files.has(v.text)) this.fail(v.col, `file '${v.text}' is not defined`);
        // `off` is filled in once the whole line is read.
        setBacking(o.key, { kind: 'file', file: v.text, off: { bytes: 0, loc: this.loc(o.key) } });
      } else if (k === 'off') {
        this.once(seen, o.key);
        const v = this.needValue(o, 'off=0');
        off = { tok: o.key, size: this.sizeOf(v.text, v.col) };
      } else if (k === 'hugetlb') {
        this.once(seen, o.key);
        const v = this.needValue(o, 'hugetlb=2M');
        hugetlb = this.sizeOf(v.text, v.col);
      } else if (k === 'fixed') {
        this.once(seen, o.key);
        fixed = this.addressOf(this.needValue(o, 'fixed=A+1M'), false);
      } else if (k === 'populate') {
        this.noValue(o);
        this.once(seen, o.key);
      } else {
        const flag =
          member(MMAP_EXTRA_FLAGS, k) ??
          this.fail(
            o.key.col,
            `unknown mmap option '${k}' (${oneOf([
              'private',
              'shared',
              'anon',
              'file=NAME',
              'off=SIZE',
              'pfnmap',
              'hugetlb=SIZE',
              'populate',
              'fixed=ADDRESS',
              ...MMAP_EXTRA_FLAGS,
            ])})`,
          );
        this.noValue(o);
        this.once(seen, o.key);
        flags.push(flag);
      }
    }
    if (sharing === undefined) this.fail(l.endCol, 'missing private or shared');
    if (backing === undefined) this.fail(l.endCol, 'missing backing (anon, file=NAME or pfnmap)');
    const b: Backing = backing;
    if (off !== undefined) {
      if (b.kind !== 'file') this.fail(off.tok.col, "'off' needs file=NAME");
      b.off = off.size;
    }
    return {
      kind: 'mmap',
      ...(name === undefined ? {} : { name }),
      len,
      prot,
      shared: sharing.text === 'shared',
      backing: b,
      ...(hugetlb === undefined ? {} : { hugetlb }),
      populate: seen.has('populate'),
      ...(fixed === undefined ? {} : { fixed }),
      flags,
      loc,
    };
  }

  private mremap(l: Line, loc: Loc, name: string | undefined): MremapStatement {
    const addr = this.address(l);
    const oldLen = this.size(l, 'old length');
    const newLen = this.size(l, 'new length');
    const seen = new Map<string, Token>();
    let fixed: Address | undefined;
    while (!l.atEnd) {
      const o = l.option();
      const k = o.key.text;
      if (k === 'maymove' || k === 'dontunmap') {
        this.noValue(o);
      } else if (k === 'fixed') {
        fixed = this.addressOf(this.needValue(o, 'fixed=A+1M'), false);
      } else {
        this.fail(o.key.col, `unknown mremap option '${k}' (${oneOf(['maymove', 'fixed=ADDRESS', 'dontunmap'])})`);
      }
      this.once(seen, o.key);
    }
    return {
      kind: 'mremap',
      ...(name === undefined ? {} : { name }),
      addr,
      oldLen,
      newLen,
      maymove: seen.has('maymove'),
      ...(fixed === undefined ? {} : { fixed }),
      dontunmap: seen.has('dontunmap'),
      loc,
    };
  }

  private write(l: Line, loc: Loc): WriteStatement {
    const addr = this.address(l);
    const len = this.size(l, 'length');
    if (l.atEnd) return { kind: 'write', addr, len, loc };
    const o = l.option();
    if (o.key.text !== 'value') this.fail(o.key.col, `unknown write option '${o.key.text}' (expected value=N)`);
    return { kind: 'write', addr, len, value: this.u32(this.needValue(o, 'value=7')), loc };
  }

  private uffd(l: Line, loc: Loc): UffdStatement {
    const addr = this.address(l);
    const len = this.size(l, 'length');
    const t = l.word('uffd operation (register, wp or unwp)');
    if (t.text === 'wp' || t.text === 'unwp') return { kind: 'uffd', op: t.text, addr, len, loc };
    if (t.text !== 'register') this.fail(t.col, `unknown uffd operation '${t.text}' (expected register, wp or unwp)`);
    const seen = new Map<string, Token>();
    const modes: UffdMode[] = [];
    const flags: UffdFlag[] = [];
    while (!l.atEnd) {
      const w = l.word('register mode or flag');
      const mode = member(UFFD_MODES, w.text);
      const flag = member(UFFD_FLAGS, w.text);
      if (mode === undefined && flag === undefined) {
        this.fail(w.col, `unknown uffd register mode or flag '${w.text}' (${oneOf([...UFFD_MODES, ...UFFD_FLAGS])})`);
      }
      this.once(seen, w);
      if (mode !== undefined) modes.push(mode);
      if (flag !== undefined) flags.push(flag);
    }
    return { kind: 'uffd', op: 'register', addr, len, modes, flags, loc };
  }

  private pin(l: Line, loc: Loc): PinStatement {
    const addr = this.address(l);
    const len = this.size(l, 'length');
    const seen = new Map<string, Token>();
    let name: string | undefined;
    while (!l.atEnd) {
      const w = l.word('pin flag');
      if (w.text === 'as') {
        const t = this.nameToken(l, 'pin');
        const line = this.pins.get(t.text);
        if (line !== undefined) this.fail(t.col, `pin '${t.text}' is already defined at line ${line}`);
        name = t.text;
        break; // `as NAME` ends the statement; Line.end() reports anything after it
      }
      if (member(PIN_FLAGS, w.text) === undefined) {
        this.fail(w.col, `unknown pin flag '${w.text}' (expected write, longterm, fast or 'as NAME')`);
      }
      this.once(seen, w);
    }
    const flags = { write: seen.has('write'), longterm: seen.has('longterm'), fast: seen.has('fast') };
    return name === undefined ? { kind: 'pin', addr, len, flags, loc } : { kind: 'pin', addr, len, flags, name, loc };
  }

  private expect(l: Line, loc: Loc): Statement {
    const t = l.word('errno or signal');
    const error: ExpectedFailure =
      member(ERRNO_NAMES, t.text) ??
      member(SIGNAL_NAMES, t.text) ??
      this.fail(t.col, `unknown errno '${t.text}' (${oneOf([...ERRNO_NAMES, ...SIGNAL_NAMES])})`);
    if (l.atEnd) this.fail(l.endCol, `missing statement after 'expect ${t.text}'`);
    const inner = this.statement(l, true);
    if (!isExpectable(inner)) throw new Error(`internal: '${inner.kind}' accepted inside expect`);
    return { kind: 'expect', error, inner, loc };
  }

  // ------------------------------------------------------------ assert, show

  private assert(l: Line, loc: Loc): AssertStatement {
    const t = l.word('assertion kind');
    const what = member(ASSERT_KINDS, t.text) ?? this.fail(t.col, `unknown assertion '${t.text}' (${oneOf(ASSERT_KINDS)})`);
    switch (what) {
      case 'pagemap': {
        const addr = this.address(l, true);
        const len = this.size(l, 'length');
        const flags: FlagTest[] = [];
        const seen = new Map<string, Token>();
        if (l.atEnd) this.fail(l.endCol, 'missing page flags');
        while (!l.atEnd) {
          const w = l.word('page flag');
          const negated = w.text.startsWith('!');
          const name = negated ? w.text.slice(1) : w.text;
          const source = FLAG_SOURCES.get(name);
          const flag = member(ALL_FLAGS, name);
          if (source === undefined || flag === undefined) {
            return this.fail(w.col, `unknown page flag '${name}' (${oneOf(ALL_FLAGS)})`);
          }
          if (seen.has(name)) this.fail(w.col, `flag '${name}' given twice`);
          seen.set(name, w);
          flags.push({ flag, source, negated, loc: this.loc(w) });
        }
        return { kind: 'assert', what, addr, len, flags, loc };
      }
      case 'content': {
        const addr = this.address(l, true);
        const len = this.size(l, 'length');
        return { kind: 'assert', what, addr, len, cmp: this.cmp(l, U32_MAX), loc };
      }
      case 'frame': {
        const left = this.address(l, true);
        const opTok = l.take();
        if (opTok === undefined) this.fail(l.endCol, 'missing == or !=');
        if (opTok.text !== '==' && opTok.text !== '!=') {
          this.fail(opTok.col, `frames can only be compared with == or !=, found '${opTok.text}'`);
        }
        const op: '==' | '!=' = opTok.text;
        const right = this.address(l, true);
        let next = false;
        if (!l.atEnd) {
          const w = l.word("'next'");
          if (w.text !== 'next') this.fail(w.col, `expected 'next' or end of statement, found '${w.text}'`);
          next = true;
        }
        return { kind: 'assert', what, left, op, right, next, loc };
      }
      case 'status': {
        const f = l.word('status field');
        const field = member(STATUS_FIELDS, f.text) ?? this.fail(f.col, `unknown status field '${f.text}' (${oneOf(STATUS_FIELDS)})`);
        return { kind: 'assert', what, field, cmp: this.cmp(l, Number.MAX_SAFE_INTEGER), loc };
      }
      case 'smaps': {
        const addr = this.address(l, true);
        const f = l.word('smaps field');
        if (f.text === 'Referenced') this.fail(f.col, "smaps field 'Referenced' is volatile and cannot be asserted");
        const field = member(SMAPS_FIELDS, f.text) ?? this.fail(f.col, `unknown smaps field '${f.text}' (${oneOf(SMAPS_FIELDS)})`);
        return { kind: 'assert', what, addr, field, cmp: this.cmp(l, Number.MAX_SAFE_INTEGER), loc };
      }
      case 'maps': {
        const region = this.regionRef(l);
        const w = l.word("'count'");
        if (w.text !== 'count') this.fail(w.col, `expected 'count', found '${w.text}'`);
        return { kind: 'assert', what, region, cmp: this.cmp(l, Number.MAX_SAFE_INTEGER), loc };
      }
    }
  }

  private show(l: Line, loc: Loc): ShowStatement {
    const t = l.word('view');
    const word =
      member(SHOW_WORDS, t.text) ??
      this.fail(t.col, `unknown view '${t.text}' (${oneOf(SHOW_VIEWS)})`);
    switch (word) {
      case 'maps':
      case 'status':
      case 'ptdump':
        return { kind: 'show', what: word, loc };
      case 'rollup':
      case 'smaps_rollup':
        return { kind: 'show', what: 'rollup', loc };
      case 'smaps':
        return { kind: 'show', what: word, region: this.regionRef(l), loc };
      case 'pagemap':
      case 'content':
      case 'pins': {
        const addr = this.address(l, true);
        return { kind: 'show', what: word, addr, len: this.size(l, 'length'), loc };
      }
    }
  }
}
