# kernel-oracle §2: MADV_COLLAPSE in a VMA with MADV_NOHUGEPAGE is EINVAL.
A = mmap 2M rw private anon
madvise A+0 2M nohugepage
write A+0 2M
expect EINVAL madvise A+0 2M collapse
show smaps A
