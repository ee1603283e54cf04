# kernel-oracle §2 fork: just after fork, in both processes, X is gone and cnt
# is 2 on every page, MAPPEDTODISK (anon-exclusive) is gone, the THPs are still
# PMD-mapped (HG) in both. smaps: Shared_Dirty = Rss, Pss = Rss/2.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
fork child
show pagemap A+0 4M
show smaps A
as child
show pagemap A+0 4M
show smaps A
