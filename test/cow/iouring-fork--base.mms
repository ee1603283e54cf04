# cow.c (tools/testing/selftests/mm/cow.c): "fork() with an iouring fixed buffer" ... with a base page (MADV_NOHUGEPAGE).
# Expected: the pinned page is not shared with the child (copied at fork), so the parent's write is visible through the pin and not in the child.
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
pin A+0 4K write longterm fast as p
fork child
write A+0 4K value=2
assert content A+0 4K == 2
assert content child:A+0 4K == 1
show pins A+0 4K
as child
show pins A+0 4K
