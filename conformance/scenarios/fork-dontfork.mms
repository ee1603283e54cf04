# MADV_DONTFORK (dc): the VMA is not copied into the child; MADV_WIPEONFORK
# (wf): the child gets the VMA empty. The parent keeps its pages exclusive.
A = mmap 64K rw private anon
B = mmap 64K rw private anon
write A+0 16K
write B+0 16K
madvise A+0 64K dontfork
madvise B+0 64K wipeonfork
show smaps A
show smaps B
fork child
as child
show maps
show pagemap B+0 16K
show status
as main
show pagemap A+0 16K
show pagemap B+0 16K
