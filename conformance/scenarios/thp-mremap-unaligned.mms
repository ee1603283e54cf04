# kernel-oracle §2 "mremap to destination + 64 KiB (unaligned)": the PMD is
# split and the same folio is PTE-mapped at the new address (no HG).
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
show pagemap A+0 8K
D = mmap 8M rw private anon
munmap D+0 8M
B = mremap A+0 2M 2M maymove fixed=D+64K
show maps
show pagemap B+0 8K
show smaps B
