# A file mapping at an offset: maps prints the offset; page i of the mapping
# holds the file's page (off/4K + i).
file f1 size=1M
F = mmap 256K r shared file=f1 off=512K
read F+0 4K
show maps
show content F+0 8K
show pagemap F+0 64K
