# cow.c (tools/testing/selftests/mm/cow.c): "Basic COW after fork()" ... with a base page (MADV_NOHUGEPAGE).
# Expected: the child must still read the old data after the parent wrote (no leak from parent into child).
A = mmap 4K rw private anon
madvise A+0 4K nohugepage
write A+0 4K value=1
fork child
write A+0 4K value=2
assert content A+0 4K == 2
assert content child:A+0 4K == 1
assert frame A+0 != child:A+0
show pins A+0 4K
as child
show pins A+0 4K
