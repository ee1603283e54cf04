# kernel-oracle §3: a read fault on private hugetlb also allocates a page (there
# is no hugetlb zero page); the page reads 0.
set hugetlb.2M=4
H = mmap 2M rw private anon hugetlb=2M
read H+0 4K
show pagemap H+0 8K
show smaps H
show content H+0 8K
