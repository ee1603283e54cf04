# kernel-oracle §2 fork: the parent writes a small page: COW gives a new frame
# with X (and MAPPEDTODISK, cnt 1); the child's copy of that page is then mapped
# once: cnt 1 and X (precise mapcount) but not anon-exclusive. A write by the
# child then reuses its page: same frame, MAPPEDTODISK again.
A = mmap 4M rw private anon
write A+0 16K value=1
fork child
write A+0 4K value=2
assert frame A+0 != child:A+0
assert frame A+4K == child:A+4K
assert content child:A+0 4K == 1
assert content A+0 4K == 2
show pagemap A+0 16K
as child
show pagemap A+0 16K
write A+0 4K value=3
show pagemap A+0 4K
assert content A+0 4K == 3
assert content main:A+0 4K == 2
