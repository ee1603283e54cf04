# kernel-oracle §6: a write fault on a shared file mapping maps only the page
# written (no fault-around): Private_Dirty; the file keeps the value.
file f1 size=256K
F = mmap 256K rw shared file=f1
write F+8K 4K value=5
show pagemap F+0 64K
show smaps F
show content F+4K 12K
