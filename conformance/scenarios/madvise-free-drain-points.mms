# Which operations drain the per-CPU lazyfree batch (src/mm/lru.ts), measured
# on 6.18: munmap, MADV_DONTNEED, mprotect, mremap, exit (of a process that does
# not map the pages) leave queued folios swap-backed ("mm: remove unnecessary
# calls to lru_add_drain"); MADV_COLD (madvise_cold) and MADV_POPULATE_WRITE
# drain it.
A = mmap 1M rw private anon
B = mmap 1M rw private anon
write A+0 1M
write B+0 64K
madvise A+0 1M dontfork
fork child
madvise A+0 40K free
munmap B+60K 4K
madvise B+0 4K dontneed
mprotect B+8K 4K r
C = mremap B+16K 8K 8K maymove
exit child
show pagemap A+0 40K
madvise B+32K 4K cold
show pagemap A+0 40K
madvise A+40K 40K free
show pagemap A+40K 40K
madvise B+32K 16K populate_write
show pagemap A+40K 40K
show smaps A
