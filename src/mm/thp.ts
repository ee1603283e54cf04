// Transparent huge page policy (mm/huge_memory.c __thp_vma_allowable_orders,
// include/linux/huge_mm.h thp_vma_suitable_order). The faults and splits
// that create and break THPs come with the huge-pages issue; the policy is
// here because smaps' THPeligible needs it today.
import type { Kernel } from './kernel.js';
import { VM, type Vma } from './vma.js';

/** The PMD level of the format (the level that maps one PMD-size THP). */
export function pmdLevel(k: Kernel): number {
  return k.fmt.spec.pmdLevel ?? 1;
}

/**
 * THPeligible as smaps prints it: the sysfs policy allows THP for this VMA
 * (always; or madvise with VM_HUGEPAGE; never VM_NOHUGEPAGE), it is
 * anonymous and not special/hugetlb, and a whole naturally aligned PMD-size
 * range fits inside it (the !in_pf suitability check of the highest order).
 */
export function thpEligible(k: Kernel, vma: Vma): boolean {
  if (vma.has(VM.HUGETLB | VM.NOHUGEPAGE | VM.PFNMAP | VM.MIXEDMAP | VM.IO)) return false;
  if (!vma.isAnonymous) return false; // file/shmem THP: shmem_enabled=never, no large file folios in the model
  const mode = k.opts.thp;
  if (mode === 'never') return false;
  if (mode === 'madvise' && !vma.has(VM.HUGEPAGE)) return false;
  const span = k.fmt.pagesPerEntry[pmdLevel(k)];
  // vm_start - vm_pgoff must be aligned to the order (always true for anonymous VMAs).
  if ((vma.start - vma.pgoff) % span !== 0 && !vma.isAnonymous) return false;
  const last = vma.end - span;
  const aligned = last - (last % span);
  return aligned >= vma.start && aligned + span <= vma.end;
}
