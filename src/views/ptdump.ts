// A page-table dump in the style of x86's dump_pagetables.c (debugfs
// page_tables/current_user): every leaf and every hole of user space, at its
// real level, with runs of identical entries merged (mm/ptdump.c note_page).
import { Attr, Kind } from '../arch/index.js';
import type { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { BaseVisitor, WALK_CONTINUE } from '../walk/walker.js';

export interface PtdumpLine {
  start: number;
  end: number;
  level: number;
  /** Generic attributes (present entries) or -1 for holes and non-present entries. */
  attrs: number;
}

class PtdumpVisitor extends BaseVisitor {
  readonly lines: PtdumpLine[] = [];
  private cur: PtdumpLine | null = null;
  /** Raw flag bits of the current run (non-present entries with different bits break runs). */
  private curKey = '';
  constructor(private readonly k: Kernel) {
    super();
  }

  private note(start: number, npages: number, level: number, attrs: number, key: string): void {
    const end = start + npages;
    const c = this.cur;
    if (c && c.end === start && c.level === level && this.curKey === key) {
      c.end = end;
      return;
    }
    if (c) this.lines.push(c);
    this.cur = { start, end, level, attrs };
    this.curKey = key;
  }

  override hole(vpn: number, npages: number, level: number): number {
    this.note(vpn, npages, level, -1, 'hole');
    return WALK_CONTINUE;
  }

  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number): number {
    const c = this.k.fmt.codec;
    const present = c.kind(lo, hi, level) === Kind.LEAF && c.has(lo, hi, Attr.VALID);
    // note_page compares the non-pfn bits; attributes are exactly those, decoded.
    const attrs = present ? c.attrs(lo, hi) : -1;
    this.note(vpn, npages, level, attrs, present ? `p${attrs}` : `n${c.swpType(lo, hi)}:${c.swpFlags(lo, hi)}`);
    return WALK_CONTINUE;
  }

  finish(): PtdumpLine[] {
    if (this.cur) this.lines.push(this.cur);
    this.cur = null;
    return this.lines;
  }
}

export function ptdump(k: Kernel, mm: Mm): PtdumpLine[] {
  const v = new PtdumpVisitor(k);
  // The "User Space" range of the x86 dump: the whole user half of the tables.
  k.walker.walk(mm, 0, 2 ** (k.fmt.spec.userVaBits - k.fmt.pageShift), v);
  return v.finish();
}

/** The size column of dump_pagetables.c: divide by 1024 while exact, units B K M G T P E. */
export function ptdumpSize(bytes: number): string {
  const units = 'BKMGTPE';
  let u = 0;
  let v = bytes;
  while (v % 1024 === 0 && v > 0 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return String(v).padStart(9) + units[u];
}

/** One line: `0x%016lx-0x%016lx   %9lu%c <flags> <level>`. */
export function formatPtdumpLine(k: Kernel, l: PtdumpLine): string {
  const hex = (vpn: number): string => '0x' + BigInt(vpn * k.pageSize).toString(16).padStart(16, '0');
  let flags: string;
  if (l.attrs < 0) flags = ' '.repeat(30);
  else {
    const a = l.attrs;
    flags =
      ((a & Attr.USER) !== 0 ? 'USR ' : '    ') +
      ((a & Attr.WRITE) !== 0 ? 'RW ' : 'ro ') +
      ((a & Attr.PWT) !== 0 ? 'PWT ' : '    ') +
      ((a & Attr.PCD) !== 0 ? 'PCD ' : '    ') +
      (l.level > 0 ? 'PSE ' : '    ') +
      '    ' +
      ((a & Attr.GLOBAL) !== 0 ? 'GLB ' : '    ') +
      ((a & Attr.NX) !== 0 ? 'NX ' : 'x  ');
  }
  return `${hex(l.start)}-${hex(l.end)}   ${ptdumpSize((l.end - l.start) * k.pageSize)} ${flags}${k.fmt.levelNames[l.level]}`;
}
