# kernel-oracle §3: an untouched hugetlb page reads pagemap 0; PAGEMAP_SCAN
# reports HG when the page-table page that would hold the huge entry (the PMD
# table) exists, and nothing in an otherwise empty region.
set hugetlb.2M=4
H = mmap 4M rw private anon hugetlb=2M
show pagemap H+0 4M
write H+2M 4K
show pagemap H+0 4M
