# kernel-oracle §6 MAP_SHARED|MAP_ANONYMOUS (shmem, shmem_enabled=never): a read
# fault allocates a page (no zero page): P F X, kpageflags MMAP SWAPBACKED (no
# ANON), scan PR WR FI; smaps Private_Clean while only this process maps them,
# no Anonymous; VmFlags rd wr sh mr mw me ms; maps /dev/zero (deleted).
S = mmap 1M rw shared anon
read S+0 16K
show pagemap S+0 32K
show smaps S
show maps
show status
