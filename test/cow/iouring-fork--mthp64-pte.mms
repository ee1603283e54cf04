# cow.c (tools/testing/selftests/mm/cow.c): "fork() with an iouring fixed buffer" ... with a PTE-mapped 64K mTHP (hugepages-64kB=always, the PMD size never; run_with_pte_mapped_thp for that size).
# Expected: the pinned page is not shared with the child (copied at fork), so the parent's write is visible through the pin and not in the child.
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
set mthp.2M=never
set mthp.64K=always
A = mmap 64K rw private anon
madvise A+0 64K hugepage
write A+0 64K value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
pin A+0 64K write longterm fast as p
fork child
write A+0 64K value=2
assert content A+0 64K == 2
assert content child:A+0 64K == 1
show pins A+0 4K
as child
show pins A+0 4K
