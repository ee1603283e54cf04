# mm/swap.c folio_mark_lazyfree: MADV_FREE queues each folio in the per-CPU
# lazyfree batch (FOLIO_BATCH_SIZE 31); SWAPBACKED is cleared (LazyFree) only
# when the batch is drained. 31 folios fill the batch exactly (all lazyfree);
# of 32, the 32nd waits; each MADV_FREE drains the batch first
# (madvise_free_single_vma), so freeing 100 more makes B's last page lazyfree
# and leaves 100 - 3 x 31 = 7 of C waiting.
A = mmap 256K rw private anon
B = mmap 256K rw private anon
C = mmap 512K rw private anon
write A+0 256K
write B+0 256K
write C+0 512K
madvise A+0 124K free
show pagemap A+0 128K
madvise B+0 128K free
show pagemap B+0 128K
madvise C+0 400K free
show pagemap B+0 128K
show pagemap C+0 400K
show smaps C
