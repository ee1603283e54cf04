# kernel-oracle §2: MADV_COLLAPSE of a range that holds only zero-page PTEs is
# EINVAL.
A = mmap 2M rw private anon
read A+0 2M
expect EINVAL madvise A+0 2M collapse
show pagemap A+0 8K
