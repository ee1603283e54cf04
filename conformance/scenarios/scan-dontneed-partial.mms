# kernel-oracle §7.1: a DONTNEED of part of a 2 MiB range, even of every
# populated page, leaves the PTE table (the range reads WR); a DONTNEED of the
# whole aligned 2 MiB frees it (CONFIG_PT_RECLAIM) and the range reads no
# category again; VmPTE follows.
A = mmap 4M rw private anon
write A+0 8K
write A+2M 8K
madvise A+0 8K dontneed
madvise A+2M 2M dontneed
show pagemap A+0 16K
show pagemap A+2M 16K
show status
