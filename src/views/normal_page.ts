// vm_normal_page(), vm_normal_page_pmd(), vm_normal_page_pud() as one
// level-generic function (mm/memory.c __vm_normal_page, 6.18 rules): which
// present entries map a "normal" page, refcounted and mapcounted, and which
// map a pfn that the VM must leave alone.
import { Attr, Kind } from '../arch/index.js';
import type { Kernel } from '../mm/kernel.js';
import { VM, type Vma } from '../mm/vma.js';

/**
 * The page (its pfn) mapped by the present leaf (lo, hi) at `level`, or -1.
 * With a special bit (every format here has one): special entries are not
 * normal in VM_PFNMAP/VM_MIXEDMAP VMAs or for the zero pages; a special entry
 * anywhere else is a corrupt page table ("BUG: Bad page map"), reported in
 * k.badPageMaps. A non-special entry must map a real page (pfn <=
 * highest_memmap_pfn), else it is reported too. For a PMD/PUD leaf the
 * result is the head page; callers add the offset.
 */
export function vmNormalPage(k: Kernel, vma: Vma, vpn: number, lo: number, hi: number, level: number): number {
  const c = k.fmt.codec;
  if (c.kind(lo, hi, level) !== Kind.LEAF) return -1;
  const pfn = c.pfn(lo, hi);
  if (!c.supports(Attr.SPECIAL)) {
    // No special bit: the VMA-flag heuristics. VM_MIXEDMAP: any pfn with a struct page is normal;
    // VM_PFNMAP: the remap_pfn_range rule (raw where pfn == vm_pgoff + offset, and everywhere in a
    // shared mapping; a COW'ed page otherwise).
    if (vma.has(VM.MIXEDMAP)) {
      if (!k.mem.isFolioPage(pfn)) return -1;
    } else if (vma.has(VM.PFNMAP)) {
      if (pfn === vma.pgoff + (vpn - vma.start) || !vma.isCow) return -1;
    }
    if (pfn === k.mem.zeroPfn || pfn === k.hugeZeroPfn) return -1;
    return k.mem.isFolioPage(pfn) ? pfn : -1;
  }
  if (c.has(lo, hi, Attr.SPECIAL)) {
    if (vma.has(VM.PFNMAP | VM.MIXEDMAP)) return -1;
    if (pfn === k.mem.zeroPfn || pfn === k.hugeZeroPfn) return -1;
    badPageMap(k, vma, vpn, level, 'special entry outside a pfnmap');
    return -1;
  }
  if (!k.mem.isFolioPage(pfn)) {
    badPageMap(k, vma, vpn, level, `pfn 0x${pfn.toString(16)} has no struct page`);
    return -1;
  }
  return pfn;
}

function badPageMap(k: Kernel, _vma: Vma, vpn: number, level: number, why: string): void {
  k.badPageMaps.push(`BUG: Bad page map at vpn 0x${vpn.toString(16)} (${k.fmt.levelNames[level]}): ${why}`);
}
