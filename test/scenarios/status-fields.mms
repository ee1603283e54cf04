# /proc/PID/status memory lines (fs/proc/task_mmu.c task_mem): RssAnon counts
# private anonymous pages, RssShmem shared anonymous ones, RssFile page-cache
# pages (here a 64 KiB fault-around window); zero pages count nowhere. VmPTE is
# mm_pgtables_bytes: the PUD, PMD and PTE tables (three regions 1 GiB apart:
# 1 PUD + 3 PMD + 3 PTE tables = 28 kB). munmap of the first region frees its
# PTE and PMD tables (free_pgtables), not the PUD table shared with the rest.
A = mmap 64K rw private anon
S = mmap 64K rw shared anon
file f1 size=64K
F = mmap 64K r private file=f1
write A+0 16K
read A+16K 16K
write S+0 8K
read F+0 4K
show status
assert status RssAnon == 16
assert status RssShmem == 8
assert status RssFile == 64
munmap A+0 64K
show status
