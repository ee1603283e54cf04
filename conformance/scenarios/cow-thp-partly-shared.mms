# cow.c "partially shared THP": the first page is fork-shared via MADV_DONTFORK
# on the rest, then the child exits; the parent's write then reuses or copies.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M value=1
madvise A+4K 2044K dontfork
fork child
exit child
show maps
show pagemap A+0 8K
write A+0 4K value=2
show pagemap A+0 8K
