# arm64 with 64K pages: fault_around_bytes (64K) is a single page, so
# should_fault_around() is false and a read fault maps only its own page;
# KernelPageSize = MMUPageSize = 64 kB. The file's value tags are per 4K page
# (scenario-format.md: "each 4K page holds its page index as its value tag")
# and a load reads the tag in the first 4 bytes of the base page, so the 64K
# page at F+128K reads 32 (its first 4K page is page 32 of the file).
arch arm64-64k
file f1 size=1M
F = mmap 1M r private file=f1
read F+128K 64K
show pagemap F+0 512K
show content F+128K 128K
show smaps F
