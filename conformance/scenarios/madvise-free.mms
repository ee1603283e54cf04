# kernel-oracle §2 MADV_FREE on private anonymous pages (no swap needed): the
# PTEs lose their dirty bit (Private_Clean); the folios lose SWAPBACKED (smaps
# LazyFree) when the per-CPU lazyfree batch of 31 folios is drained, so of 64
# pages 62 are lazyfree and the last 2 are still swap-backed (stable with the
# harness on one CPU; kernel-oracle §2 saw the same: one page short).
A = mmap 1M rw private anon
write A+0 1M
madvise A+0 256K free
show smaps A
show pagemap A+0 256K
