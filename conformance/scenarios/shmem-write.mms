# kernel-oracle §6: a written shmem page is Private_Dirty; RssShmem counts it;
# the value is read back.
S = mmap 1M rw shared anon
write S+0 16K
show pagemap S+0 32K
show smaps S
show status
show content S+0 20K
