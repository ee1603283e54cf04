# kernel-oracle §1: a 2 MiB + 4 KiB hg mapping gets one THP plus one 4K page.
A = mmap 2052K rw private anon
madvise A+0 2052K hugepage
write A+0 2052K
show pagemap A+0 2052K
show smaps A
