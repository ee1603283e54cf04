# mprotect(2) rules (mm/mprotect.c do_mprotect_pkey): an unaligned start is
# EINVAL; a zero length succeeds and changes nothing; nothing mapped is ENOMEM;
# a range with a hole is ENOMEM, but the VMAs before the hole have already been
# changed.
A = mmap 64K rw private anon
expect EINVAL mprotect A+1 4K r
mprotect A+0 0 r
expect ENOMEM mprotect A+1G 4K r
munmap A+16K 16K
expect ENOMEM mprotect A+0 64K r
show maps
