# Accesses that fault with a signal (arch/x86/mm/fault.c access_error and
# bad_area): nothing mapped -> SIGSEGV; a write to a read-only or r-x mapping
# -> SIGSEGV (reads work and map the zero page); beyond the end of a file ->
# SIGBUS. A failed access changes nothing.
A = mmap 64K r private anon
expect SIGSEGV write A+0 4K
expect SIGSEGV read A+64K 4K
X = mmap 64K rx private anon
expect SIGSEGV write X+0 4K
read X+0 4K
file f1 size=4K
F = mmap 8K r shared file=f1
expect SIGBUS read F+4K 4K
show pagemap A+0 8K
show pagemap X+0 8K
show maps
