# kernel-oracle §1 guard regions (MADV_GUARD_INSTALL on 2 pages): pagemap S G
# (frame swap), scan SW WR GD; the VMA gains VmFlag gu; Rss drops by 8 kB; an
# access is SIGSEGV; MADV_GUARD_REMOVE takes the markers away (pte_none, WR).
A = mmap 64K rw private anon
write A+0 16K
madvise A+4K 8K guard_install
show pagemap A+0 16K
show smaps A
expect SIGSEGV read A+4K 4K
expect SIGSEGV write A+8K 4K
madvise A+4K 8K guard_remove
show pagemap A+0 16K
write A+4K 4K
show pagemap A+0 16K
