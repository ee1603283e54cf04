# A tour of mmsim: private anonymous memory, the zero page, copy-on-write
# after fork, a file mapping with fault-around, and the page tables behind it.
arch x86_64

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

show maps
show smaps A
show status
exit child
show ptdump
