# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child (CVE-2020-29374)" ... with a PMD-mapped THP (run_with_thp).
# Expected: the R/O GUP reference the child took must keep the old data after the parent writes: the pinned frame is never the parent's frame.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
fork child
as child
pin A+0 2M fast as p
assert content A+0 2M == 1
show pins A+0 4K
munmap A+0 2M
as main
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
