# kernel-oracle §7.1: with category_mask 0, PAGEMAP_SCAN reports every
# pte_none entry inside an allocated PTE table as WRITTEN (and nothing else),
# and 0 where the PMD has no table. pagemap reads 0 in both cases.
A = mmap 4M rw private anon
write A+0 4K
show pagemap A+0 4M
assert pagemap A+4K 2044K !present is_written !is_present
assert pagemap A+2M 2M !present !is_written !is_present
assert status VmPTE == 12
