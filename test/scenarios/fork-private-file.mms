# fork of a private file mapping: while it holds only page-cache pages it has
# no anon_vma and nothing is copied (vma_needs_copy); after a COW write it has
# one, and the next child gets every PTE: file pages `P F` and the anonymous
# copy, all with cnt 2 and no X.
file f1 size=64K
F = mmap 64K rw private file=f1
read F+0 4K
fork child
as child
show pagemap F+0 64K
as main
write F+4K 4K value=9
fork child2
as child2
show pagemap F+0 16K
assert content F+4K 4K == 9
assert content F+8K 4K == 2
