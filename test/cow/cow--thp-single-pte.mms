# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork()" ... with a single PTE of a THP: MADV_DONTNEED of all but the first subpage (run_with_single_pte_of_thp).
# Expected: the child must still read the old data after the parent wrote (no leak from parent into child).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontneed
fork child
write A+0 4K value=2
assert content A+0 4K == 2
assert content child:A+0 4K == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
