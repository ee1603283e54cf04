# kernel-oracle §2: the parent writes page 5 of THP #1: the parent's PMD is split
# and page 5 gets a new 4K frame (X, MAPPEDTODISK, cnt 1); the other 511 pages
# stay the old folio (cnt 2, no X, no HG); the child still maps THP #1 with its
# PMD (HG), and no page of that PMD has X although page 5 has cnt 1 (for a PMD
# mapping bit 56 follows the head page's mapcount). Parent smaps: Private_Dirty 4
# (plus the COW page), Shared_Dirty 4092...
A = mmap 4M rw private anon
madvise A+0 4M hugepage
write A+0 4M
fork child
write A+20K 4K
show pagemap A+0 32K
show smaps A
as child
show pagemap A+0 32K
show smaps A
assert content A+20K 4K == 6
assert content main:A+20K 4K == 1025
