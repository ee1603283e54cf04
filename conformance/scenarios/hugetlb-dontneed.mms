# kernel-oracle §3 and hugetlb-madvise.c: with an aligned start but length 4K,
# MADV_DONTNEED returns 0 and does nothing (the length rounds down); an aligned
# 2 MiB DONTNEED frees that huge page (back to the pool).
set hugetlb.2M=4
H = mmap 4M rw private anon hugetlb=2M
write H+0 4M
madvise H+0 4K dontneed
show pagemap H+0 8K
madvise H+2M 2M dontneed
show pagemap H+2M 8K
show smaps H
show status
