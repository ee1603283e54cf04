# kernel-oracle §2 "MADV_DONTNEED on page 0x100": the PMD is split; page 0x100
# reads pagemap 0, scan WR (a none PTE in a table); the other 511 pages are still
# tails of the same folio (not split); Rss 4092. Writing page 0x100 again gives a
# fresh 4K anonymous page.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
madvise A+1M 4K dontneed
show pagemap A+1020K 12K
show smaps A
write A+1M 4K
show pagemap A+1020K 12K
