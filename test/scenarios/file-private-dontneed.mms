# A write fault on a none PTE of a MAP_PRIVATE file mapping copies just that
# page (do_cow_fault: no fault-around for writes). MADV_DONTNEED drops the
# private copy; the next read maps the file's page again (fault-around window)
# with the file's content.
file f1 size=64K
F = mmap 64K rw private file=f1
write F+4K 4K value=9
show pagemap F+0 16K
madvise F+0 64K dontneed
show pagemap F+0 16K
assert status RssAnon == 0
read F+4K 4K
show pagemap F+0 16K
assert content F+4K 4K == 1
