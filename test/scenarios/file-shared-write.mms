# kernel-oracle §6: in a MAP_SHARED file mapping a write fault maps only the
# page written (no fault-around), Private_Dirty. A later read fault-arounds the
# rest of the window. A second shared mapping of the file maps the same
# page-cache frames (cnt 2, no X) and sees the stored value.
file f1 size=256K
F = mmap 256K rw shared file=f1
write F+0 4K value=5
show pagemap F+0 64K
show smaps F
read F+4K 4K
G = mmap 64K r shared file=f1
read G+0 4K
assert frame G+0 == F+0
assert frame G+60K == F+60K
assert content G+0 4K == 5
assert content G+4K 4K == 1
show pagemap G+0 64K
show smaps F
