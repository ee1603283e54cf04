# kernel-oracle §3 fork with private hugetlb: both processes no X, cnt 2,
# Shared_Hugetlb; a parent write COWs the whole 2 MiB to a new folio (X,
# MAPPEDTODISK, Private_Hugetlb); the child's copy then shows X, cnt 1. After
# the child exits the parent is Private_Hugetlb everywhere.
set hugetlb.2M=8
H = mmap 4M rw private anon hugetlb=2M
write H+0 4M
fork child
show pagemap H+0 8K
show smaps H
write H+0 4K
show pagemap H+0 8K
show smaps H
as child
show pagemap H+0 8K
show smaps H
assert content H+0 4K == 1
as main
exit child
show smaps H
