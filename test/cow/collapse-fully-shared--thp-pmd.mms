# cow.c: "Basic COW after fork() when collapsing after fork() (fully shared)"
# (ANON_THP_COLLAPSE_FULLY_SHARED): the PTE-mapped THP is COW-shared with the child, then the
# parent asks MADV_COLLAPSE before anyone writes.
# fork() write-protected every PTE, so hpage_collapse_scan_pmd finds no writable PTE:
# SCAN_PAGE_RO, which madvise_collapse_errno turns into EINVAL (mm/khugepaged.c); cow.c then
# reports SKIP ("MADV_COLLAPSE failed"). (A 2025 patch, "khugepaged: collapse R/O anon VMAs",
# drops that check; a kernel with it collapses here.) The COW check itself still holds:
# no leak from parent into child.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
expect EINVAL madvise A+0 2M collapse
write A+0 2M value=2
assert content A+0 2M == 2
assert content child:A+0 2M == 1
show pins A+0 4K
as child
show pins A+0 4K
