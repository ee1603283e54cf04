# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP-fast pin on R/O-mapped previously-shared page" ... with a base page (MADV_NOHUGEPAGE).
# Expected: the child exited; the R/O long-term pin must unshare (reuse or copy), so the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
fork child
exit child
pin A+0 4K longterm fast as p
show pins A+0 4K
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
unpin p
