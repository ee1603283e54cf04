# kernel-oracle §2 "mprotect(PROT_READ) on page 0x100" of a 4 MiB hg region
# with 2 THPs: VMAs [0,1M) rw, [1M,1M+4K) r, [1M+4K,4M) rw; the PMD is split
# but the folio is not (HEAD/TAIL/THP stay, same frames), the split 2 MiB loses
# HG; AnonHugePages 2048 only in the third VMA; the first VMA (1 MiB) has
# THPeligible 0.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
mprotect A+1M 4K r
show maps
show smaps A
show pagemap A+0 2M
assert frame A+1M == A+1020K next
