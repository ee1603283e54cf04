# kernel-oracle §2: mprotect of a whole aligned 2 MiB splits the VMA only, not
# the PMD (still HG), and AnonHugePages is counted in the r--p VMA.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
mprotect A+2M 2M r
show maps
show smaps A
show pagemap A+2M 8K
