# MAP_POPULATE of a private writable anonymous mapping faults every page for
# write (anonymous pages, Rss = Size); MADV_POPULATE_WRITE does the same.
A = mmap 64K rw private anon populate
B = mmap 64K rw private anon
madvise B+0 32K populate_write
show pagemap A+0 64K
show pagemap B+0 64K
show smaps A
show status
