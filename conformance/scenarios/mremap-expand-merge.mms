# mremap_test.c "expand merge": growing a mapping in place up to an adjacent
# mapping with the same flags merges them into one VMA.
A = mmap 64K rw private anon
B = mmap 64K rw private anon fixed=A+128K
write A+0 4K
write B+0 4K
mremap A+0 64K 128K
show maps
show pagemap A+0 4K
show pagemap B+0 4K
