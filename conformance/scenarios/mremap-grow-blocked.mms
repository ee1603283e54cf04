# kernel-oracle §2: growing returns ENOMEM when the space after the mapping is
# occupied; with maymove the mapping moves (the harness and the model move it to
# the next placement slot).
A = mmap 4M rw private anon
N = mmap 2M none private anon fixed=A+4M
write A+0 8K
expect ENOMEM mremap A+0 4M 6M
B = mremap A+0 4M 6M maymove
show maps
show pagemap B+0 8K
