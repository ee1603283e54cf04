# kernel-oracle §1 THP placement: MADV_HUGEPAGE on [1, 5) MiB of an 8 MiB region
# splits it into 3 VMAs; the hg VMA has THPeligible 1 and gets a THP at [2, 4)
# MiB only (a THP needs a whole aligned 2 MiB inside an hg VMA).
A = mmap 8M rw private anon
madvise A+1M 4M hugepage
write A+0 8M
show maps
show smaps A
show pagemap A+1M 4M
