# kernel-oracle §4 hugetlb: UFFDIO_WRITEPROTECT at a 4K offset is EINVAL; WP of
# the whole range (WP_UNPOPULATED): populated pages P W X (scan PR HG),
# unpopulated ones only W (no S, no frame; scan SW HG).
set hugetlb.2M=4
H = mmap 4M rw private anon hugetlb=2M
write H+0 4K
uffd H+0 4M register wp wp_unpopulated
expect EINVAL uffd H+4K 4K wp
uffd H+0 4M wp
show pagemap H+0 4M
