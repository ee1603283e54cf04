# A tour of mmsim: private anonymous memory, the zero page, copy-on-write
# after fork, a file mapping with fault-around, a transparent huge page and a
# hugetlb page (both PMD leaves of the one walker), and the page tables.
arch x86_64
set hugetlb.2M=2

A = mmap 4M rw private anon
read A+0 16K                 # read faults map the shared zero page
write A+16K 16K              # write faults allocate exclusive anonymous pages
show pagemap A+0 64K

file f1 size=256K
F = mmap 256K r private file=f1 off=0
read F+0 4K                  # fault-around maps a 64K window of page-cache pages
show pagemap F+0 128K

fork child                   # the child shares the anonymous pages (no longer exclusive)
as child
write A+16K 4K value=42      # copy-on-write: the child gets a new frame
assert frame child:A+16K != main:A+16K
assert frame child:A+20K == main:A+20K
show pagemap A+16K 16K
as main
show pagemap A+16K 16K

T = mmap 4M rw private anon
madvise T+0 4M hugepage
write T+0 4K                 # a whole 2M THP, mapped by one PMD leaf
H = mmap 2M rw private anon hugetlb=2M
write H+0 4K                 # a 2M page from the hugetlb pool, also one PMD leaf
show pagemap T+0 8K
show pagemap H+0 8K

show maps
show smaps A
show status
exit child
show ptdump
