# kernel-oracle §5: shmem pages after MADV_PAGEOUT: pagemap 0 (the PTE is cleared,
# no swap entry visible), scan WR, smaps still shows Swap.
set swap=on
S = mmap 64K rw shared anon
write S+0 32K
madvise S+0 32K pageout
show pagemap S+0 32K
show smaps S
