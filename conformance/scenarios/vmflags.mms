# VmFlags of the mapping kinds (show_smap_vma_flags, kernel bit order): private
# rw (ac), read-only, rx (ex), shared anon (sh ms), hugepage (hg), dontfork (dc),
# wipeonfork (wf), nohugepage (nh), noreserve (nr).
A = mmap 64K rw private anon
B = mmap 64K r private anon
C = mmap 64K rx private anon
S = mmap 64K rw shared anon
D = mmap 64K rw private anon noreserve
madvise A+0 16K dontfork
madvise A+16K 16K wipeonfork
madvise A+32K 16K nohugepage
madvise A+48K 16K hugepage
show smaps A
show smaps B
show smaps C
show smaps S
show smaps D
