# khugepaged.c "collapse_fork" with MADV_COLLAPSE: a collapse in the child does
# not affect the parent (the parent's pages stay shared 4K pages).
A = mmap 2M rw private anon
write A+0 2M
fork child
as child
madvise A+0 2M collapse
show pagemap A+0 8K
show smaps A
as main
show pagemap A+0 8K
show smaps A
