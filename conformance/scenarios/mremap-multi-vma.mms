# Since Linux 6.17 a MREMAP_FIXED move with an unchanged length may span several
# VMAs (mm/mremap.c "permit mremap() move of multiple VMAs"): the three VMAs of A
# move to D together, the pages with them.
A = mmap 64K rw private anon
D = mmap 1M rw private anon
write A+0 64K
mprotect A+32K 4K r
B = mremap A+0 64K 64K maymove fixed=D+0
show maps
show pagemap D+0 64K
show content D+28K 12K
