# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() before fork(), unmap in parent after fork()" ... with a partially mremap()ed THP: the upper half moved to R (run_with_partial_mremap_thp); the test runs on the lower half.
# Expected: the child's writes must not reach the parent's R/O GUP reference (no leak from child into parent).
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
R = mmap 1M none private anon
B = mremap A+1M 1M 1M maymove fixed=R+0
pin A+0 1M fast as p
fork child
show pins A+0 4K
munmap A+0 1M
as child
write A+0 1M value=2
assert content A+0 1M == 2
show pins A+0 4K
