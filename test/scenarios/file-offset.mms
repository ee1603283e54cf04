# The maps offset field is vm_pgoff << 12 for mappings with a file behind
# them (fs/proc/task_mmu.c show_map_vma): a file mapped at an offset, each page
# holding its file page index; splitting it (munmap of the head, mprotect of
# the tail) gives each piece its own offset. Shared anonymous memory has a
# shmem file, so its pieces show offsets too.
file f1 size=256K
F = mmap 64K r private file=f1 off=64K
show maps
assert content F+0 4K == 16
assert content F+60K 4K == 31
munmap F+0 16K
mprotect F+32K 32K none
assert maps F count == 2
assert content F+16K 4K == 20
S = mmap 64K rw shared anon
mprotect S+16K 16K r
show maps
