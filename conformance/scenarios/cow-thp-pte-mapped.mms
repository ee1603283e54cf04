# cow.c "PTE-mapped THP" set-up (mprotect of one subpage R/O then R/W) and the
# basic COW test: after fork the parent writes, the child still reads the old
# data; the child's pages are still the old folio.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
mprotect A+4K 4K r
mprotect A+4K 4K rw
fork child
write A+0 4K value=2
as child
assert content A+0 4K == 1
show pagemap A+0 16K
as main
show pagemap A+0 16K
