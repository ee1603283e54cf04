# kernel-oracle §7.1: MADV_DONTNEED over a whole aligned 2 MiB frees the PTE
# table (CONFIG_PT_RECLAIM), so the range reads 0 again; a DONTNEED of part of
# it, even of every populated page, leaves the table and the range reads WR.
# Only the PTE table goes: VmPTE drops by 4 kB. Zapped anonymous memory reads 0.
A = mmap 4M rw private anon
write A+0 8K
write A+2M 8K
assert status VmPTE == 16
madvise A+0 2M dontneed
madvise A+2M 8K dontneed
show pagemap A+0 4M
assert status RssAnon == 0
assert status VmPTE == 12
write A+4K 4K
show pagemap A+0 16K
assert status VmPTE == 16
assert content A+2M 8K == 0
