# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child with mprotect() optimization" ... with a partially shared THP: the first subpage COW-shared with a child that exited (run_with_partial_shared_thp).
# Expected: as vmsplice-child, with mprotect(R)+mprotect(RW) in the parent before its write.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontfork
fork tmp
exit tmp
madvise A+4K 2044K dofork
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
