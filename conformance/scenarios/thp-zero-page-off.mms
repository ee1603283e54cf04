# kernel-oracle §1 "MADV_HUGEPAGE, read, use_zero_page = 0": real THPs are
# allocated on a read fault (scan PR WR HG; THP ANON); AnonHugePages 4096.
set thp.zero_page=off
A = mmap 4M rw private anon
madvise A+0 4M hugepage
read A+0 4M
show pagemap A+0 4M
show smaps A
show content A+0 8K
