# kernel-oracle §2: mprotect back to RW merges the three VMAs back into one
# maps line, but the PMD stays split (no automatic re-collapse).
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
mprotect A+1M 4K r
mprotect A+1M 4K rw
show maps
show smaps A
show pagemap A+0 2M
