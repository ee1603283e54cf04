# kernel-oracle §7.1: pages of a neighbouring VMA that share the same 2 MiB range
# also read WR once any page in that range is faulted (the PROT_NONE VMA next to
# the region, in the same PTE table).
A = mmap 64K rw private anon
B = mmap 64K none private anon fixed=A+64K
show pagemap B+0 64K
write A+0 4K
show maps
show pagemap A+0 128K
