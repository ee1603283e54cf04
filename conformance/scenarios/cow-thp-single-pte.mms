# cow.c "single PTE of a THP" (MADV_DONTNEED of all but the first subpage) and
# basic COW after fork.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontneed
show pagemap A+0 8K
fork child
write A+0 4K value=2
as child
assert content A+0 4K == 1
show pagemap A+0 8K
as main
show pagemap A+0 8K
show smaps A
