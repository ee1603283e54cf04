# A long-term pin of part of a PMD-mapped THP, then fork: the child cannot share
# a pinned THP, so fork copies it (the model: split and copy the pinned pages).
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M
pin A+0 8K write longterm as p1
fork child
show pagemap A+0 16K
as child
show pagemap A+0 16K
show smaps A
as main
unpin p1
