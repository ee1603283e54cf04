# kernel-oracle §2: after the child exits, with no further writes in the parent,
# every parent page shows X again (cnt 1) but MAPPEDTODISK only on pages that
# were written; smaps is all Private_Dirty. A later write into the still
# PMD-mapped THP #2 reuses it (no COW, no split) and MAPPEDTODISK appears on all
# its pages.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
fork child
write A+20K 4K
exit child
show pagemap A+0 32K
show pagemap A+2M 8K
show smaps A
write A+2M 4K
show pagemap A+2M 8K
