# kernel-oracle §1 "MADV_HUGEPAGE, every page written": 2 x (HEAD + 511 TAIL),
# AnonHugePages 4096.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
show pagemap A+0 4M
show smaps A
show status
