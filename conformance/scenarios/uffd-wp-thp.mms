# kernel-oracle §4: THP (MADV_HUGEPAGE + WP registered): WP of the whole 2 MiB
# keeps the PMD (P W X on all 512 pages, scan PR HG); WP of one 4K page splits
# the PMD and only that page is W.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
uffd A+0 4M register wp
uffd A+0 2M wp
uffd A+2M 4K wp
show pagemap A+0 4M
show smaps A
