# MAP_POPULATE on file mappings (mm/gup.c populate_vma_page_range): a private
# writable mapping is populated with FOLL_WRITE, which breaks COW on every page
# (anonymous copies holding the file's contents); a shared mapping is
# populated with read faults (page-cache pages, clean). Shared anonymous
# memory is populated with read faults too: shmem pages, Private_Clean.
file f1 size=64K
F = mmap 64K rw private file=f1 populate
show pagemap F+0 64K
assert content F+12K 4K == 3
G = mmap 64K rw shared file=f1 populate
show pagemap G+0 64K
S = mmap 64K rw shared anon populate
show pagemap S+0 64K
show smaps S
assert status RssAnon == 64
assert status RssFile == 64
assert status RssShmem == 64
