# cow.c case 8 "fork() with an iouring fixed buffer": a long-term writable pin
# (io_uring fixed buffers on the kernel, pin_user_pages_fast FOLL_WRITE|
# FOLL_LONGTERM) makes fork copy the pinned pages for the child at once (early
# COW); the unpinned pages are shared as usual.
A = mmap 64K rw private anon
write A+0 16K
pin A+0 8K write longterm as p1
fork child
show pagemap A+0 16K
as child
show pagemap A+0 16K
assert content A+0 8K > 0
as main
unpin p1
show pagemap A+0 16K
