# kernel-oracle §2: MADV_COLLAPSE of an empty range (no page table) is EINVAL;
# a range with no fully covered aligned 2 MiB returns 0 and changes nothing.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
expect EINVAL madvise A+0 2M collapse
write A+0 4K
madvise A+0 1M collapse
madvise A+4K 2M collapse
show pagemap A+0 8K
show smaps A
