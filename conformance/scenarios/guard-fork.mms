# guard-regions.c "fork": the child inherits the guard markers; with
# MADV_WIPEONFORK the child has none.
A = mmap 64K rw private anon
write A+0 16K
madvise A+0 8K guard_install
fork child
as child
show pagemap A+0 16K
expect SIGSEGV read A+0 4K
