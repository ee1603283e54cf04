# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child with mprotect() optimization" ... with a PTE-mapped 64K mTHP (hugepages-64kB=always, the PMD size never; run_with_pte_mapped_thp for that size).
# Expected: as vmsplice-child, with mprotect(R)+mprotect(RW) in the parent before its write.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
set mthp.2M=never
set mthp.64K=always
A = mmap 64K rw private anon
madvise A+0 64K hugepage
write A+0 64K value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
as child
pin A+0 64K fast as p
assert content A+0 64K == 1
show pins A+0 4K
munmap A+0 64K
as main
mprotect A+0 64K r
mprotect A+0 64K rw
write A+0 64K value=2
assert content A+0 64K == 2
show pins A+0 4K
