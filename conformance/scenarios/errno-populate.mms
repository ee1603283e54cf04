# madv_populate.c: MADV_POPULATE_WRITE of a read-only mapping is EINVAL,
# MADV_POPULATE_READ of a PROT_NONE one is EINVAL, a hole in the range is
# ENOMEM, populating beyond the end of a file is EFAULT (SIGBUS inside GUP).
A = mmap 64K r private anon
N = mmap 64K none private anon
W = mmap 64K rw private anon
file f1 size=16K
F = mmap 64K r shared file=f1
expect EINVAL madvise A+0 64K populate_write
expect EINVAL madvise N+0 64K populate_read
expect ENOMEM madvise W+0 128K populate_write
expect EFAULT madvise F+0 64K populate_read
madvise W+0 32K populate_write
show pagemap W+0 64K
show pagemap F+0 64K
