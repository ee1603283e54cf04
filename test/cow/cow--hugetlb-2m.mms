# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork()" ... with a private anonymous 2M hugetlb page; the pool has the two pages cow.c asks for (run_with_hugetlb).
# Expected: the child must still read the old data after the parent wrote (no leak from parent into child).
set hugetlb.2M=2
A = mmap 2M rw private anon hugetlb=2M
write A+0 2M value=1
fork child
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
