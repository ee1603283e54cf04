// Per-page facts for `show pagemap` and `assert pagemap`: pagemap bits,
// PAGEMAP_SCAN categories, the kpageflags subset, kpagecount and a frame
// label, grouped into runs of identical pages.
import type { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { FolioFlag } from '../mem/phys.js';
import { KPF, PM, SCAN, SCAN_NOT_REPORTED, kpagecount, kpageflags, pageInfo } from '../views/pagemap.js';
import type { PageFlag } from './ast.js';
import type { FrameLabels, RegionTable } from './labels.js';

const PM_NAMES: [number, string][] = [[PM.PRESENT, 'P'], [PM.SWAP, 'S'], [PM.FILE, 'F'], [PM.GUARD, 'G'], [PM.UFFD_WP, 'W'], [PM.EXCLUSIVE, 'X'], [PM.SOFT_DIRTY, 'D']];
const SCAN_NAMES: [number, string][] = [
  [SCAN.WPALLOWED, 'WA'], [SCAN.PRESENT, 'PR'], [SCAN.WRITTEN, 'WR'], [SCAN.HUGE, 'HG'], [SCAN.PFNZERO, 'PZ'],
  [SCAN.SWAPPED, 'SW'], [SCAN.FILE, 'FI'], [SCAN.GUARD, 'GD'], [SCAN.SOFT_DIRTY, 'SD'],
];
const KPF_NAMES: [number, string][] = [
  [KPF.THP, 'THP'], [KPF.HUGE, 'HUGE'], [KPF.HEAD, 'HEAD'], [KPF.TAIL, 'TAIL'], [KPF.ZERO, 'ZERO'], [KPF.ANON, 'ANON'],
  [KPF.SWAPBACKED, 'SWAPBACKED'], [KPF.SWAPCACHE, 'SWAPCACHE'], [KPF.MMAP, 'MMAP'], [KPF.MAPPEDTODISK, 'MAPPEDTODISK'],
];

/** Flag vocabulary of the scenario language -> which bit of which source. */
const FLAG_TESTS: Record<PageFlag, (p: PageFacts) => boolean> = {
  present: (p) => (p.pm & PM.PRESENT) !== 0,
  swapped: (p) => (p.pm & PM.SWAP) !== 0,
  file: (p) => (p.pm & PM.FILE) !== 0,
  exclusive: (p) => (p.pm & PM.EXCLUSIVE) !== 0,
  uffd_wp: (p) => (p.pm & PM.UFFD_WP) !== 0,
  guard: (p) => (p.pm & PM.GUARD) !== 0,
  soft_dirty: (p) => (p.pm & PM.SOFT_DIRTY) !== 0,
  kpf_thp: (p) => (p.kpf & KPF.THP) !== 0,
  kpf_huge: (p) => (p.kpf & KPF.HUGE) !== 0,
  kpf_head: (p) => (p.kpf & KPF.HEAD) !== 0,
  kpf_tail: (p) => (p.kpf & KPF.TAIL) !== 0,
  kpf_zero: (p) => (p.kpf & KPF.ZERO) !== 0,
  kpf_anon: (p) => (p.kpf & KPF.ANON) !== 0,
  kpf_swapbacked: (p) => (p.kpf & KPF.SWAPBACKED) !== 0,
  kpf_swapcache: (p) => (p.kpf & KPF.SWAPCACHE) !== 0,
  kpf_mmap: (p) => (p.kpf & KPF.MMAP) !== 0,
  kpf_anon_exclusive: (p) => (p.kpf & KPF.ANON) !== 0 && (p.kpf & KPF.MAPPEDTODISK) !== 0,
  is_present: (p) => p.scan > 0 && (p.scan & SCAN.PRESENT) !== 0,
  is_written: (p) => p.scan > 0 && (p.scan & SCAN.WRITTEN) !== 0,
  is_huge: (p) => p.scan > 0 && (p.scan & SCAN.HUGE) !== 0,
  is_pfnzero: (p) => p.scan > 0 && (p.scan & SCAN.PFNZERO) !== 0,
  is_swapped: (p) => p.scan > 0 && (p.scan & SCAN.SWAPPED) !== 0,
  is_file: (p) => p.scan > 0 && (p.scan & SCAN.FILE) !== 0,
  is_wpallowed: (p) => p.scan > 0 && (p.scan & SCAN.WPALLOWED) !== 0,
  is_guard: (p) => p.scan > 0 && (p.scan & SCAN.GUARD) !== 0,
};

export function pageMatches(p: PageFacts, flag: PageFlag): boolean {
  return FLAG_TESTS[flag](p);
}

/**
 * What a page maps, for labels and runs: `kind` none | small (folio label
 * `num`) | large (folio `num`, page `sub`) | hzero (page `sub`) | zero | pfn | swap.
 */
export type FrameKindName = 'none' | 'small' | 'large' | 'hzero' | 'zero' | 'pfn' | 'swap';

export class PageFacts {
  constructor(
    readonly addr: number,
    readonly pm: number,
    readonly scan: number,
    readonly kpf: number,
    readonly cnt: number,
    readonly frameKind: FrameKindName,
    readonly num: number,
    readonly sub: number,
  ) {}

  private get mapped(): boolean {
    return this.frameKind !== 'none' && this.frameKind !== 'swap';
  }

  flagsText(): string {
    const pm = names(this.pm, PM_NAMES);
    const scan = this.scan === SCAN_NOT_REPORTED ? 'n/a' : names(this.scan, SCAN_NAMES);
    const kpf = this.mapped ? names(this.kpf, KPF_NAMES) : '-';
    const cnt = this.mapped ? String(this.cnt) : '-';
    return `pm:${pm} scan:${scan} kpf:${kpf} cnt:${cnt}`;
  }

  frameText(): string {
    switch (this.frameKind) {
      case 'none': return '-';
      case 'small': return `#${this.num}`;
      case 'large': return `#${this.num}+${this.sub}`;
      case 'hzero': return `hzero+${this.sub}`;
      default: return this.frameKind;
    }
  }

  describe(): string {
    return `${this.flagsText()} frame:${this.frameText()}`;
  }

  /** Whether `next` continues a run that ends with this page. */
  continuedBy(next: PageFacts): boolean {
    if (this.frameKind !== next.frameKind || this.flagsText() !== next.flagsText()) return false;
    switch (this.frameKind) {
      case 'small': return next.num === this.num + 1;
      case 'large': return next.num === this.num && next.sub === this.sub + 1;
      case 'hzero': return next.sub === this.sub + 1;
      default: return true; // none, the zero page repeated, swap entries, raw pfns
    }
  }

  /** A run prints its first and last frame when the frames differ. */
  rangesFrames(): boolean {
    return this.frameKind === 'small' || this.frameKind === 'large' || this.frameKind === 'hzero';
  }
}

function names(bits: number, table: [number, string][]): string {
  const out = table.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);
  return out.length > 0 ? out.join(',') : '-';
}

/** Facts for every base page of [start, start+len). `assignLabels` names new frames (shows do; asserts don't). */
export function collectPages(k: Kernel, mm: Mm, start: number, len: number, labels: FrameLabels, assignLabels: boolean): PageFacts[] {
  const vpn0 = Math.floor(start / k.pageSize);
  const n = Math.ceil(len / k.pageSize);
  const info = pageInfo(k, mm, vpn0, n);
  const mem = k.mem;
  const out: PageFacts[] = [];
  for (let i = 0; i < n; i++) {
    const pm = info.pm[i];
    let kind: FrameKindName = 'none';
    let num = 0;
    let sub = 0;
    let kpf = 0;
    let cnt = 0;
    if ((pm & PM.PRESENT) !== 0) {
      const pfn = info.frame[i];
      kpf = kpageflags(k, pfn);
      cnt = kpagecount(k, pfn);
      if (pfn === mem.zeroPfn) kind = 'zero';
      else if (mem.isFolioPage(pfn)) {
        const h = mem.headOf(pfn);
        sub = pfn - h;
        if ((mem.folioFlags[h] & FolioFlag.ZERO) !== 0) kind = 'hzero';
        else {
          kind = mem.order[h] > 0 ? 'large' : 'small';
          num = assignLabels ? labels.of(mem.serial[h]) : mem.serial[h];
        }
      } else kind = 'pfn';
    } else if ((pm & PM.SWAP) !== 0) {
      kind = 'swap';
    }
    out.push(new PageFacts((vpn0 + i) * k.pageSize, pm, info.scan[i], kpf, cnt, kind, num, sub));
  }
  return out;
}

/** `A+4K x3 pm:P,X scan:PR,WR kpf:ANON,... cnt:1 frame:#1..#3`, one line per run. */
export function formatPageRuns(pages: PageFacts[], regions: RegionTable): string[] {
  const lines: string[] = [];
  for (let i = 0; i < pages.length; ) {
    let j = i + 1;
    while (j < pages.length && pages[j - 1].continuedBy(pages[j])) j++;
    const first = pages[i];
    const last = pages[j - 1];
    const frame = j - i === 1 || !first.rangesFrames() ? first.frameText() : `${first.frameText()}..${last.frameText()}`;
    lines.push(`${regions.name(first.addr)} x${j - i} ${first.flagsText()} frame:${frame}`);
    i = j;
  }
  return lines;
}
