# show ptdump is model only: the harness skips this scenario.
A = mmap 64K rw private anon
write A+0 4K
show ptdump
