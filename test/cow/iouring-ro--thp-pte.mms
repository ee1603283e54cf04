# cow.c (tools/testing/selftests/mm/cow.c): "R/O-mapping a page registered as iouring fixed buffer" ... with a PTE-mapped THP: mprotect of one subpage R/O, then R/W (run_with_pte_mapped_thp).
# Expected: a FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM pin, then mprotect(R)+mprotect(RW): the later write must be visible through the pin (same frame).
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
pin A+0 2M write longterm fast as p
mprotect A+0 2M r
mprotect A+0 2M rw
show pins A+0 4K
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
unpin p
show pins A+0 4K
