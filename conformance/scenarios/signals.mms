# Accesses that fault: a read of PROT_NONE memory and a write to a read-only
# mapping are SIGSEGV (printed without expect), an access outside every mapping
# too; the run goes on.
A = mmap 64K none private anon
B = mmap 64K r private anon
C = mmap 64K rw private anon
read A+0 4K
write B+0 4K
expect SIGSEGV read A+4K 4K
expect SIGSEGV write B+4K 4K
expect SIGSEGV write C+64K 4K
write C+0 4K
show pagemap C+0 8K
