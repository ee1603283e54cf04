# kernel-oracle §1 "MADV_HUGEPAGE, untouched": no pages, VmFlags gain hg,
# THPeligible 1.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
show pagemap A+0 4M
show smaps A
