# MADV_DONTFORK (VmFlag `dc`): the child does not inherit the VMA.
# MADV_WIPEONFORK (`wf`): the child inherits the VMA empty (no anon_vma, no
# page table; kernel/fork.c dup_mmap), so it reads zeros. Neither VMA is shared
# with the child, so the parent's pages stay exclusive.
A = mmap 64K rw private anon
B = mmap 64K rw private anon
write A+0 8K
write B+0 8K value=7
madvise A+0 64K dontfork
madvise B+0 64K wipeonfork
fork child
as child
show maps
show pagemap B+0 16K
assert content B+0 8K == 0
show smaps B
as main
show smaps A
assert pagemap A+0 8K present exclusive kpf_anon_exclusive
assert pagemap B+0 8K present exclusive kpf_anon_exclusive
assert content B+0 8K == 7
