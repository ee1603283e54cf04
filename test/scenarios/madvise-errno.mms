# madvise(2) rules (mm/madvise.c, mm/gup.c): an unaligned start is EINVAL; a
# zero length succeeds; a hole in the range gives ENOMEM but the mapped parts
# are still processed; nothing mapped is ENOMEM. MADV_POPULATE_*: a hole is
# ENOMEM (after populating up to it), no permission for the access is EINVAL
# (check_vma_flags). MADV_WIPEONFORK on a shared or file mapping is EINVAL.
A = mmap 64K rw private anon
write A+0 64K
expect EINVAL madvise A+1 4K dontneed
madvise A+0 0 dontneed
munmap A+16K 16K
expect ENOMEM madvise A+0 64K dontneed
show pagemap A+0 64K
expect ENOMEM madvise A+1G 4K dontneed
expect ENOMEM madvise A+0 64K populate_write
show pagemap A+0 64K
R = mmap 64K r private anon
expect EINVAL madvise R+0 4K populate_write
madvise R+0 4K populate_read
S = mmap 64K rw shared anon
expect EINVAL madvise S+0 64K wipeonfork
show pagemap R+0 8K
