# A failed operation without `expect` prints `! line N: OP: ERRNO` and the run
# goes on (scenario-format.md: "Every failed operation prints its errno").
A = mmap 64K rw private anon
munmap A+1 4K
mprotect A+1G 4K r
read A+64K 4K
madvise A+0 128K dontneed
write A+0 4K
show pagemap A+0 4K
