# cow.c (tools/testing/selftests/mm/cow.c): "vmsplice() before fork(), unmap in parent after fork()" ... with a private anonymous 2M hugetlb page; the pool has the two pages cow.c asks for (run_with_hugetlb).
# Expected: the child's writes must not reach the parent's R/O GUP reference (no leak from child into parent).
# vmsplice() is modelled as a R/O FOLL_PIN through GUP-fast (peers-and-tests.md 3.1).
# cow.c marks this case XFAIL on hugetlb ("harder to fix and ... nobody really cares"): the real vmsplice()
# takes FOLL_GET references, which never unshare, and hugetlb_wp() reuses a page by mapcount, so the
# pipe sees the other side's write. A R/O FOLL_PIN unshares first, so here nothing leaks; the FOLL_GET
# outcome (the leak) is checked in test/cow-matrix.test.ts.
set hugetlb.2M=2
A = mmap 2M rw private anon hugetlb=2M
write A+0 2M value=1
pin A+0 2M fast as p
fork child
show pins A+0 4K
munmap A+0 2M
as child
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
