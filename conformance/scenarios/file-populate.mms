# MAP_POPULATE on a private read-only file mapping maps every page (no
# fault-around needed); MADV_POPULATE_WRITE on a private writable file mapping
# breaks COW on every page (anonymous copies of the file's pages).
file f1 size=64K
F = mmap 64K r private file=f1 populate
G = mmap 64K rw private file=f1
madvise G+0 32K populate_write
show pagemap F+0 64K
show pagemap G+0 64K
show smaps G
show content G+24K 16K
