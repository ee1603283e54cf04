# cow.c: non-anonymous "R/O longterm GUP pin" ... with huge zeropage: follow_huge_pmd
# finds the huge zero folio in a COW mapping, gup_must_unshare says unshare (-EMLINK), and the
# unshare fault replaces the huge zero PMD by a new exclusive THP (do_huge_zero_wp_pmd), which
# is pinned: 512 pins on one large folio. The later write is visible through the pin.
# (GUP-fast: the huge zero PMD is special since 6.18, so it falls back to the slow path.)
A = mmap 2M rw private anon
madvise A+0 2M hugepage
read A+0 4K
assert pagemap A+0 2M present is_pfnzero is_huge
pin A+0 2M longterm as p
assert pagemap A+0 2M present !is_pfnzero is_huge exclusive
show pins A+0 4K
write A+0 2M value=2
assert content A+0 2M == 2
show pins A+0 4K
unpin p
show pins A+0 4K
