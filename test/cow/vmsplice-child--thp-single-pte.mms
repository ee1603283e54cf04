# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child (CVE-2020-29374)" ... with a single PTE of a THP: MADV_DONTNEED of all but the first subpage (run_with_single_pte_of_thp).
# Expected: the R/O GUP reference the child took must keep the old data after the parent writes: the pinned frame is never the parent's frame.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontneed
fork child
as child
pin A+0 4K fast as p
assert content A+0 4K == 1
show pins A+0 4K
munmap A+0 4K
as main
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
