# kernel-oracle §2 "mremap of an aligned 2 MiB THP to an aligned destination":
# the PMD moves intact (same frames, still HG); the old range is unmapped.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
show pagemap A+0 8K
B = mremap A+0 2M 2M maymove
show maps
show pagemap B+0 8K
show pagemap A+0 4M
show smaps B
