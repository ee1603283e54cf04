# Value tags: `write ... value=N` stores N, a plain `write` stores fresh values
# (1, 2, ... in order), untouched anonymous memory reads 0 (through the zero
# page), and an overwrite of an exclusive page keeps its frame.
A = mmap 1M rw private anon
write A+0 8K value=7
write A+8K 8K
write A+8K 4K value=9
show content A+0 24K
show pagemap A+0 24K
assert content A+0 8K == 7
assert content A+12K 4K == 2
