# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child with mprotect() optimization" ... with a partially mremap()ed THP: the upper half moved to R (run_with_partial_mremap_thp); the test runs on the lower half.
# Expected: as vmsplice-child, with mprotect(R)+mprotect(RW) in the parent before its write.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
R = mmap 1M none private anon
B = mremap A+1M 1M 1M maymove fixed=R+0
fork child
as child
pin A+0 1M fast as p
assert content A+0 1M == 1
show pins A+0 4K
munmap A+0 1M
as main
mprotect A+0 1M r
mprotect A+0 1M rw
write A+0 1M value=2
assert content A+0 1M == 2
show pins A+0 4K
