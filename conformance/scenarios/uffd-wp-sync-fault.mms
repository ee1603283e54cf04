# userfaultfd sync write-protect: a write to a write-protected page is delivered
# to the handler (printed after the statement as `uffd: wp fault at ...`), which
# un-protects the page; the write then lands in the same frame.
A = mmap 64K rw private anon
write A+0 8K
uffd A+0 64K register wp
uffd A+0 8K wp
write A+4K 4K value=5
show pagemap A+0 8K
show content A+0 8K
