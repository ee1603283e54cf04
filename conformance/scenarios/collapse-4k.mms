# kernel-oracle §2 MADV_COLLAPSE: an aligned 2 MiB of 4K anonymous pages becomes
# a new THP (a copy: new frames), PMD-mapped; the data is kept.
A = mmap 4M rw private anon
write A+0 2M
show pagemap A+0 8K
madvise A+0 2M collapse
show pagemap A+0 2M
show smaps A
show content A+0 12K
