# The lazyfree batch holds a reference (__folio_batch_add_and_move: folio_get).
# After fork and the child's exit the parent's pages are read-only and not
# exclusive; a write fault on one still queued sees refcount 2 and copies it
# (wp_can_reuse_anon_folio: the folio is on the LRU, so no drain); once
# MADV_COLD has drained the batch, a write reuses the lazily freed page (no
# SWAPBACKED: it stays lazy-free, but dirty).
A = mmap 64K rw private anon
B = mmap 64K rw private anon
write A+0 64K
write B+0 4K
fork child
exit child
madvise A+0 40K free
show pagemap A+0 16K
write A+0 4K
show pagemap A+0 16K
madvise B+0 4K cold
write A+4K 4K
show pagemap A+0 16K
show smaps A
