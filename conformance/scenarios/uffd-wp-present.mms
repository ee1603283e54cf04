# kernel-oracle §4: a present 4K page write-protected through userfaultfd:
# pagemap P W X, scan PR (WR cleared); the VMA shows VmFlag uw; un-protect clears
# W and gives WR back.
A = mmap 64K rw private anon
write A+0 16K
uffd A+0 64K register wp
uffd A+0 8K wp
show pagemap A+0 16K
show smaps A
uffd A+0 8K unwp
show pagemap A+0 16K
