# madvise argument checks (mm/madvise.c): an unaligned start is EINVAL; a range
# with a hole is ENOMEM (the advice is still applied to the mapped parts);
# MADV_WIPEONFORK on a shared or file mapping is EINVAL; a zero length is fine.
A = mmap 64K rw private anon
S = mmap 64K rw shared anon
write A+0 16K
expect EINVAL madvise A+1 4K dontneed
expect ENOMEM madvise A+0 128K dontneed
expect EINVAL madvise S+0 64K wipeonfork
madvise A+0 0 dontneed
show pagemap A+0 16K
show smaps A
