# A failed operation without `expect` prints `! line N: OP: ERRNO` and the run
# goes on; a statement on a region whose mmap failed says so.
A = mmap 64K rw private anon
munmap A+1 4K
mprotect A+1G 4K r
madvise A+0 128K dontneed
B = mmap 0 rw private anon
write B+0 4K
write A+0 4K
show pagemap A+0 4K
show smaps B
