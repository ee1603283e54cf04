# kernel-oracle §1 "no madvise, read each page": every page maps the shared
# zero page: pagemap P (no X, no F), scan PR WR PZ, kpageflags ZERO, cnt 0, one
# frame for every page, Rss 0.
A = mmap 4M rw private anon
read A+0 4M
show pagemap A+0 4M
show smaps A
assert frame A+4K == A+0
assert content A+0 4M == 0
