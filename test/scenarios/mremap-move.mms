# mremap(2) growing a mapping whose next page is taken: without MREMAP_MAYMOVE
# it is ENOMEM (kernel-oracle §2 "Growing with mremap ... ENOMEM while my
# PROT_NONE reservation still occupied that space"); with it the VMA moves and
# the page-table entries move with it: same frames, same contents. The old
# range is unmapped, and its PTE table stays because the neighbour still
# shares that 2 MiB (free_pgd_range ceiling), so the neighbour reads WR.
A = mmap 64K rw private anon
X = mmap 64K none private anon fixed=A+64K
write A+0 16K value=5
show pagemap A+0 16K
expect ENOMEM mremap A+0 64K 128K
B = mremap A+0 64K 128K maymove
show maps
show pagemap B+0 32K
assert content B+0 16K == 5
assert content B+64K 4K == 0
show pagemap A+0 64K
show pagemap X+0 64K
assert status RssAnon == 16
