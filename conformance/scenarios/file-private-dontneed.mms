# MADV_DONTNEED on a private file mapping drops the anonymous COW pages: the
# file's data shows through again.
file f1 size=64K
F = mmap 64K rw private file=f1
write F+0 16K value=3
show content F+0 16K
madvise F+0 16K dontneed
show content F+0 16K
show pagemap F+0 64K
show smaps F
