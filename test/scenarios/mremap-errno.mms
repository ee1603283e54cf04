# mremap(2) argument rules (mm/mremap.c check_mremap_params, check_prep_vma,
# resize_is_valid): unaligned address, zero new length, MREMAP_FIXED without
# MAYMOVE, overlapping source and target, DONTUNMAP with a resize: EINVAL; no
# VMA at the address, or an old range that runs past its VMA: EFAULT. A shrink
# in place unmaps the tail.
A = mmap 64K rw private anon
B = mmap 64K rw private anon
expect EINVAL mremap A+1 4K 4K
expect EINVAL mremap A+0 4K 0
expect EINVAL mremap A+0 64K 64K fixed=B+0
expect EINVAL mremap A+0 64K 64K maymove fixed=A+32K
expect EINVAL mremap A+0 64K 32K maymove dontunmap
expect EFAULT mremap A+1G 4K 8K
expect EFAULT mremap A+0 128K 256K maymove
mremap A+0 64K 16K
show maps
