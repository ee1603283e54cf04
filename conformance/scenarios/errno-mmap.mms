# mmap argument checks (mm/mmap.c do_mmap): a zero length is EINVAL; a file
# offset that is not page aligned is EINVAL; a length beyond the address space
# is ENOMEM; MAP_FIXED over an existing mapping replaces it.
file f1 size=64K
A = mmap 64K rw private anon
write A+0 8K
expect EINVAL mmap 0 rw private anon
expect EINVAL mmap 4K r private file=f1 off=1
expect EINVAL mmap 4K r private file=f1 off=0x800
expect ENOMEM mmap 256T rw private anon
B = mmap 16K r private anon fixed=A+4K
show maps
show pagemap A+0 16K
