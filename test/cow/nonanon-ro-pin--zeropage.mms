# cow.c: non-anonymous "R/O longterm GUP pin" ... with shared zeropage: a R/O
# FOLL_LONGTERM pin of the shared zero page in a COW mapping must break COW early
# (gup_must_unshare: not anonymous, FOLL_LONGTERM, is_cow_mapping), so the pin holds a new
# anonymous page and the later write through the page table is visible through the pin.
# (GUP-fast sees a special entry and falls back to the slow path.)
A = mmap 4K rw private anon
read A+0 4K
assert pagemap A+0 4K present is_pfnzero
pin A+0 4K longterm as p
assert pagemap A+0 4K present !is_pfnzero exclusive
show pins A+0 4K
write A+0 4K value=2
assert content A+0 4K == 2
show pins A+0 4K
unpin p
show pins A+0 4K
