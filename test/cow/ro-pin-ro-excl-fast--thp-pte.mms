# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP-fast pin on R/O-mapped exclusive page" ... with a PTE-mapped THP: mprotect of one subpage R/O, then R/W (run_with_pte_mapped_thp).
# Expected: mprotect(R)+mprotect(RW) (no soft-dirty here: CONFIG_MEM_SOFT_DIRTY is off, so an exclusive page is mapped writable again at once); the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
mprotect A+0 2M r
mprotect A+0 2M rw
pin A+0 2M longterm fast as p
show pins A+0 4K
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
unpin p
