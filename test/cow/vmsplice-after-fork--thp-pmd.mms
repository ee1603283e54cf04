# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in parent after fork()" ... with a PMD-mapped THP (run_with_thp).
# Expected: the child's writes must not reach the parent's R/O GUP reference (no leak from child into parent).
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
fork child
pin A+0 2M fast as p
show pins A+0 4K
munmap A+0 2M
as child
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
