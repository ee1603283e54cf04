# uffd-unit-tests "wp-fork": without UFFD_FEATURE_EVENT_FORK the child's copy of a
# write-protected page loses the uffd-wp bit (and the child's VMA its uw flag);
# with EVENT_FORK the child keeps both.
A = mmap 64K rw private anon
B = mmap 64K rw private anon
write A+0 8K
write B+0 8K
uffd A+0 64K register wp
uffd A+0 8K wp
fork c1
as c1
show pagemap A+0 8K
show smaps A
as main
uffd B+0 64K register wp event_fork
uffd B+0 8K wp
fork c2
as c2
show pagemap B+0 8K
show smaps B
