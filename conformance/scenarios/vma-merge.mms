# VMA merge rules: adjacent anonymous mappings with the same flags merge (into
# one maps line), different protections do not; munmap in the middle splits.
A = mmap 64K rw private anon
B = mmap 64K rw private anon fixed=A+64K
C = mmap 64K r private anon fixed=A+128K
show maps
mprotect C+0 64K rw
show maps
munmap A+32K 64K
show maps
