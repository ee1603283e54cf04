# MREMAP_DONTUNMAP moves the pages to a new region and leaves the old VMA in
# place, empty (with its flags and accounting).
A = mmap 64K rw private anon
write A+0 16K
B = mremap A+0 64K 64K maymove dontunmap
show maps
show pagemap A+0 16K
show pagemap B+0 16K
show content B+0 8K
show smaps A
