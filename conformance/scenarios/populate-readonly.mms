# MAP_POPULATE of a read-only private anonymous mapping maps the zero page; the
# same with MADV_POPULATE_READ.
A = mmap 64K r private anon populate
B = mmap 64K rw private anon
madvise B+0 32K populate_read
show pagemap A+0 64K
show pagemap B+0 64K
show smaps A
