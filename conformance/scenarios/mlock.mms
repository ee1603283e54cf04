# mlock2-tests.c: MAP_LOCKED populates and locks the mapping: VmFlags lo, Rss =
# Size, Locked = Rss.
A = mmap 64K rw private anon locked
show smaps A
show pagemap A+0 64K
