# cow.c (tools/testing/selftests/mm/cow.c): "fork() with an iouring fixed buffer" ... with a PMD-mapped THP (run_with_thp).
# Expected: the pinned page is not shared with the child (copied at fork), so the parent's write is visible through the pin and not in the child.
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
pin A+0 2M write longterm fast as p
fork child
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
show pins A+0 4K
as child
show pins A+0 4K
