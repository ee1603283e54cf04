# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP pin on R/O-mapped shared page" ... with a single PTE of a THP: MADV_DONTNEED of all but the first subpage (run_with_single_pte_of_thp).
# Expected: a R/O long-term pin must unshare, so the later write through the page table is visible through the pin (same frame before and after).
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontneed
fork child
pin A+0 4K longterm as p
show pins A+0 4K
write A+0 4K value=2
assert content A+0 4K == 2
assert content child:A+0 4K == 1
show pins A+0 4K
unpin p
