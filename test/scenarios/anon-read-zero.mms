# kernel-oracle §1 "no madvise, read each page": every page maps the shared
# zero page: pagemap `P` (no X, no F), scan `PR WR PZ`, kpageflags ZERO, cnt 0,
# one frame for every page, and Rss 0.
A = mmap 4M rw private anon
read A+0 4M
assert pagemap A+0 4M present !exclusive !file kpf_zero !kpf_anon is_present is_written is_pfnzero
assert frame A+4K == A+0
assert frame A+2M == A+0
show pagemap A+0 4M
show smaps A
assert content A+0 4M == 0
assert status RssAnon == 0
