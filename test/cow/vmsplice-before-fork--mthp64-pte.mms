# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() before fork(), unmap in parent after fork()" ... with a PTE-mapped 64K mTHP (hugepages-64kB=always, the PMD size never; run_with_pte_mapped_thp for that size).
# Expected: the child's writes must not reach the parent's R/O GUP reference (no leak from child into parent).
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
set mthp.2M=never
set mthp.64K=always
A = mmap 64K rw private anon
madvise A+0 64K hugepage
write A+0 64K value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
pin A+0 64K fast as p
fork child
show pins A+0 4K
munmap A+0 64K
as child
write A+0 64K value=2
assert content A+0 64K == 2
show pins A+0 4K
