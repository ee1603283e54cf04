# cow.c: "Basic COW after fork() when collapsing before fork()" (do_test_anon_thp_collapse,
# ANON_THP_COLLAPSE_UNSHARED). The THP is PTE-mapped (mprotect trick), collapsed in place by
# MADV_COLLAPSE into a new, exclusive PMD-mapped THP, then COW-shared by fork().
# Expected: no leak from parent into child; the collapse gives a new folio (new frames).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
show pins A+0 4K
madvise A+0 2M collapse
assert pagemap A+0 2M present is_huge exclusive
show pins A+0 4K
fork child
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
show pins A+0 4K
as child
show pins A+0 4K
