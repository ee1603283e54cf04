# kernel-oracle §5 MADV_PAGEOUT of 4K anonymous pages with a swap file: pagemap
# S (frame swap, offsets masked), scan SW WR; smaps Swap = SwapPss = 32; VmSwap.
# A read fault brings a page back in the swap cache (SWAPCACHE). (Whether a write
# fault on a swapped page leaves it in the swap cache varied between runs: not
# shown.)
set swap=on
A = mmap 64K rw private anon
write A+0 32K
madvise A+0 32K pageout
show pagemap A+0 32K
show smaps A
show status
read A+0 4K
show pagemap A+0 8K
show content A+0 4K
