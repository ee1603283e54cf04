# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork()" ... with a PTE-mapped THP: mprotect of one subpage R/O, then R/W (run_with_pte_mapped_thp).
# Expected: the child must still read the old data after the parent wrote (no leak from parent into child).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
