// Building leaf entries from a VMA's protection, in generic attributes: the
// format's codec turns them into bits. This is vm_get_page_prot() plus the
// pte_mk*() helpers, written once for every architecture.
import { Attr, type Format } from '../arch/format.js';
import { VM, type Vma } from './vma.js';

/**
 * vm_page_prot of a VMA (mm/mmap.c protection_map): private writable mappings
 * start read-only (copy on write); PROT_NONE is PROTNONE (present to the
 * kernel, invalid to the MMU). x86's PAGE_* protections carry ACCESSED.
 */
export function protAttrs(flags: number, writeNotify: boolean): number {
  if ((flags & (VM.READ | VM.WRITE | VM.EXEC)) === 0) return Attr.PROTNONE | Attr.YOUNG;
  let a = Attr.VALID | Attr.USER | Attr.YOUNG;
  if ((flags & VM.EXEC) === 0) a |= Attr.NX;
  if ((flags & VM.WRITE) !== 0 && (flags & VM.SHARED) !== 0 && !writeNotify) a |= Attr.WRITE;
  return a;
}

/**
 * vma_wants_writenotify (mm/mmap.c): shared mappings of files that track dirty
 * pages (ext4 here) map read-only first, so the first write faults.
 * shmem does not account dirty pages.
 */
export function wantsWriteNotify(vma: Vma): boolean {
  // Specialty mappings (pfnmaps) and hugetlb never use write notification.
  return (vma.flags & VM.SHARED) !== 0 && vma.object !== null && !vma.object.shmem && (vma.flags & (VM.PFNMAP | VM.MIXEDMAP | VM.HUGETLB)) === 0;
}

export function vmaProt(vma: Vma): number {
  return protAttrs(vma.flags, wantsWriteNotify(vma));
}

/** Attributes an entry keeps across a protection change (x86 _PAGE_CHG_MASK, pte_modify). */
export const KEEP_ON_MODIFY = Attr.YOUNG | Attr.DIRTY | Attr.SPECIAL | Attr.SOFT_DIRTY | Attr.UFFD_WP | Attr.PWT | Attr.PCD | Attr.CONT | Attr.HUGE;

/** Drop attributes the format cannot represent (e.g. soft-dirty on arm64). */
export function fit(fmt: Format, attrs: number): number {
  let a = attrs;
  for (let bit = 1; bit <= a; bit <<= 1) if ((a & bit) !== 0 && !fmt.codec.supports(bit)) a &= ~bit;
  return a;
}
