# fork with a private file mapping: the child does not copy the file PTEs (the
# VMA has no anon_vma); COW pages (anon) are copied and shared.
file f1 size=256K
F = mmap 256K rw private file=f1
read F+0 4K
write F+64K 4K value=9
fork child
as child
show pagemap F+0 128K
show smaps F
as main
show pagemap F+0 128K
