// /proc/PID/maps, smaps, smaps_rollup and status, as fs/proc/task_mmu.c and
// fs/proc/array.c compute them, walking the page tables through the walker.
import { Attr, Kind } from '../arch/index.js';
import { FolioFlag } from '../mem/phys.js';
import type { Kernel } from '../mm/kernel.js';
import type { Mm } from '../mm/mm.js';
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS } from '../mm/rmap.js';
import { thpEligible } from '../mm/thp.js';
import { hugeSize } from '../mm/hugetlb.js';
import { Leaf, decodeSoftleaf, newSoftleaf } from '../mm/softleaf.js';
import { VM, VM_FLAG_INFO, type Vma } from '../mm/vma.js';
import { BaseVisitor, WALK_CONTINUE } from '../walk/walker.js';

/** The smaps fields in the kernel's order; values in bytes (printed >> 10 as kB). */
export const SMAPS_FIELDS = [
  'Size', 'KernelPageSize', 'MMUPageSize', 'Rss', 'Pss', 'Pss_Dirty', 'Shared_Clean', 'Shared_Dirty',
  'Private_Clean', 'Private_Dirty', 'Referenced', 'Anonymous', 'KSM', 'LazyFree', 'AnonHugePages',
  'ShmemPmdMapped', 'FilePmdMapped', 'Shared_Hugetlb', 'Private_Hugetlb', 'Swap', 'SwapPss', 'Locked',
] as const;
export type SmapsField = (typeof SMAPS_FIELDS)[number];
/** Fields kept in the kernel's PSS fixed point (bytes << PSS_SHIFT, PSS_SHIFT = 12). */
export const PSS_FIXED_POINT: ReadonlySet<SmapsField> = new Set<SmapsField>(['Pss', 'Pss_Dirty', 'SwapPss', 'Locked']);

/** The kB value smaps prints for a field (seq_put_decimal_ull_width of bytes >> 10). */
export function smapsKb(field: SmapsField, value: number): number {
  const bytes = PSS_FIXED_POINT.has(field) ? Math.floor(value / 4096) : value;
  return Math.floor(bytes / 1024);
}

export interface SmapsRecord {
  vma: Vma;
  /** Bytes, except the PSS_FIXED_POINT fields, which are bytes << 12 like the kernel's (PSS_SHIFT). */
  fields: Record<SmapsField, number>;
  thpEligible: number;
  vmFlags: string[];
}

/** The name class of a mapping: how maps shows it, without paths or inode numbers. */
export function mappingName(vma: Vma): string {
  if (vma.has(VM.PFNMAP)) return 'pfnmap';
  if (vma.has(VM.HUGETLB)) return 'hugetlb';
  if (!vma.object) return 'anon';
  if (vma.object.shmem) return 'shmem';
  return `file:${vma.object.name}`;
}

export function perms(vma: Vma): string {
  return (vma.has(VM.READ) ? 'r' : '-') + (vma.has(VM.WRITE) ? 'w' : '-') + (vma.has(VM.EXEC) ? 'x' : '-') + (vma.has(VM.MAYSHARE) ? 's' : 'p');
}

/** maps' offset field: vm_pgoff << PAGE_SHIFT for file (and shmem) mappings, 0 for anonymous. */
export function mapsOffset(k: Kernel, vma: Vma): number {
  return vma.object ? vma.pgoff * k.pageSize : 0;
}

/** VmFlags mnemonics in kernel bit order (show_smap_vma_flags). */
export function vmFlagMnemonics(flags: number): string[] {
  return [...VM_FLAG_INFO].sort((a, b) => a.kernelBit - b.kernelBit).filter((i) => (flags & i.flag) !== 0).map((i) => i.mnemonic);
}

export function smaps(k: Kernel, mm: Mm, vma: Vma): SmapsRecord {
  const f = Object.fromEntries(SMAPS_FIELDS.map((n) => [n, 0])) as Record<SmapsField, number>;
  f.Size = vma.pages * k.pageSize;
  // vma_kernel_pagesize: the hstate size for hugetlb.
  f.KernelPageSize = vma.has(VM.HUGETLB) ? hugeSize(vma) : k.pageSize;
  f.MMUPageSize = f.KernelPageSize;
  // VM_PFNMAP VMAs are not walked: every counter stays 0.
  if (!vma.has(VM.PFNMAP)) {
    const v = new SmapsVisitor(k, vma, f);
    k.walker.walk(mm, vma.start, vma.end, v);
  }
  // shmem: Swap also counts the object's swapped-out pages in this VMA's range (not SwapPss).
  if (vma.object?.shmem) {
    for (const idx of vma.object.swapped.keys()) if (idx >= vma.pgoff && idx < vma.pgoff + vma.pages) f.Swap += k.pageSize;
  }
  return { vma, fields: f, thpEligible: thpEligible(k, vma) ? 1 : 0, vmFlags: vmFlagMnemonics(vma.flags) };
}

/** smaps_rollup: the sums over every VMA (Pss kept exact until printing). */
export function smapsRollup(k: Kernel, mm: Mm): Record<SmapsField, number> {
  const total = Object.fromEntries(SMAPS_FIELDS.map((n) => [n, 0])) as Record<SmapsField, number>;
  for (const vma of mm.vmas) {
    const r = smaps(k, mm, vma);
    for (const n of SMAPS_FIELDS) if (n !== 'Size' && n !== 'KernelPageSize' && n !== 'MMUPageSize') total[n] += r.fields[n];
  }
  return total;
}

class SmapsVisitor extends BaseVisitor {
  private readonly sl = newSoftleaf();
  private readonly k: Kernel;
  private readonly vma: Vma;
  private readonly f: Record<SmapsField, number>;
  constructor(k: Kernel, vma: Vma, f: Record<SmapsField, number>) {
    super();
    this.k = k;
    this.vma = vma;
    this.f = f;
  }

  override leaf(vpn: number, npages: number, level: number, lo: number, hi: number, slot: number): number {
    const k = this.k;
    const c = k.fmt.codec;
    const mem = k.mem;
    const kind = c.kind(lo, hi, level);
    if (kind === Kind.SWAP) {
      // smaps_pte_entry: Swap per real swap entry, SwapPss shared by the slot's users.
      const leaf = decodeSoftleaf(c, lo, hi, level, this.sl);
      if (leaf.kind === Leaf.SWAP && k.swap) {
        const bytes = npages * k.pageSize;
        const users = k.swap.count.get(leaf.offset) ?? 1;
        this.f.Swap += bytes;
        this.f.SwapPss += users >= 2 ? Math.floor((bytes * 4096) / users) : bytes * 4096;
      } else if (leaf.kind === Leaf.MIGRATION && mem.isFolioPage(leaf.offset)) {
        // Pages behind migration entries are resident, counted as shared.
        this.f.Rss += npages * k.pageSize;
        this.f.Pss += npages * k.pageSize * 4096;
        this.f.Shared_Clean += npages * k.pageSize;
      }
      return WALK_CONTINUE;
    }
    if (kind !== Kind.LEAF) return WALK_CONTINUE;
    const page = k.rmap.normalPage(lo, hi, level);
    if (page < 0) return WALK_CONTINUE; // zero page, special pfns: not counted
    if (this.vma.has(VM.HUGETLB)) {
      // smaps_hugetlb_range: not Rss; Shared_Hugetlb if the folio may be mapped shared.
      const h = mem.headOf(page);
      if (mem.totalMapcount[h] > 1 || k.walker.sharedLeafTable(slot, level, npages)) this.f.Shared_Hugetlb += npages * k.pageSize;
      else this.f.Private_Hugetlb += npages * k.pageSize;
      return WALK_CONTINUE;
    }
    const a = c.attrs(lo, hi);
    const per = k.fmt.pagesPerEntry[level];
    // A contiguous group reaches us as one leaf; account each entry's page.
    const from = Math.max(vpn, this.vma.start);
    const to = Math.min(vpn + npages, this.vma.end);
    if (level > 0) {
      this.account(page, per, (a & Attr.YOUNG) !== 0, (a & Attr.DIRTY) !== 0, true);
      const h = mem.headOf(page);
      if ((mem.folioFlags[h] & FolioFlag.ANON) !== 0) this.f.AnonHugePages += per * k.pageSize;
      else if ((mem.folioFlags[h] & FolioFlag.SWAPBACKED) !== 0) this.f.ShmemPmdMapped += per * k.pageSize;
      else this.f.FilePmdMapped += per * k.pageSize;
      return WALK_CONTINUE;
    }
    for (let p = from; p < to; p++) {
      const pfn = page + (p - vpn);
      this.account(pfn, 1, (a & Attr.YOUNG) !== 0, (a & Attr.DIRTY) !== 0, false);
    }
    return WALK_CONTINUE;
  }

  /** smaps_account (fs/proc/task_mmu.c), with CONFIG_PAGE_MAPCOUNT's precise per-page mapcount. */
  private account(pfn: number, pages: number, young: boolean, pteDirty: boolean, compound: boolean): void {
    const k = this.k;
    const mem = k.mem;
    const f = this.f;
    const ps = k.pageSize;
    const h = mem.headOf(pfn);
    const size = pages * ps;
    const ff = mem.folioFlags[h];
    const anon = (ff & FolioFlag.ANON) !== 0;
    const dirty = pteDirty || (ff & FolioFlag.DIRTY) !== 0;
    const locked = this.vma.has(VM.LOCKED);
    f.Rss += size;
    if (anon) {
      f.Anonymous += size;
      if ((ff & FolioFlag.SWAPBACKED) === 0 && !dirty) f.LazyFree += size;
    }
    if (young) f.Referenced += size;
    // PSS in the kernel's fixed point (PSS_SHIFT = 12), floored per page as it divides.
    const accumulate = (bytes: number, pss: number, priv: boolean): void => {
      pss = Math.floor(pss * 4096);
      f.Pss += pss;
      if (dirty) f.Pss_Dirty += pss;
      if (priv) {
        if (dirty) f.Private_Dirty += bytes;
        else f.Private_Clean += bytes;
      } else if (dirty) f.Shared_Dirty += bytes;
      else f.Shared_Clean += bytes;
      if (locked) f.Locked += pss;
    };
    if (mem.refcount[h] === 1) {
      accumulate(size, size, true);
      return;
    }
    const first = compound ? h : pfn;
    for (let i = 0; i < pages; i++) {
      const mc = mem.mapcountOfPage(first + i);
      accumulate(ps, mc >= 2 ? ps / mc : ps, mc < 2);
    }
  }
}

export interface Status {
  RssAnon: number;
  RssFile: number;
  RssShmem: number;
  VmPTE: number;
  VmSwap: number;
  HugetlbPages: number;
}

/** /proc/PID/status memory lines, in kB (fs/proc/task_mmu.c task_mem). */
export function status(k: Kernel, mm: Mm): Status {
  const kb = (pages: number): number => (pages * k.pageSize) / 1024;
  // mm_pgtables_bytes: PTE, PMD and PUD tables (not the pgd, not p4d tables).
  let tableBytes = 0;
  for (let l = 0; l < k.fmt.nlevels - 1; l++) {
    const name = k.fmt.levelNames[l];
    if (name === 'pte' || name === 'pmd' || name === 'pud') tableBytes += mm.tables[l] * k.fmt.entries[l] * k.fmt.entryBytes;
  }
  return {
    RssAnon: kb(mm.rss[MM_ANONPAGES]),
    RssFile: kb(mm.rss[MM_FILEPAGES]),
    RssShmem: kb(mm.rss[MM_SHMEMPAGES]),
    VmPTE: Math.floor(tableBytes / 1024), // mm_pgtables_bytes(mm) >> 10
    VmSwap: kb(mm.rss[MM_SWAPENTS]),
    HugetlbPages: kb(mm.hugetlbPages),
  };
}
