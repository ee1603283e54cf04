# userfaultfd missing mode: a fault on an empty page is delivered to the handler
# (`uffd: missing fault at ...`), which maps the page a normal fault would; a
# fault on a present page is not delivered. Anonymous (write) and shmem (read).
A = mmap 64K rw private anon
S = mmap 64K rw shared anon
uffd A+0 64K register missing
uffd S+0 64K register missing
write A+0 8K
write A+0 4K value=3
read S+0 4K
show pagemap A+0 16K
show pagemap S+0 8K
show content A+0 8K
