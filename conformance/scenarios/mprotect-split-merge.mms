# mprotect in the middle splits a VMA in three; mprotect back merges them; the
# pages keep their frames and stay writable (no fault on write: still the same
# frame, still anon-exclusive).
A = mmap 64K rw private anon
write A+0 64K
mprotect A+16K 16K r
show maps
show smaps A
mprotect A+16K 16K rw
show maps
write A+16K 4K value=1
show pagemap A+0 64K
