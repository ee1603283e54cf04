# cow.c: "Basic COW after fork() when collapsing after fork() (upper shared)"
# (ANON_THP_COLLAPSE_UPPER_SHARED): as the lower-shared case with the halves swapped; the child
# checks the upper half. Expected: no leak from parent into child.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
madvise A+0 1M dontfork
fork child
madvise A+0 2M dofork
madvise A+0 2M collapse
assert pagemap A+0 2M present is_huge exclusive
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+1M 1M == 1
show pins A+1M 4K
as child
show pins A+1M 4K
