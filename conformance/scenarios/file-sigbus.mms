# An access beyond the end of the file (inside the mapping) is SIGBUS; the
# pages before it are fine.
file f1 size=16K
F = mmap 64K rw shared file=f1
read F+0 16K
expect SIGBUS read F+16K 4K
expect SIGBUS write F+32K 4K
read F+20K 4K
show pagemap F+0 64K
show smaps F
