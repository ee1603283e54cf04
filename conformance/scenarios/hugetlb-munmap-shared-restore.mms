# mm/hugetlb.c: munmap by the reservation owner of a page a fork child still
# maps. The zap restores the resv_map index (HPG_restore_reserve on the
# folio), the close (hugetlb_vm_op_close) then drops that "unused"
# reservation: resv goes to -1 (2^64-1 on 6.18) until the child frees the
# folio. hugetlb_acct_memory still refuses more reservations than free pages
# (4M with 1 free page: ENOMEM), a 2M one brings resv to 0 and a
# MAP_NORESERVE fault gets the last free page; after the child exits the
# 2M reservation is backed again and nothing is left.
set hugetlb.2M=2
H = mmap 2M rw private anon hugetlb=2M
write H+0 4K value=9
fork child
munmap H+0 2M
expect ENOMEM mmap 4M rw private anon hugetlb=2M
B = mmap 2M rw private anon hugetlb=2M
N = mmap 2M rw private anon hugetlb=2M noreserve
write N+0 4K
as child
assert content H+0 4K == 9
as main
exit child
M = mmap 2M rw private anon hugetlb=2M noreserve
expect SIGBUS write M+0 4K
write B+0 4K
show status
