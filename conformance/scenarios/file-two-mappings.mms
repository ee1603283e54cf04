# Two mappings of the same file in one process share the page-cache pages: the
# same frames, cnt 2, Shared_Clean in both VMAs.
file f1 size=64K
F = mmap 64K r shared file=f1
G = mmap 64K r private file=f1
read F+0 4K
read G+0 4K
assert frame F+0 == G+0
show pagemap F+0 8K
show pagemap G+0 8K
show smaps F
show smaps G
