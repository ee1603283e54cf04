# mremap_test.c "4MB mremap - Source PMD-aligned, Destination PMD-aligned" of
# 4K pages: the page-table moves whole PTE tables; data and frames follow.
A = mmap 4M rw private anon
write A+0 4M
show pagemap A+0 8K
B = mremap A+0 4M 4M maymove
show maps
show pagemap B+0 8K
show content B+4088K 8K
show status
