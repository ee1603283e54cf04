# kernel-oracle §1 "untouched": an untouched private anonymous mapping has no
# page table (pagemap 0, PAGEMAP_SCAN 0), Rss 0, THPeligible 0 and VmFlags
# `rd wr mr mw me ac`.
A = mmap 4M rw private anon
assert pagemap A+0 4M !present !swapped !exclusive !is_written
show pagemap A+0 4M
show maps
show smaps A
assert smaps A+0 Rss == 0
assert smaps A+0 THPeligible == 0
