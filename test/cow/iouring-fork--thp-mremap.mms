# cow.c (tools/testing/selftests/mm/cow.c): "fork() with an iouring fixed buffer" ... with a partially mremap()ed THP: the upper half moved to R (run_with_partial_mremap_thp); the test runs on the lower half.
# Expected: the pinned page is not shared with the child (copied at fork), so the parent's write is visible through the pin and not in the child.
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
R = mmap 1M none private anon
B = mremap A+1M 1M 1M maymove fixed=R+0
pin A+0 1M write longterm fast as p
fork child
write A+0 1M value=2
assert content A+0 1M == 2
assert content child:A+0 1M == 1
show pins A+0 4K
as child
show pins A+0 4K
