# A child forks again; regions are global names; each process sees its own
# pages; writes in the grandchild COW away from both ancestors.
A = mmap 64K rw private anon
write A+0 16K
fork c1
as c1
fork c2
as c2
write A+4K 4K
show pagemap A+0 16K
as c1
show pagemap A+0 16K
exit c1
as c2
show pagemap A+0 16K
as main
show pagemap A+0 16K
