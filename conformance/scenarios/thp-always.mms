# set thp=always: every private anonymous VMA with a whole aligned 2 MiB gets
# THPs on write faults without MADV_HUGEPAGE (THPeligible 1, no hg).
set thp=always
A = mmap 4M rw private anon
write A+0 4K
write A+2M 4K
show pagemap A+0 4M
show smaps A
