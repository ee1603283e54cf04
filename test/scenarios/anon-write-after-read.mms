# kernel-oracle §1 "... then write page 5": the written page becomes an
# exclusive anonymous page (`P X`, scan `PR WR`), the others stay on the zero
# page; Rss 4.
A = mmap 4M rw private anon
read A+0 4M
write A+20K 4K value=5
show pagemap A+0 32K
assert pagemap A+20K 4K present exclusive kpf_anon kpf_anon_exclusive !is_pfnzero
assert content A+20K 4K == 5
assert content A+16K 4K == 0
assert smaps A+0 Rss == 4
assert smaps A+0 Anonymous == 4
assert status RssAnon == 4
