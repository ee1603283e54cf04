# Three processes map the same private anonymous pages: cnt 3, Pss = Rss/3
# (the kernel's fixed point truncation); after one child writes, its page is its
# own and the other two share the rest.
A = mmap 64K rw private anon
write A+0 64K
fork c1
fork c2
show smaps A
as c1
write A+0 4K
show smaps A
as c2
show pagemap A+0 8K
show smaps A
