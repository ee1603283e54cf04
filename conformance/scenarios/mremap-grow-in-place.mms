# kernel-oracle §2 "Growing with mremap (4 -> 6 MiB, flags 0)": in place when
# the space after it is free; the pages stay.
A = mmap 4M rw private anon
write A+0 8K
mremap A+0 4M 6M
show maps
show pagemap A+0 8K
show smaps A
