# munmap(2) rules (mm/vma.c do_vmi_munmap): an unaligned start or a zero
# length is EINVAL; unmapping a range with nothing mapped succeeds; the length
# is rounded up to a page; unmapping the middle of a VMA splits it, and the
# hole is outside every VMA (PAGEMAP_SCAN does not report it).
A = mmap 64K rw private anon
write A+0 64K
expect EINVAL munmap A+1 4K
expect EINVAL munmap A+0 0
munmap A+1G 4K
munmap A+16K 1
munmap A+32K 16K
assert maps A count == 3
show maps
show pagemap A+0 64K
assert status RssAnon == 44
