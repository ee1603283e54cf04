# kernel-oracle §7.1: with category_mask = 0, every pte_none entry inside an
# allocated PTE table reports WRITTEN on this kernel; pages whose PMD has no table
# report no category. pagemap reports 0 for both.
A = mmap 4M rw private anon
write A+8K 4K
show pagemap A+0 4M
