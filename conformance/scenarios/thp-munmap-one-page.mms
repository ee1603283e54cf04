# kernel-oracle §2 "munmap of page 0x100": the VMA splits, the PMD splits, the
# hole is not reported by PAGEMAP_SCAN (n/a: no VMA there).
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
munmap A+1M 4K
show maps
show pagemap A+1020K 12K
show smaps A
