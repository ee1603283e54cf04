# kernel-oracle §6, MAP_PRIVATE of an ext4 file: reading page 32 maps 32-47 as
# file pages; writing page 40 gives an anonymous COW page (`P X`, ANON, no F),
# and smaps shows Anonymous 4. The other pages keep their page-cache frames.
file f1 size=256K
F = mmap 256K rw private file=f1
read F+128K 4K
write F+160K 4K value=99
show pagemap F+128K 64K
assert pagemap F+160K 4K present exclusive !file kpf_anon kpf_anon_exclusive !is_file
assert pagemap F+164K 4K present file !kpf_anon is_file
assert content F+160K 4K == 99
assert content F+164K 4K == 41
show smaps F
assert status RssAnon == 4
assert status RssFile == 60
