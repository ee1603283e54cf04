# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP pin on R/O-mapped exclusive page" ... with a PTE-mapped 64K mTHP (hugepages-64kB=always, the PMD size never; run_with_pte_mapped_thp for that size).
# Expected: mprotect(R)+mprotect(RW) (no soft-dirty here: CONFIG_MEM_SOFT_DIRTY is off, so an exclusive page is mapped writable again at once); the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
set mthp.2M=never
set mthp.64K=always
A = mmap 64K rw private anon
madvise A+0 64K hugepage
write A+0 64K value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
mprotect A+0 64K r
mprotect A+0 64K rw
pin A+0 64K longterm as p
show pins A+0 4K
write A+0 64K value=2
assert content A+0 64K == 2
show pins A+0 4K
unpin p
