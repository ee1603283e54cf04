# MADV_DONTNEED on shared anonymous memory only zaps the PTEs: the pages stay
# in the shmem page cache, so RssShmem drops to 0, the range reads WR (the
# table stays), and a later read maps the same frames with the same contents.
S = mmap 64K rw shared anon
write S+0 8K value=6
show pagemap S+0 8K
madvise S+0 8K dontneed
show pagemap S+0 8K
assert status RssShmem == 0
read S+0 8K
show pagemap S+0 16K
assert content S+0 8K == 6
assert status RssShmem == 8
