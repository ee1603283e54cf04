# kernel-oracle §2 fork, "after the child exits, with no further writes in the
# parent": every parent page shows X again (cnt 1), but MAPPEDTODISK only on
# the pages that were written (COWed) after fork; smaps is all Private_Dirty.
# A later write reuses the page (no COW): same frame, MAPPEDTODISK appears.
A = mmap 4M rw private anon
write A+0 16K
fork child
write A+4K 4K
show pagemap A+0 16K
exit child
show pagemap A+0 16K
show smaps A
write A+8K 4K
show pagemap A+0 16K
