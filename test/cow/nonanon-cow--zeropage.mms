# cow.c: non-anonymous "Basic COW" ... with shared zeropage (run_with_zeropage): two private
# anonymous mappings read, so both map the shared zero page; a write to one must not be
# visible through the other. Expected: "Other mapping not modified".
A = mmap 4K rw private anon
S = mmap 4K r private anon
read A+0 4K
read S+0 4K
assert pagemap A+0 4K present is_pfnzero
assert pagemap S+0 4K present is_pfnzero
write A+0 4K value=2
assert content A+0 4K == 2
assert content S+0 4K == 0
assert pagemap S+0 4K present is_pfnzero
show pins A+0 4K
show pins S+0 4K
