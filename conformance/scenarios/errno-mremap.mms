# mremap argument checks (mm/mremap.c): fixed= without maymove is EINVAL; an
# unaligned address is EINVAL; dontunmap with a different new length is EINVAL;
# overlapping source and destination is EINVAL; an unmapped old address is
# EFAULT; resizing a range that spans two VMAs is EFAULT; growing without
# maymove into an occupied range is ENOMEM.
A = mmap 64K rw private anon
B = mmap 64K rw private anon fixed=A+64K
D = mmap 1M rw private anon
expect EINVAL mremap A+0 16K 16K fixed=D+0
expect EINVAL mremap A+1 16K 16K maymove
expect EINVAL mremap A+0 16K 32K maymove dontunmap
expect EINVAL mremap A+0 16K 16K maymove fixed=A+8K
expect EFAULT mremap A+1G 16K 16K maymove
mprotect A+32K 4K r
expect EFAULT mremap A+0 64K 128K maymove
expect ENOMEM mremap A+28K 4K 8K
show maps
