# kernel-oracle §6 MAP_PRIVATE of an ext4 file: reading page 32 maps 32-47 as
# file pages; writing page 40 gives an anonymous COW page (P X, ANON, no F),
# smaps Anonymous 4.
file f1 size=256K
F = mmap 256K rw private file=f1
read F+128K 4K
write F+160K 4K value=99
show pagemap F+128K 64K
show smaps F
show content F+156K 12K
show status
