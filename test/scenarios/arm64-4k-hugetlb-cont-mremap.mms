# A 64K hugetlb page on arm64-4k is a contiguous group of 16 PTEs: one leaf to
# every consumer, moved whole by an aligned mremap (the frames stay the same).
arch arm64-4k
set hugetlb.64K=4
H = mmap 64K rw private anon hugetlb=64K
write H+0 64K
show pagemap H+0 8K
X = mmap 1M none private anon
mremap H+0 64K 64K maymove fixed=X+512K
show pagemap X+512K 64K
assert content X+512K 64K > 0
show maps
show status
