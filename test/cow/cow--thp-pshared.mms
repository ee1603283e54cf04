# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork()" ... with a partially shared THP: the first subpage COW-shared with a child that exited (run_with_partial_shared_thp).
# Expected: the child must still read the old data after the parent wrote (no leak from parent into child).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontfork
fork tmp
exit tmp
madvise A+4K 2044K dofork
fork child
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
