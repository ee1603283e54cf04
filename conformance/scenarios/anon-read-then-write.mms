# kernel-oracle §1 "... then write page 5": page 5 becomes a private anonymous
# page (P X, scan PR WR), the others keep the zero page; Rss 4.
A = mmap 4M rw private anon
read A+0 4M
write A+20K 4K
show pagemap A+0 64K
show smaps A
show status
