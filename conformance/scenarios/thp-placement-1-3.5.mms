# kernel-oracle §1: MADV_HUGEPAGE on [1, 3.5) MiB of a 4 MiB region also gives 3
# VMAs, but the hg one [1M, 3.5M) holds no whole aligned 2 MiB ([2M, 4M) ends
# past it), so it has THPeligible 0 and gets no THP.
A = mmap 4M rw private anon
madvise A+1M 2560K hugepage
write A+0 4M
show maps
show smaps A
