# set thp=never: MADV_HUGEPAGE still sets hg, but THPeligible is 0 and write
# faults map 4K pages.
set thp=never
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 8K
show pagemap A+0 8K
show smaps A
