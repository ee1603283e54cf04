# folio_may_be_lru_cached is false for a large folio: a PMD-mapped THP that
# MADV_FREE queues moves the whole batch at once, so the 4K pages queued
# before it in the same call become lazyfree too (madvise_free_huge_pmd).
A = mmap 4M rw private anon
write A+0 40K
madvise A+0 4M hugepage
write A+2M 2M
madvise A+0 4M free
show pagemap A+0 40K
show pagemap A+2M 2M
show smaps A
