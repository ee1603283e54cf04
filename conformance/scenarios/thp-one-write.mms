# kernel-oracle §1 "MADV_HUGEPAGE, 1 byte written at +0": pages 0-511 are one
# PMD-mapped THP (HEAD + 511 TAIL, THP, P X, scan PR WR HG, cnt 1), pages
# 512-1023 have nothing; Rss 2048, AnonHugePages 2048. VmPTE counts the
# deposited PTE table.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4K
show pagemap A+0 4M
show smaps A
show status
assert pagemap A+0 2M present exclusive kpf_thp is_huge
assert frame A+4K == A+0 next
