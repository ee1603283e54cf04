# kernel-oracle §1 "MADV_HUGEPAGE, read each page": both PMDs map the huge zero
# folio: pagemap P F (pagemap_pmd_range_thp uses pmd_page, so FILE), scan PR
# WR PZ HG, kpageflags THP HEAD/TAIL ZERO, cnt 0; Rss 0, AnonHugePages 0.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
read A+0 4M
show pagemap A+0 4M
show smaps A
