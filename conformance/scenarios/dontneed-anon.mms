# MADV_DONTNEED on private anonymous pages frees them: pagemap 0, scan WR (the
# table stays); writing again gives new frames (new labels).
A = mmap 64K rw private anon
write A+0 16K
show pagemap A+0 16K
madvise A+0 8K dontneed
show pagemap A+0 16K
write A+0 4K
show pagemap A+0 16K
show smaps A
