# VMA merging compares vm_flags, VM_ACCOUNT included (mm/vma.c
# is_mergeable_vma). mprotect(PROT_WRITE) of part of a private read-only file
# mapping charges it (mprotect_fixup sets VM_ACCOUNT) and mprotect back to
# PROT_READ keeps the flag, so the two pieces stay separate VMAs. An anonymous
# MAP_FIXED mapping over the tail of a VMA replaces its pages and merges with
# what is left (a fresh VMA without anon_vma is mergeable).
file f1 size=64K
F = mmap 64K r private file=f1
mprotect F+0 16K rw
show maps
mprotect F+0 16K r
show maps
show smaps F
A = mmap 64K rw private anon
write A+0 64K
B = mmap 32K rw private anon fixed=A+32K
assert maps A count == 1
show maps
show pagemap A+0 32K
show pagemap B+0 32K
assert status RssAnon == 32
