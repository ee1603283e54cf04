# kernel-oracle §4 shmem (MAP_SHARED anon): WP of none PTEs installs uffd-wp
# markers even without WP_UNPOPULATED: pagemap S W, scan SW.
S = mmap 64K rw shared anon
write S+0 4K
uffd S+0 64K register wp
uffd S+0 16K wp
show pagemap S+0 32K
