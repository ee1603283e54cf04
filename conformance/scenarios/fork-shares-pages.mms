# fork shares private anonymous pages: cnt 2, no X, no anon-exclusive in both
# processes; smaps Shared_Dirty, Pss halved; the child's status counts them too.
A = mmap 1M rw private anon
write A+0 64K
fork child
show pagemap A+0 64K
show smaps A
as child
show pagemap A+0 64K
show status
