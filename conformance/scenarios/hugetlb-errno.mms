# kernel-oracle §3 "Operations at 4K offsets all fail with EINVAL": munmap at
# +4K and at +1 MiB, mprotect, madvise(DONTNEED) with an unaligned start, mremap
# to an unaligned address, mremap growing by 4K. Nothing changes.
set hugetlb.2M=4
H = mmap 4M rw private anon hugetlb=2M
D = mmap 8M rw private anon
write H+0 4M
expect EINVAL munmap H+4K 4K
expect EINVAL munmap H+1M 4K
expect EINVAL mprotect H+4K 4K r
expect EINVAL madvise H+4K 2M dontneed
expect EINVAL mremap H+0 2M 2M maymove fixed=D+4K
expect EINVAL mremap H+0 2M 2052K
show maps
show pagemap H+0 8K
