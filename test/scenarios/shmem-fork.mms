# kernel-oracle §6, shared anonymous memory and fork: written pages are
# `P F X`, Private_Dirty. The child maps nothing until it faults (shared VMAs
# are not copied); once it has read the pages: cnt 2, no X, Shared_Dirty, in
# both processes, and both see the same frames and values.
S = mmap 64K rw shared anon
write S+0 8K value=4
show pagemap S+0 8K
show smaps S
fork child
as child
show pagemap S+0 16K
read S+0 8K
assert frame S+0 == main:S+0
assert content S+4K 4K == 4
show pagemap S+0 16K
show smaps S
as main
show pagemap S+0 8K
show smaps S
