# mprotect PROT_NONE keeps the pages (still present in pagemap, same frames);
# access is SIGSEGV; mprotect back makes them readable again.
A = mmap 64K rw private anon
write A+0 16K
mprotect A+0 64K none
show pagemap A+0 16K
expect SIGSEGV read A+0 4K
mprotect A+0 64K r
show content A+0 16K
show smaps A
