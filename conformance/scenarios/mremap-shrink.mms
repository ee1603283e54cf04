# mremap shrinking in place unmaps the tail and frees its pages.
A = mmap 64K rw private anon
write A+0 64K
mremap A+0 64K 16K
show maps
show pagemap A+0 32K
show smaps A
