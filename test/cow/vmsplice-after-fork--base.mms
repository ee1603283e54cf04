# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in parent after fork()" ... with a base page (MADV_NOHUGEPAGE).
# Expected: the child's writes must not reach the parent's R/O GUP reference (no leak from child into parent).
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
fork child
pin A+0 4K fast as p
show pins A+0 4K
munmap A+0 4K
as child
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
