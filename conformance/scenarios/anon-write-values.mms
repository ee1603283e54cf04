# write value=N stores a 32-bit tag per page; a plain write stores the global
# counter (from 1, one per page, across processes). Reading back written pages.
A = mmap 64K rw private anon
write A+0 16K value=7
write A+16K 8K
write A+24K 8K value=4294967295
write A+32K 8K
show content A+0 40K
assert content A+0 16K == 7
assert content A+16K 4K == 1
assert content A+20K 4K == 2
assert content A+32K 4K == 3
assert content A+24K 8K == 4294967295
