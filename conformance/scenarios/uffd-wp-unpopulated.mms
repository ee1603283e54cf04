# kernel-oracle §4: WP of none PTEs without WP_UNPOPULATED installs nothing
# (pagemap 0, scan WR where a table exists); with WP_UNPOPULATED a uffd-wp marker
# is installed: pagemap S W (frame swap), scan SW; un-WP of a marker goes back to
# pte_none (scan WR). A fresh 2 MiB with no table: WP of 2 pages allocates a PTE
# table (the other pages now WR).
A = mmap 64K rw private anon
B = mmap 4M rw private anon
write A+0 4K
uffd A+0 64K register wp
uffd A+4K 8K wp
show pagemap A+0 16K
uffd B+0 4M register wp wp_unpopulated
uffd B+4K 8K wp
show pagemap B+0 32K
uffd B+4K 4K unwp
show pagemap B+0 16K
