# fork copies page tables only for VMAs that need it (mm/memory.c
# vma_needs_copy: an anon_vma, pfnmap or uffd-wp). A VMA that only ever mapped
# the zero page has no anon_vma: the child gets no page table at all and faults
# again. A VMA with anonymous pages is copied whole, zero-page PTEs included
# (they stay the zero page: cnt 0, no X). copy_pte_range allocates the child's
# PTE table wherever the parent has one, even if every entry in it is none
# (C: written, then zapped with a partial MADV_DONTNEED), so C reads WR.
A = mmap 4M rw private anon
read A+0 16K
B = mmap 4M rw private anon
read B+0 8K
write B+8K 4K
C = mmap 4M rw private anon
write C+0 8K
madvise C+0 8K dontneed
fork child
as child
show pagemap A+0 16K
show pagemap B+0 16K
show pagemap C+0 16K
read A+0 4K
show pagemap A+0 16K
