# kernel-oracle §2: MADV_COLLAPSE also succeeds when only 10 of 512 pages are
# populated (max_ptes_none is ignored); the rest is zero-filled.
A = mmap 2M rw private anon
write A+0 40K
madvise A+0 2M collapse
show pagemap A+0 2M
show smaps A
show content A+36K 8K
