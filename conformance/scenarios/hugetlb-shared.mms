# kernel-oracle §3 shared hugetlb (MAP_SHARED|MAP_ANONYMOUS|MAP_HUGETLB, a
# hugetlbfs file): pagemap P F X, scan PR WR FI HG, kpageflags HUGE HEAD/TAIL
# MMAP (no ANON); smaps counts it under Private_Hugetlb while only one mapping
# exists; after fork (shared VMAs are not copied) the child maps it on fault:
# cnt 2, Shared_Hugetlb.
set hugetlb.2M=4
H = mmap 4M rw shared anon hugetlb=2M
write H+0 4K
show pagemap H+0 8K
show smaps H
fork child
as child
read H+0 4K
show pagemap H+0 8K
show smaps H
as main
show smaps H
