# cow.c: "Basic COW after fork() when collapsing after fork() (fully shared)"
# (ANON_THP_COLLAPSE_FULLY_SHARED): the PTE-mapped THP is COW-shared with the child, then the
# parent asks MADV_COLLAPSE before anyone writes.
# fork() write-protected every PTE. Older kernels refused (SCAN_PAGE_RO -> EINVAL, cow.c
# SKIP); the 6.18 reference kernel collapses the R/O shared pages into a new exclusive THP
# (conformance/scenarios/collapse-fork.mms, recorded on it). The COW check itself holds:
# no leak from parent into child.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
madvise A+0 2M collapse
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
show pins A+0 4K
as child
show pins A+0 4K
