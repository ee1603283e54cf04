# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child with mprotect() optimization" ... with a base page (MADV_NOHUGEPAGE).
# Expected: as vmsplice-child, with mprotect(R)+mprotect(RW) in the parent before its write.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
fork child
as child
pin A+0 4K fast as p
assert content A+0 4K == 1
show pins A+0 4K
munmap A+0 4K
as main
mprotect A+0 4K r
mprotect A+0 4K rw
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
