# kernel-oracle §2: a PTE-mapped THP (split by mprotect) is collapsed into a new
# folio (new frames), PMD-mapped again.
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M
mprotect A+1M 4K r
mprotect A+1M 4K rw
show pagemap A+0 8K
madvise A+0 2M collapse
show maps
show pagemap A+0 8K
show smaps A
