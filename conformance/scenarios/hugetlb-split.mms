# kernel-oracle §3: an aligned munmap/mprotect splits a hugetlb VMA; the second
# VMA shows file offset 00200000.
set hugetlb.2M=8
H = mmap 8M rw private anon hugetlb=2M
write H+0 8M
mprotect H+2M 2M r
munmap H+6M 2M
show maps
show smaps H
show status
