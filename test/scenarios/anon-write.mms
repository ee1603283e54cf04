# kernel-oracle §1 "no madvise, write each page": 1024 x `P X`, scan `PR WR`,
# kpageflags ANON SWAPBACKED MMAP MAPPEDTODISK (anon-exclusive), cnt 1;
# Rss = Private_Dirty = Anonymous = 4096, AnonHugePages 0, THPeligible 0.
A = mmap 4M rw private anon
write A+0 4M
assert pagemap A+0 4M present exclusive !file !swapped kpf_anon kpf_swapbacked kpf_mmap kpf_anon_exclusive !kpf_thp is_present is_written !is_pfnzero !is_huge
show pagemap A+0 4M
show smaps A
assert smaps A+0 AnonHugePages == 0
assert status RssAnon == 4096
