# kernel-oracle §3 MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, 2 x 2 MiB: maps name
# anon_hugepage (deleted) (hugetlb), KernelPageSize = MMUPageSize = 2048, VmFlags
# ... de ht, THPeligible 0; Rss is not charged, the touched page shows under
# Private_Hugetlb. Touched page: P X, scan PR WR HG, kpageflags HUGE HEAD/TAIL
# ANON MAPPEDTODISK (no THP, no SWAPBACKED), cnt 1, contiguous frames; the
# untouched page in the same PMD table: scan HG only.
set hugetlb.2M=8
H = mmap 4M rw private anon hugetlb=2M
write H+0 4K
show maps
show smaps H
show pagemap H+0 4M
show status
assert frame H+8K == H+4K next
