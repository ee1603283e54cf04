# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork()" ... with a partially mremap()ed THP: the upper half moved to R (run_with_partial_mremap_thp); the test runs on the lower half.
# Expected: the child must still read the old data after the parent wrote (no leak from parent into child).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
R = mmap 1M none private anon
B = mremap A+1M 1M 1M maymove fixed=R+0
fork child
write A+0 1M value=2
assert content A+0 1M == 2
assert content child:A+0 1M == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
