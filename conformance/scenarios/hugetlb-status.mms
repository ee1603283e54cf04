# /proc/PID/status HugetlbPages counts the hugetlb pages mapped by the process;
# Rss* do not include them; VmPTE counts the PMD table (and the PUD table).
set hugetlb.2M=4
H = mmap 4M rw private anon hugetlb=2M
show status
write H+0 4K
show status
write H+2M 4K
show status
munmap H+0 2M
show status
