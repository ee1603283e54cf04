# kernel-oracle §2: MADV_COLLAPSE in a VMA without hg still works; smaps then
# shows THPeligible 0 together with AnonHugePages.
A = mmap 4M rw private anon
write A+0 4M
madvise A+0 4M collapse
show smaps A
show pagemap A+0 8K
