# Another architecture (arm64, 64K pages) is model only: the harness skips it.
arch arm64-64k
file f1 size=256K
F = mmap 256K r private file=f1
read F+0 4K
show pagemap F+0 256K
