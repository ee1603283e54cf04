# cow.c (tools/testing/selftests/mm/cow.c): "R/O GUP-fast pin on R/O-mapped exclusive page" ... with a partially mremap()ed THP: the upper half moved to R (run_with_partial_mremap_thp); the test runs on the lower half.
# Expected: mprotect(R)+mprotect(RW) (no soft-dirty here: CONFIG_MEM_SOFT_DIRTY is off, so an exclusive page is mapped writable again at once); the later write is visible through the pin.
# gup_test PIN_LONGTERM_TEST_START: pin_user_pages(_fast)(FOLL_LONGTERM), read-only.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
R = mmap 1M none private anon
B = mremap A+1M 1M 1M maymove fixed=R+0
mprotect A+0 1M r
mprotect A+0 1M rw
pin A+0 1M longterm fast as p
show pins A+0 4K
write A+0 1M value=2
assert content A+0 1M == 2
show pins A+0 4K
unpin p
