# smaps_rollup: the sums over the process's VMAs (Rss through Locked).
A = mmap 1M rw private anon
S = mmap 1M rw shared anon
write A+0 64K
write S+0 32K
fork child
show rollup
as child
read S+0 8K
show rollup
