# cow.c: non-anonymous "Basic COW" ... with tmpfile (run_with_tmpfile; /tmp is ext4 on the
# reference machine): a private and a shared mapping of the same one-page file both map the
# page-cache page; a write through the private mapping copies it (do_wp_page -> wp_page_copy)
# and must not be visible through the shared one. Expected: "Other mapping not modified".
file f size=4K
A = mmap 4K rw private file=f
S = mmap 4K r shared file=f
read A+0 4K
read S+0 4K
assert frame A+0 == S+0
write A+0 4K value=2
assert content A+0 4K == 2
assert content S+0 4K == 0
assert frame A+0 != S+0
assert pagemap A+0 4K present !file exclusive
show pins A+0 4K
show pins S+0 4K
