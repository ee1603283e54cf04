# MAP_POPULATE and MADV_POPULATE_*: a private writable mapping is populated
# with write faults (mm/gup.c populate_vma_page_range adds FOLL_WRITE when
# VM_WRITE and not VM_SHARED): exclusive anonymous pages; a read-only one with
# read faults: the zero page. MADV_POPULATE_READ maps the zero page,
# MADV_POPULATE_WRITE allocates anonymous pages.
A = mmap 64K rw private anon populate
show pagemap A+0 64K
B = mmap 64K r private anon populate
show pagemap B+0 64K
C = mmap 64K rw private anon
madvise C+0 16K populate_read
madvise C+16K 16K populate_write
show pagemap C+0 64K
assert status RssAnon == 80
