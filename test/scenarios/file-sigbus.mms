# A file mapping longer than the file: an access to a page beyond EOF raises
# SIGBUS (filemap_fault: index >= max_idx), a write to a private mapping too
# (do_cow_fault reads the page first); fault-around stops at EOF
# (filemap_map_pages clamps end_pgoff to the last page of the file).
file f1 size=8K
F = mmap 16K rw private file=f1
read F+0 4K
show pagemap F+0 16K
expect SIGBUS read F+8K 4K
expect SIGBUS write F+12K 4K
show content F+0 8K
show maps
