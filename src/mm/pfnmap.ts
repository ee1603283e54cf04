// Driver mappings without struct pages: a VM_PFNMAP region whose fault
// handler inserts device pfns (vmf_insert_pfn, and since 6.12 the huge
// pfnmap series: vmf_insert_pfn_pmd/pud where the range and the pfn are
// aligned), as special entries: no refcount, no mapcount, no rss
// (mm/memory.c insert_pfn, mm/huge_memory.c vmf_insert_pfn_pmd). A COW
// mapping gets read-only 4K entries; a write copies the frame into an
// anonymous page (do_wp_page -> wp_page_copy), which is then a normal page.
import { Attr, Kind, type Format } from '../arch/index.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Mm } from './mm.js';
import { fit, vmaProt } from './pte.js';
import { VM, type Vma } from './vma.js';

/** Device frames live above simulated RAM: pfns from here have no struct page. */
export const DEVICE_PFN_BASE = 2 ** 30;

/**
 * Where `fmt`'s device pfns start: DEVICE_PFN_BASE, or the upper half of the
 * entry's pfn field when that is narrower (ppc-8xx: 20-bit RPN, 32-bit
 * physical addresses, PTE_RPN_SHIFT = PAGE_SHIFT in nohash/32/pgtable.h).
 */
export function devicePfnBase(fmt: Format): number {
  return Math.min(DEVICE_PFN_BASE, 2 ** (fmt.codec.spec.pfnBits - 1));
}

/** The value a load from raw device memory returns (the model keeps no device contents). */
export function deviceContent(_k: Kernel, _pfn: number): number {
  return 0;
}

/** Reserve `pages` device pfns, aligned to the largest leaf so huge mappings are possible. */
export function allocDeviceRange(k: Kernel, pages: number): number {
  const align = k.fmt.pagesPerEntry[k.fmt.nlevels - 2];
  const base = Math.ceil(k.nextDevicePfn / align) * align;
  k.nextDevicePfn = base + pages;
  return base;
}

/**
 * The driver's fault handler. Returns false when the entry is already
 * present (the generic code then handles a write to it: COW or spurious).
 */
export function pfnmapFault(k: Kernel, mm: Mm, vma: Vma, vpn: number, write: boolean): boolean {
  const obj = vma.object;
  const st = k.st;
  if (k.walker.seek(mm, vpn, st) === Kind.LEAF) return false;
  // remap_pfn_range mappings have no fault handler: what it did not map is SIGBUS.
  if (!obj || obj.devicePfn < 0) fail('SIGBUS', 'no pfn behind this address');
  const pfnAt = (v: number): number => obj.devicePfn + vma.pgoffAt(v);
  const attrs = fit(k.fmt, vmaProt(vma) | Attr.SPECIAL | (write && vma.has(VM.SHARED) ? Attr.DIRTY : 0));
  if (!vma.isCow && k.hugePfnmap) {
    // Largest aligned leaf first: PUD, then PMD (the driver's huge_fault).
    for (let l = k.fmt.nlevels - 2; l >= 1; l--) {
      if (!k.fmt.leafAllowed[l]) continue;
      const span = k.fmt.pagesPerEntry[l];
      const base = vpn - (vpn % span);
      if (base < vma.start || base + span > vma.end || pfnAt(base) % span !== 0) continue;
      k.walker.seek(mm, base, st, l, k.rmap);
      if (st.level !== l || st.kind !== Kind.NONE) continue;
      const e = k.fmt.codec.leaf(pfnAt(base), attrs, l);
      k.walker.set(mm, k.rmap, st.slot, st.index, l, base, e.lo, e.hi);
      return true;
    }
  }
  k.walker.seek(mm, vpn, st, 0, k.rmap);
  if (st.level !== 0) return false;
  if (st.kind !== Kind.NONE) return false;
  // A COW mapping maps the raw pfn read-only: the first write copies it.
  const e = k.fmt.codec.leaf(pfnAt(vpn), vma.isCow ? attrs & ~Attr.WRITE : attrs, 0);
  k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn, e.lo, e.hi);
  return true;
}

/**
 * remap_pfn_range (mm/memory.c): map `npages` device pfns from `pfn` at
 * `vpn` up front, as special entries, and mark the VMA
 * VM_IO|VM_PFNMAP|VM_DONTEXPAND|VM_DONTDUMP. In a COW mapping it must cover
 * the whole VMA (else EINVAL) and sets vm_pgoff = pfn: that is the rule that
 * lets vm_normal_page tell a raw pfn (pfn == vm_pgoff + offset) from a page
 * COWed into the mapping on architectures without a special bit.
 */
export function remapPfnRange(k: Kernel, mm: Mm, vma: Vma, vpn: number, pfn: number, npages: number): void {
  if (vpn < vma.start || vpn + npages > vma.end) fail('EINVAL', 'remap_pfn_range outside the VMA');
  if (vma.isCow) {
    if (vpn !== vma.start || vpn + npages !== vma.end) fail('EINVAL', 'remap_pfn_range of part of a COW mapping');
    vma.pgoff = pfn;
  }
  vma.flags |= VM.IO | VM.PFNMAP | VM.DONTEXPAND | VM.DONTDUMP;
  const c = k.fmt.codec;
  const attrs = fit(k.fmt, (vmaProt(vma) | Attr.SPECIAL) & (vma.isCow ? ~Attr.WRITE : ~0));
  for (let i = 0; i < npages; i++) {
    const st = k.st;
    k.walker.seek(mm, vpn + i, st, 0, k.rmap);
    if (st.level !== 0 || st.kind !== Kind.NONE) fail('EBUSY', 'remap_pfn_range over an existing mapping');
    const e = c.leaf(pfn + i, attrs, 0);
    k.walker.set(mm, k.rmap, st.slot, st.index, 0, vpn + i, e.lo, e.hi);
  }
}
