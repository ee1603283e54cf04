# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() + unmap in child with mprotect() optimization" ... with a private anonymous 2M hugetlb page; the pool has the two pages cow.c asks for (run_with_hugetlb).
# Expected: as vmsplice-child, with mprotect(R)+mprotect(RW) in the parent before its write.
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
# cow.c marks this case XFAIL on hugetlb ("harder to fix and ... nobody really cares"): the real vmsplice()
# takes FOLL_GET references, which never unshare, and hugetlb_wp() reuses a page by mapcount, so the
# pipe sees the other side's write. A R/O FOLL_PIN unshares first, so here nothing leaks; the FOLL_GET
# outcome (the leak) is checked in test/cow-matrix.test.ts.
set hugetlb.2M=2
A = mmap 2M rw private anon hugetlb=2M
write A+0 2M value=1
fork child
as child
pin A+0 2M fast as p
assert content A+0 2M == 1
show pins A+0 4K
munmap A+0 2M
as main
mprotect A+0 2M r
mprotect A+0 2M rw
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
