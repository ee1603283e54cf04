# kernel-oracle §6: after fork the child does not map anything until it faults
# (no PTE copy for shared VMAs). Once the child has read the pages: cnt 2, no X,
# Shared_Clean / Shared_Dirty; the child sees the parent's values; a child
# write is visible to the parent (the same page).
S = mmap 1M rw shared anon
write S+0 8K
read S+8K 8K
fork child
as child
show pagemap S+0 16K
read S+0 16K
show pagemap S+0 16K
show smaps S
write S+0 4K value=77
as main
assert content S+0 4K == 77
show smaps S
