# pfnmap mappings are model only (a driver's VM_PFNMAP region): the harness
# skips this scenario.
P = mmap 4M rw shared pfnmap
read P+0 4K
show pagemap P+0 8K
