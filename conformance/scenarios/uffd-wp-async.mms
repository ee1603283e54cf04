# kernel-oracle §4 async mode (WP_UNPOPULATED + WP_ASYNC): every page of the VMA
# is WPALLOWED (WA); a write to a write-protected present page clears W in place
# (same frame), a write to a marker gives a new anonymous page.
A = mmap 64K rw private anon
write A+0 8K
uffd A+0 64K register wp wp_unpopulated async
uffd A+0 16K wp
show pagemap A+0 32K
write A+0 4K
write A+8K 4K
show pagemap A+0 32K
