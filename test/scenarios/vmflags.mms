# smaps VmFlags (fs/proc/task_mmu.c show_smap_vma_flags, kernel bit order):
# private writable anon is accounted (`ac`, kernel-oracle §1 `rd wr mr mw me
# ac`); read-only, PROT_NONE and MAP_NORESERVE (`nr`, overcommit heuristic)
# mappings are not; shared anonymous memory is `rd wr sh mr mw me ms`
# (kernel-oracle §6).
A = mmap 64K rw private anon
R = mmap 64K r private anon
N = mmap 64K none private anon
X = mmap 64K rx private anon
S = mmap 64K rw shared anon
U = mmap 64K rw private anon noreserve
show maps
show smaps R
show smaps N
show smaps X
show smaps S
show smaps U
