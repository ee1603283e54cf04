# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child with mprotect() optimization" ... with a PTE-mapped THP: mprotect of one subpage R/O, then R/W (run_with_pte_mapped_thp).
# Expected: as vmsplice-child, with mprotect(R)+mprotect(RW) in the parent before its write.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
as child
pin A+0 2M fast as p
assert content A+0 2M == 1
show pins A+0 4K
munmap A+0 2M
as main
mprotect A+0 2M r
mprotect A+0 2M rw
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
