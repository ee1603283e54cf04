# hugetlb reservations: mmap needs the whole range reserved up front (ENOMEM
# when the pool is too small); with MAP_NORESERVE the mmap works and a fault
# beyond the pool gets SIGBUS.
set hugetlb.2M=2
expect ENOMEM mmap 6M rw private anon hugetlb=2M
H = mmap 4M rw private anon hugetlb=2M
N = mmap 4M rw private anon hugetlb=2M noreserve
write H+0 4M
expect SIGBUS write N+0 4K
show status
show smaps N
