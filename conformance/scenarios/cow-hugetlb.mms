# cow.c hugetlb set-up (needs two free pages): basic COW after fork.
set hugetlb.2M=4
H = mmap 2M rw private anon hugetlb=2M
write H+0 2M value=1
fork child
write H+0 4K value=2
as child
assert content H+0 4K == 1
assert content H+4K 4K == 1
as main
assert content H+4K 4K == 1
show pagemap H+0 8K
