# mremap_test.c "8KB mremap - Source PTE-aligned, Destination PTE-aligned" and
# a move of written pages: the frames move with the mapping, the old range is
# gone; the new region is named where it lands.
A = mmap 64K rw private anon
write A+0 16K
show pagemap A+0 16K
B = mremap A+0 64K 64K maymove
show maps
show pagemap B+0 16K
show content B+0 16K
