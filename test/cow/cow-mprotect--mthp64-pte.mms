# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork() with mprotect() optimization" ... with a PTE-mapped 64K mTHP (hugepages-64kB=always, the PMD size never; run_with_pte_mapped_thp for that size).
# Expected: mprotect(R)+mprotect(RW) in the parent must not map the COW-shared page writable: no leak from parent into child.
set mthp.2M=never
set mthp.64K=always
A = mmap 64K rw private anon
madvise A+0 64K hugepage
write A+0 64K value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
mprotect A+0 64K r
mprotect A+0 64K rw
write A+0 64K value=2
assert content A+0 64K == 2
assert content child:A+0 64K == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
