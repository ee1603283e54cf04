# show pagemap/content with a PROC: prefix look at that process (the header
# says which process ran the statement).
A = mmap 64K rw private anon
write A+0 8K
fork child
as child
write A+0 4K value=9
as main
show pagemap child:A+0 8K
show content child:A+0 8K
show smaps child:A
