# MREMAP_DONTUNMAP: the pages move to the new VMA (same frames and contents),
# the old VMA stays, empty (its PTE table stays too: the range reads WR), and a
# read there maps the zero page. The old VMA keeps VM_ACCOUNT (mm/mremap.c
# dontunmap_complete only clears VM_LOCKED_MASK since "mm/mremap: correctly
# account old mapping after MREMAP_DONTUNMAP remap").
A = mmap 64K rw private anon
write A+0 8K value=3
show pagemap A+0 8K
B = mremap A+0 64K 64K maymove dontunmap
show maps
show pagemap B+0 8K
show pagemap A+0 8K
show smaps A
assert content A+0 4K == 0
assert content B+0 8K == 3
assert status RssAnon == 8
