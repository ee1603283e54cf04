# hugetlb mremap to an aligned address works and moves the huge page (same
# frames); shrinking works, growing is EINVAL.
set hugetlb.2M=4
H = mmap 4M rw private anon hugetlb=2M
write H+0 4M
show pagemap H+0 8K
B = mremap H+0 4M 4M maymove
show maps
show pagemap B+0 8K
mremap B+0 4M 2M
show maps
expect EINVAL mremap B+0 2M 4M
