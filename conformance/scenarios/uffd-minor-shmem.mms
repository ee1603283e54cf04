# userfaultfd minor mode on shmem: a fault on a page that is in the page cache but
# not mapped (dropped with MADV_DONTNEED) is delivered as a minor fault and the
# handler maps the cached page (UFFDIO_CONTINUE): same frame, same value.
S = mmap 64K rw shared anon
write S+0 8K value=4
show pagemap S+0 8K
madvise S+0 8K dontneed
uffd S+0 64K register minor
read S+0 8K
show pagemap S+0 8K
show content S+0 8K
