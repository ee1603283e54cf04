# mm/hugetlb.c hugetlb_wp + unmap_ref_private: the reservation owner writes a
# private hugetlb page shared with its fork child while the pool has no
# unreserved page (B holds the last one). The owner is not SIGBUSed: the page
# is unmapped from the child (its VMA gets HPAGE_RESV_UNMAPPED) and the owner
# reuses it in place (same frame, X). The child then gets SIGBUS on any fault
# in that VMA, even on a page the pool could now give it.
set hugetlb.2M=3
H = mmap 4M rw private anon hugetlb=2M
write H+0 4K value=5
B = mmap 2M rw private anon hugetlb=2M
fork child
show pagemap H+0 8K
write H+0 4K value=6
show pagemap H+0 8K
assert content H+0 4K == 6
as child
show pagemap H+0 8K
show smaps H
expect SIGBUS read H+0 4K
as main
munmap B+0 2M
as child
expect SIGBUS read H+2M 4K
as main
write H+2M 4K
show smaps H
show status
