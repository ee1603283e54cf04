# MADV_DONTNEED on shmem drops the PTEs but not the pages (they stay in the
# shmem object): a later read maps the same frame with the same value.
S = mmap 64K rw shared anon
write S+0 16K
show pagemap S+0 16K
madvise S+0 16K dontneed
show pagemap S+0 16K
show smaps S
read S+0 16K
show pagemap S+0 16K
show content S+0 16K
