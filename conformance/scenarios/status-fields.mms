# /proc/PID/status: RssAnon counts private anonymous pages, RssShmem shared
# anonymous ones, RssFile page-cache pages (a 64 KiB fault-around window). VmPTE
# is mm_pgtables_bytes: three regions 1 GiB apart: 1 PUD + 3 PMD + 3 PTE tables
# = 28 kB; munmap of the first region frees its PTE and PMD tables
# (free_pgtables), not the PUD table shared with the rest.
A = mmap 64K rw private anon
S = mmap 64K rw shared anon
file f1 size=64K
F = mmap 64K r private file=f1
write A+0 16K
write S+0 8K
read F+0 4K
show status
munmap A+0 64K
show status
