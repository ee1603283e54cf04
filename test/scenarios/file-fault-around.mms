# kernel-oracle §6, ext4 file after POSIX_FADV_DONTNEED: a read fault maps a
# 64 KiB fault-around window (16 pages, aligned by virtual address: reading
# page 34 maps pages 32-47, as "reading page 32 maps 32-47" in the MAP_PRIVATE
# case); the other pages of the PTE table are pm 0, scan WR. Order-0 folios
# from readahead: MMAP MAPPEDTODISK, cnt 1. Rss 64, Private_Clean.
file f1 size=256K
F = mmap 256K r private file=f1
read F+136K 4K
show pagemap F+0 256K
show smaps F
show content F+128K 16K
assert status RssFile == 64
