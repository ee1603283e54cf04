# kernel-oracle §2 (the VMA part, here on 4K pages): mprotect(PROT_READ) of one
# page splits the VMA into 3 (rw-p, r--p, rw-p); the r--p VMA keeps VM_ACCOUNT
# (mprotect_fixup never clears it); mprotect back to RW merges them back into
# one maps line. The pages are untouched by all this.
A = mmap 4M rw private anon
write A+0 4M
mprotect A+1M 4K r
assert maps A count == 3
show maps
show smaps A
mprotect A+1M 4K rw
assert maps A count == 1
show maps
assert pagemap A+0 4M present exclusive kpf_anon_exclusive
