# kernel-oracle §6, MAP_SHARED|MAP_ANONYMOUS: a read fault allocates a page (no
# zero page): `P F X`, kpageflags SWAPBACKED MMAP without ANON, scan
# `PR WR FI`; smaps counts it as Private_Clean while only this process maps
# it, with no Anonymous line; VmFlags `rd wr sh mr mw me ms`.
S = mmap 64K rw shared anon
read S+0 8K
assert pagemap S+0 8K present file exclusive !kpf_anon kpf_swapbacked !kpf_zero is_file !is_pfnzero
show pagemap S+0 16K
show maps
show smaps S
assert status RssShmem == 8
assert status RssAnon == 0
