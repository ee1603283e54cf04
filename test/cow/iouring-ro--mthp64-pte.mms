# cow.c (tools/testing/selftests/mm/cow.c): "R/O-mapping a page registered as iouring fixed buffer" ... with a PTE-mapped 64K mTHP (hugepages-64kB=always, the PMD size never; run_with_pte_mapped_thp for that size).
# Expected: a FOLL_WRITE|FOLL_PIN|FOLL_LONGTERM pin, then mprotect(R)+mprotect(RW): the later write must be visible through the pin (same frame).
# io_uring_register_buffers: pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM).
set mthp.2M=never
set mthp.64K=always
A = mmap 64K rw private anon
madvise A+0 64K hugepage
write A+0 64K value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
pin A+0 64K write longterm fast as p
mprotect A+0 64K r
mprotect A+0 64K rw
show pins A+0 4K
write A+0 64K value=2
assert content A+0 64K == 2
show pins A+0 4K
unpin p
show pins A+0 4K
