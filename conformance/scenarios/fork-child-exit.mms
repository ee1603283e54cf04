# After the child exits (and is waited for), the parent's pages are exclusive
# again: X, cnt 1; but anon-exclusive (MAPPEDTODISK) stays off until a write
# reuses the page.
A = mmap 64K rw private anon
write A+0 16K
fork child
exit child
show pagemap A+0 16K
write A+0 4K
show pagemap A+0 16K
show smaps A
