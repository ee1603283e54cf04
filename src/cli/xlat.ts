// `mmsim xlat`: translate virtual addresses through a raw page-table image,
// crash/libaddrxlat style. The image is text, one word a line:
//
//   # comment
//   0x1000: 0x0000000000002067
//   1008: 8000000000003027        (hex, `0x` optional)
//
// 64-bit words at 8-byte aligned physical addresses (for ppc-8xx, whose
// entries are 32 bits: 32-bit words at 4-byte aligned addresses). Values are
// the entries as the kernel reads them (pte_val; book3s64 stores them
// big-endian in memory). Memory that the image does not list reads as zero,
// but a table with no listed word at all is reported as missing.
//
// BigInt is used for addresses at this boundary only: a few entries per
// translated address, never a loop over the model's tables.
import type { Word2 } from '../arch/bits.js';
import { fmtSize, translate, xlatArch, type PhysReader, type VariantOptions, type XlatArch, type XlatResult } from '../arch/variants.js';
import type { Io } from './commands.js';

export const xlatUsage = `usage: mmsim xlat --arch NAME --root PADDR --mem FILE [options] VA...
  translate each VA through the page tables of a memory image (lines 'PADDR: VALUE', hex)
  --arch NAME      a format name (mmsim formats), e.g. x86_64, arm64-4k, riscv64-sv39, ppc-8xx
  --root PADDR     physical address of the top-level table (CR3, TTBR0, satp.PPN << 12, PRTB entry)
  --kroot PADDR    the table kernel (negative / quadrant 3) addresses use (arm64 TTBR1); default --root
  --va-bits N      arm64 36/39/42/47/48/52, x86 48/57, riscv 39/48/57 (default: the format's)
  --levels N       x86 4/5, riscv 3/4/5 (alternative to --va-bits)
  --pa-bits N      x86 MAXPHYADDR (default 52); arm64 48 or 52 (52-bit VA implies 52)
  --hugepd         ppc-8xx: the pre-6.11 hugepd layout for 8M pages
  --json           print [{"va","pa","size"} | {"va","error"}]
exit codes: 0 every address translated, 1 some did not, 2 bad arguments or image
`;

/** A parsed image: words by physical address, indexed by 4K page for range queries. */
export class MemImage implements PhysReader {
  private readonly pages = new Map<string, Map<number, Word2>>();
  constructor(readonly wordBytes: 4 | 8) {}

  static parse(text: string, wordBytes: 4 | 8, file = 'image'): MemImage {
    const img = new MemImage(wordBytes);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/#.*/, '').trim();
      if (line === '') continue;
      const m = /^(?:0x)?([0-9a-fA-F]{1,16})\s*:\s*(?:0x)?([0-9a-fA-F]{1,16})$/.exec(line);
      if (!m) throw new Error(`${file}:${i + 1}: expected 'PADDR: VALUE' (hex)`);
      const addr = hexWords(m[1]);
      const value = hexWords(m[2]);
      if ((addr.lo & (wordBytes - 1)) !== 0) throw new Error(`${file}:${i + 1}: address 0x${m[1]} is not ${wordBytes}-byte aligned`);
      if (wordBytes === 4 && value.hi !== 0) throw new Error(`${file}:${i + 1}: value 0x${m[2]} does not fit the 32-bit entries of this format`);
      img.store(addr.hi, addr.lo, value);
    }
    return img;
  }

  private store(hi: number, lo: number, value: Word2): void {
    const key = `${hi}:${lo >>> 12}`;
    let page = this.pages.get(key);
    if (!page) {
      page = new Map();
      this.pages.set(key, page);
    }
    page.set(lo & 0xfff, value);
  }

  read(pa: bigint, _bytes: 4 | 8): Word2 {
    const { hi, lo } = split(pa);
    return this.pages.get(`${hi}:${lo >>> 12}`)?.get(lo & 0xfff) ?? { lo: 0, hi: 0 };
  }

  present(pa: bigint, len: bigint): boolean {
    for (let p = pa - (pa % 4096n); p < pa + len; p += 4096n) {
      const { hi, lo } = split(p);
      const page = this.pages.get(`${hi}:${lo >>> 12}`);
      if (!page) continue;
      const from = p < pa ? Number(pa - p) : 0;
      const to = Math.min(4096, Number(pa + len - p));
      for (const off of page.keys()) if (off >= from && off < to) return true;
    }
    return false;
  }
}

function hexWords(h: string): Word2 {
  const lo = parseInt(h.slice(-8), 16) >>> 0;
  const hi = h.length > 8 ? parseInt(h.slice(0, -8), 16) >>> 0 : 0;
  return { lo, hi };
}

function split(pa: bigint): Word2 {
  return { lo: Number(pa & 0xffffffffn), hi: Number((pa >> 32n) & 0xffffffffn) };
}

/** A 64-bit address argument (hex or decimal), or null. */
export function parseAddr(text: string): bigint | null {
  if (!/^(?:0x[0-9a-fA-F]+|[0-9]+)$/.test(text)) return null;
  const v = BigInt(text);
  return v < 1n << 64n ? v : null;
}

const hex = (v: bigint): string => '0x' + v.toString(16);
const hexw = (v: bigint, bytes: number): string => '0x' + v.toString(16).padStart(bytes * 2, '0');

/** The lines describing one translation (shared with vtop). */
export function formatResult(a: XlatArch, r: XlatResult): string[] {
  const out: string[] = [];
  const w = Math.max(...a.levels.map((l) => `${l.name}[${2 ** l.bits - 1}]`.length));
  for (const s of r.steps) {
    const where = `${s.name}[${s.index}]`.padEnd(w);
    let tail = '';
    if (s.hw.kind === 'table') tail = ` -> table ${hex(s.hw.addr)}${s.hw.hugepdShift !== undefined ? ' (hugepd)' : ''}`;
    else if (s.hw.kind === 'leaf') tail = ` -> ${fmtSize(s.hw.size)} page ${hex(s.hw.addr)}`;
    out.push(`  ${where} ${hexw(s.entryAddr, 8)}: ${hexw(s.value, a.entryBytes)}  ${s.hw.flags.join(' ')}${tail}`.trimEnd());
    for (const n of s.notes) out.push(`  ${' '.repeat(w)} note: ${n}`);
  }
  if (r.error !== undefined) out.push(`  => error: ${r.error}`);
  else if (r.pa !== undefined && r.size !== undefined && r.level !== undefined) out.push(`  => pa ${hex(r.pa)}, ${fmtSize(r.size)} page at ${a.levels[r.level].name}`);
  return out;
}

/** The JSON record of one translation. */
export function jsonResult(r: XlatResult): { va: string; pa: string; size: string } | { va: string; error: string } {
  if (r.error !== undefined || r.pa === undefined || r.size === undefined) return { va: hex(r.va), error: r.error ?? 'no translation' };
  return { va: hex(r.va), pa: hex(r.pa), size: hex(r.size) };
}

interface Parsed {
  arch: string;
  root: bigint;
  kroot?: bigint;
  mem: string;
  json: boolean;
  opts: VariantOptions;
  vas: bigint[];
}

function parseArgs(argv: string[]): Parsed | string {
  let arch: string | undefined;
  let root: bigint | undefined;
  let kroot: bigint | undefined;
  let mem: string | undefined;
  let json = false;
  const opts: VariantOptions = {};
  const vas: bigint[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string | undefined => argv[++i];
    const num = (what: string): number | string => {
      const t = val();
      if (t === undefined || !/^[0-9]+$/.test(t)) return `${a} needs a number (${what})`;
      return Number(t);
    };
    switch (a) {
      case '--arch': arch = val(); break;
      case '--mem': mem = val(); break;
      case '--json': json = true; break;
      case '--hugepd': opts.hugepd = true; break;
      case '--root':
      case '--kroot': {
        const t = val();
        const v = t === undefined ? null : parseAddr(t);
        if (v === null) return `${a} needs a physical address`;
        if (a === '--root') root = v;
        else kroot = v;
        break;
      }
      case '--va-bits': case '--levels': case '--pa-bits': {
        const n = num(a.slice(2));
        if (typeof n === 'string') return n;
        if (a === '--va-bits') opts.vaBits = n;
        else if (a === '--levels') opts.levels = n;
        else opts.paBits = n;
        break;
      }
      default: {
        if (a.startsWith('--')) return `unknown option '${a}'`;
        const v = parseAddr(a);
        if (v === null) return `'${a}' is not an address (hex or decimal, below 2^64)`;
        vas.push(v);
      }
    }
  }
  if (arch === undefined) return '--arch is required';
  if (root === undefined) return '--root is required';
  if (mem === undefined) return '--mem is required';
  if (vas.length === 0) return 'no virtual addresses given';
  return { arch, root, kroot, mem, json, opts, vas };
}

export function xlatCommand(argv: string[], io: Io): number {
  const p = parseArgs(argv);
  if (typeof p === 'string') {
    io.err(`mmsim xlat: ${p}\n${xlatUsage}`);
    return 2;
  }
  let a: XlatArch;
  let img: MemImage;
  try {
    a = xlatArch(p.arch, p.opts);
    let text: string;
    try {
      text = io.readFile(p.mem);
    } catch (e) {
      throw new Error(`cannot read ${p.mem}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    img = MemImage.parse(text, a.entryBytes, p.mem);
  } catch (e) {
    io.err(`mmsim xlat: ${(e as Error).message}\n`);
    return 2;
  }
  const results = p.vas.map((va) => translate(a, img, p.root, va, p.kroot));
  if (p.json) io.out(JSON.stringify(results.map(jsonResult)) + '\n');
  else {
    for (const r of results) {
      io.out(`${hex(r.va)} (${a.label}${r.root !== undefined ? `, root ${hex(r.root)}` : ''})\n`);
      io.out(formatResult(a, r).join('\n') + '\n');
    }
  }
  return results.every((r) => r.error === undefined) ? 0 : 1;
}
