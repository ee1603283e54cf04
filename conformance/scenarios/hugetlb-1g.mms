# kernel-oracle §3 1 GiB page: KernelPageSize = MMUPageSize = 1048576; 262144
# pagemap entries P X (X is flaky on this page size: not asserted); HEAD + TAIL
# with HUGE; munmap or mprotect of 2 MiB inside it: EINVAL.
requires hugetlb-1G
set hugetlb.1G=1
H = mmap 1G rw private anon hugetlb=1G
write H+0 4K
assert pagemap H+0 1G present kpf_huge
expect EINVAL munmap H+2M 2M
expect EINVAL mprotect H+2M 2M r
show maps
