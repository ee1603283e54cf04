# kernel-oracle §6 ext4 file after POSIX_FADV_DONTNEED: a read fault maps a 64
# KiB fault-around window (pages 32-47 when reading page 34); readahead brings
# order-0 folios (MMAP MAPPEDTODISK, cnt 1); the other pages of the PTE table are
# pm 0, scan WR. Rss 64, Private_Clean.
file f1 size=256K
F = mmap 256K r private file=f1
read F+136K 4K
show pagemap F+0 256K
show smaps F
show content F+128K 16K
show status
