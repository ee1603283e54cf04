# kernel-oracle §6 MAP_SHARED file: reading page 0 maps pages 0-15 (fault-around),
# P F X; a shared mapping is Private_Clean while only one process maps it.
file f1 size=256K
F = mmap 256K rw shared file=f1
read F+0 4K
show pagemap F+0 128K
show smaps F
