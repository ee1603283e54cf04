# kernel-oracle §1 "no madvise, write each page": 1024 x P X, scan PR WR,
# kpageflags ANON SWAPBACKED MMAP MAPPEDTODISK (anon-exclusive), cnt 1; smaps
# Rss = Private_Dirty = Anonymous = 4096, THPeligible 0. Values are the global
# counter, one per page.
A = mmap 4M rw private anon
write A+0 4M
show pagemap A+0 4M
show smaps A
show status
show content A+0 16K
show content A+4088K 8K
