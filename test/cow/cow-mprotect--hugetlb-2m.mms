# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork() with mprotect() optimization" ... with a private anonymous 2M hugetlb page; the pool has the two pages cow.c asks for (run_with_hugetlb).
# Expected: mprotect(R)+mprotect(RW) in the parent must not map the COW-shared page writable: no leak from parent into child.
set hugetlb.2M=2
A = mmap 2M rw private anon hugetlb=2M
write A+0 2M value=1
fork child
mprotect A+0 2M r
mprotect A+0 2M rw
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
