# cow.c: non-anonymous "Basic COW" ... with huge zeropage (run_with_huge_zeropage,
# use_zero_page=1): reads map the huge zero folio by PMD in two MADV_HUGEPAGE mappings; a write
# to one (do_huge_zero_wp_pmd: a new THP) must not be visible through the other.
# Expected: "Other mapping not modified".
A = mmap 2M rw private anon
madvise A+0 2M hugepage
S = mmap 2M r private anon
madvise S+0 2M hugepage
read A+0 4K
read S+0 4K
assert pagemap A+0 2M present is_pfnzero is_huge
assert pagemap S+0 2M present is_pfnzero is_huge
write A+0 2M value=2
assert content A+0 2M == 2
assert content S+0 2M == 0
assert pagemap A+0 2M present !is_pfnzero is_huge exclusive
assert pagemap S+0 2M present is_pfnzero is_huge
show pins A+0 4K
