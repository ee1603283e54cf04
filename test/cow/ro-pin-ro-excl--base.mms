# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP pin on R/O-mapped exclusive page" ... with a base page (MADV_NOHUGEPAGE).
# Expected: mprotect(R)+mprotect(RW) (no soft-dirty here: CONFIG_MEM_SOFT_DIRTY is off, so an exclusive page is mapped writable again at once); the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
mprotect A+0 4K r
mprotect A+0 4K rw
pin A+0 4K longterm as p
show pins A+0 4K
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
unpin p
