# Three processes share the pages: Pss is accumulated in the kernel's fixed
# point (PSS_SHIFT 12) as 4096/3 per page, so 4 pages print as 5 kB. When one
# process unmaps and another exits, the last mapper sees cnt 1 and X again,
# without MAPPEDTODISK (nobody wrote), and Private_Dirty.
A = mmap 64K rw private anon
write A+0 16K
fork c1
fork c2
show smaps A
as c1
munmap A+0 64K
as c2
show pagemap A+0 16K
exit c2
as main
show pagemap A+0 16K
show smaps A
