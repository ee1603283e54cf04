# mprotect argument checks (do_mprotect_pkey): an unaligned start is EINVAL; an
# unmapped start or a hole in the range is ENOMEM, the VMAs before the hole
# having been changed; a zero length is fine.
A = mmap 64K rw private anon
B = mmap 64K rw private anon fixed=A+128K
expect EINVAL mprotect A+1 4K r
expect ENOMEM mprotect A+64K 4K r
expect ENOMEM mprotect A+0 192K r
mprotect A+0 0 r
show maps
