# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP-fast pin on R/O-mapped previously-shared page" ... with a partially shared THP: the first subpage COW-shared with a child that exited (run_with_partial_shared_thp).
# Expected: the child exited; the R/O long-term pin must unshare (reuse or copy), so the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontfork
fork tmp
exit tmp
madvise A+4K 2044K dofork
fork child
exit child
pin A+0 2M longterm fast as p
show pins A+0 4K
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
unpin p
