# cow.c: non-anonymous "R/O longterm GUP pin" ... with tmpfile: the R/O FOLL_LONGTERM
# pin of a page-cache page in a private (COW) mapping must unshare it into an anonymous copy
# (gup_must_unshare), so the later write through the page table is visible through the pin,
# and the shared mapping keeps the file's data.
file f size=4K
A = mmap 4K rw private file=f
S = mmap 4K r shared file=f
read A+0 4K
read S+0 4K
pin A+0 4K longterm as p
assert frame A+0 != S+0
assert pagemap A+0 4K present !file exclusive
show pins A+0 4K
write A+0 4K value=2
assert content A+0 4K == 2
assert content S+0 4K == 0
show pins A+0 4K
unpin p
show pins S+0 4K
