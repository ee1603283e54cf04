# kernel-oracle §2 fork rules, for 4K pages: just after fork, in both
# processes, X is gone and cnt is 2 on every page, MAPPEDTODISK
# (anon-exclusive) is gone; smaps Shared_Dirty = Rss and Pss = Rss/2.
A = mmap 4M rw private anon
write A+0 16K
fork child
assert pagemap A+0 16K present !exclusive kpf_anon !kpf_anon_exclusive
assert frame A+0 == child:A+0
assert frame A+12K == child:A+12K
show pagemap A+0 16K
show smaps A
as child
assert pagemap A+0 16K present !exclusive kpf_anon !kpf_anon_exclusive
show pagemap A+0 16K
show smaps A
