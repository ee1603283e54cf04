# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP pin on R/O-mapped previously-shared page" ... with a private anonymous 2M hugetlb page; the pool has the two pages cow.c asks for (run_with_hugetlb).
# Expected: the child exited; the R/O long-term pin must unshare (reuse or copy), so the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
set hugetlb.2M=2
A = mmap 2M rw private anon hugetlb=2M
write A+0 2M value=1
fork child
exit child
pin A+0 2M longterm as p
show pins A+0 4K
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
unpin p
