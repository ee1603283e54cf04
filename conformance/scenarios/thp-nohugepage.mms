# MADV_NOHUGEPAGE (nh) on half of an hg region: the VMA splits, the nh half gets
# 4K pages, the hg half a THP.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
madvise A+2M 2M nohugepage
write A+0 4M
show maps
show smaps A
show pagemap A+2M 8K
