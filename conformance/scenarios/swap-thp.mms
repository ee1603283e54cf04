# kernel-oracle §5: a THP is never swapped out whole on this (rotational) swap
# device: it is split and paged out as 512 entries.
set swap=on
A = mmap 2M rw private anon
madvise A+0 2M hugepage
write A+0 2M
madvise A+0 2M pageout
show pagemap A+0 2M
show smaps A
