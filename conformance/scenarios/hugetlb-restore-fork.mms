# mm/hugetlb.c __unmap_hugepage_range + free_huge_folio: the owner's
# MADV_DONTNEED of a page a fork child still maps puts the index back in the
# resv_map at once, but resv_huge_pages grows only when the folio is freed
# (the child lets go). The owner's refault meanwhile takes the restored
# reservation: HugePages_Rsvd reads 2^64-1 (-1) on 6.18 until the child
# exits, so a later 2M reservation (resv 0) leaves a page for a MAP_NORESERVE
# fault. After the child exits: resv 1, free 1, nothing left for NORESERVE.
set hugetlb.2M=3
H = mmap 2M rw private anon hugetlb=2M
write H+0 4K value=7
fork child
madvise H+0 2M dontneed
write H+0 4K value=8
B = mmap 2M rw private anon hugetlb=2M
N = mmap 2M rw private anon hugetlb=2M noreserve
write N+0 4K
show pagemap H+0 8K
as child
assert content H+0 4K == 7
show pagemap H+0 8K
as main
exit child
M = mmap 2M rw private anon hugetlb=2M noreserve
expect SIGBUS write M+0 4K
write B+0 4K
show status
