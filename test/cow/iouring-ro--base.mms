# cow.c (tools/testing/selftests/mm/cow.c): "R/O-mapping a page registered as iouring fixed buffer" ... with a base page (MADV_NOHUGEPAGE).
# Expected: a FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM pin, then mprotect(R)+mprotect(RW): the later write must be visible through the pin (same frame).
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
pin A+0 4K write longterm fast as p
mprotect A+0 4K r
mprotect A+0 4K rw
show pins A+0 4K
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
unpin p
show pins A+0 4K
