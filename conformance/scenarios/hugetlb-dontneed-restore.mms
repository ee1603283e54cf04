# mm/hugetlb.c __unmap_hugepage_range (since 6.9): MADV_DONTNEED of a faulted
# page of a private hugetlb mapping gives the owner its reservation back
# (HPG_restore_reserve, the resv_map index is not consumed any more), so the
# pool has one page less to give: a 4M mapping that would fit without it is
# ENOMEM, a MAP_NORESERVE fault beyond what is left is SIGBUS, and the owner's
# refault takes the restored reservation. Measured on 6.18: free 3 resv 1 ->
# DONTNEED -> free 4 resv 2 (pool 4, 2 pages mapped).
set hugetlb.2M=2
H = mmap 2M rw private anon hugetlb=2M
write H+0 4K value=3
madvise H+0 2M dontneed
show pagemap H+0 8K
expect ENOMEM mmap 4M rw private anon hugetlb=2M
N = mmap 2M rw private anon hugetlb=2M noreserve
write N+0 4K
M = mmap 2M rw private anon hugetlb=2M noreserve
expect SIGBUS write M+0 4K
write H+0 4K value=4
assert content H+0 4K == 4
show pagemap H+0 8K
show status
