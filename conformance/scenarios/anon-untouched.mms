# kernel-oracle §1 "untouched": a 4 MiB private anonymous region that was never
# touched has no page table: pagemap 0, PAGEMAP_SCAN reports the pages with no
# category, smaps Rss 0, THPeligible 0, VmFlags rd wr mr mw me ac.
A = mmap 4M rw private anon
show pagemap A+0 4M
show smaps A
show maps
show status
