# per-size mTHP: with hugepages-64kB enabled=always, anonymous write faults
# allocate 64 KiB folios (HEAD + 15 TAIL, THP), PTE-mapped: scan has no HG,
# smaps AnonHugePages stays 0, THPeligible 1.
set mthp.64K=always
A = mmap 1M rw private anon
write A+0 4K
write A+128K 4K
show pagemap A+0 256K
show smaps A
