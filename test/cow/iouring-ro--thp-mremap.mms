# cow.c (tools/testing/selftests/mm/cow.c): "R/O-mapping a page registered as iouring fixed buffer" ... with a partially mremap()ed THP: the upper half moved to R (run_with_partial_mremap_thp); the test runs on the lower half.
# Expected: a FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM pin, then mprotect(R)+mprotect(RW): the later write must be visible through the pin (same frame).
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
R = mmap 1M none private anon
B = mremap A+1M 1M 1M maymove fixed=R+0
pin A+0 1M write longterm fast as p
mprotect A+0 1M r
mprotect A+0 1M rw
show pins A+0 4K
write A+0 1M value=2
assert content A+0 1M == 2
show pins A+0 4K
unpin p
show pins A+0 4K
