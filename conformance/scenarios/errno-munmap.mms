# munmap argument checks: an unaligned address or a zero length is EINVAL; a
# range with nothing mapped is fine; a range past the user address space is
# EINVAL.
A = mmap 64K rw private anon
expect EINVAL munmap A+1 4K
expect EINVAL munmap A+0 0
munmap A+1G 4K
expect EINVAL munmap A+127T 2T
munmap A+60K 8K
show maps
