# kernel-oracle §1 "... then write 1 byte in the first 2 MiB": that whole 2 MiB
# becomes a new THP; the second 2 MiB still maps the huge zero folio.
A = mmap 4M rw private anon
madvise A+0 4M hugepage
read A+0 4M
write A+4K 4K
show pagemap A+0 4M
show smaps A
