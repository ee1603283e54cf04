# PROT_NONE keeps the pages mapped: x86 pte_present() is true for a PROTNONE
# entry, so pagemap still shows `P X` and PAGEMAP_SCAN `PR WR`, smaps still
# counts them; any access raises SIGSEGV; mprotect back to RW gives the same
# frames and contents.
A = mmap 64K rw private anon
write A+0 8K value=3
mprotect A+0 64K none
show pagemap A+0 16K
expect SIGSEGV read A+0 4K
expect SIGSEGV write A+4K 4K
assert smaps A+0 Rss == 8
show maps
mprotect A+0 64K rw
write A+4K 4K value=4
show pagemap A+0 16K
show content A+0 8K
