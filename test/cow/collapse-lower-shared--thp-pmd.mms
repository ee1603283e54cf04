# cow.c: "Basic COW after fork() when collapsing after fork() (lower shared)"
# (ANON_THP_COLLAPSE_LOWER_SHARED): MADV_DONTFORK on the upper half, fork() (the child gets the
# lower half only), MADV_DOFORK to merge the VMAs again, then MADV_COLLAPSE in the parent.
# The upper half's PTEs stayed writable, and the shared lower half has no extra references, so
# the collapse succeeds: the parent gets a new exclusive THP, the child keeps the old folio's
# lower half. Expected: no leak from parent into child.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
madvise A+1M 1M dontfork
fork child
madvise A+0 2M dofork
madvise A+0 2M collapse
assert pagemap A+0 2M present is_huge exclusive
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 1M == 1
show pins A+0 4K
as child
show pins A+0 4K
