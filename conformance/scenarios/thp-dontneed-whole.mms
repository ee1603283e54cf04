# kernel-oracle §2: MADV_DONTNEED on a whole aligned 2 MiB clears the PMD: the
# range reads pagemap 0 and scan 0 (no table), the other THP stays.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
madvise A+0 2M dontneed
show pagemap A+0 4M
show smaps A
show status
