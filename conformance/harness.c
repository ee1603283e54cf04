/*
 * mmsim conformance harness: runs a .mms scenario on the real kernel and prints
 * the canonical output of docs/output-format.md, byte for byte what the model
 * (src/scenario/run.ts) prints for the same state.
 *
 *   harness FILE.mms        exit 0 ok, 1 an assertion failed, 2 malformed scenario,
 *                           3 skipped (stderr starts with "skip: "), 4 not root
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -o harness harness.c   (libc only)
 *
 * Structure. The process that parses the scenario is the *controller*. It never
 * maps scenario memory. Every scenario process (`main`, and each `fork NAME`) is
 * a *worker*: a small command loop reached through a unix socket, which executes
 * the memory operations (mmap, munmap, mprotect, madvise, mremap, loads, stores,
 * fork, exit) in its own address space and reports the result. `main` is a fresh
 * exec of this binary (`--worker`), so its address space holds nothing of the
 * controller. All observations (maps, smaps, status, pagemap, PAGEMAP_SCAN,
 * kpageflags, kpagecount) are read by the controller from /proc/PID/... of the
 * worker, so reading never changes the worker. The controller keeps the region
 * table, the frame labels and the global value counter, exactly as the model's
 * runner does.
 *
 * The harness's own memory in a worker is made constant before the baseline is
 * taken: every VMA outside the scenario area is populated (written where it is
 * private and writable), the stack is pre-grown, and the worker never calls
 * malloc or stdio. A forked worker populates the VMAs that fork did not copy
 * (file text), so its footprint equals its parent's: `show status` prints the
 * difference from the baseline, and a child's baseline is its parent's.
 *
 * userfaultfd: the worker creates the uffd and registers; the fd is passed to
 * the controller, which write-protects and is the fault handler (events are
 * printed after the statement, as the model prints them). Pins: io_uring fixed
 * buffers, pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM), one ring per pin.
 *
 * System settings a scenario asks for (THP enabled, use_zero_page, per-size mTHP
 * enabled, shmem_enabled, hugetlb pool sizes, a swap file) are applied by the
 * controller, which saves every value it writes and restores it at the end, on
 * failure and on SIGINT/SIGTERM/SIGHUP/SIGQUIT (not on SIGKILL). A global flock
 * serialises harness runs on one machine, since the knobs are global.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <linux/io_uring.h>

/* ------------------------------------------------------------------ uapi the 6.1 headers lack */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages, category_inverted, category_mask,
      category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
enum {
  PAGE_IS_WPALLOWED = 1 << 0, PAGE_IS_WRITTEN = 1 << 1, PAGE_IS_FILE = 1 << 2, PAGE_IS_PRESENT = 1 << 3,
  PAGE_IS_SWAPPED = 1 << 4, PAGE_IS_PFNZERO = 1 << 5, PAGE_IS_HUGE = 1 << 6, PAGE_IS_SOFT_DIRTY = 1 << 7,
  PAGE_IS_GUARD = 1 << 8,
};

/* kpageflags bit numbers (include/uapi/linux/kernel-page-flags.h + kernel-hacking bit 34). */
enum {
  KPF_UPTODATE = 3, KPF_LRU = 5, KPF_SLAB = 7, KPF_BUDDY = 10, KPF_MMAP = 11, KPF_ANON = 12, KPF_SWAPCACHE = 13,
  KPF_SWAPBACKED = 14, KPF_HEAD = 15, KPF_TAIL = 16, KPF_HUGE = 17, KPF_THP = 22, KPF_ZERO = 24,
  KPF_MAPPEDTODISK = 34,
};
#define KB(b) (1ULL << (b))

/* ------------------------------------------------------------------ constants of the canonical output */

#define PAGE 4096ULL
#define GIB (1ULL << 30)
#define PLACEMENT_BASE (1ULL << 40)
/* The scenario area: everything the scenario maps lies here; the harness's own VMAs never do. */
#define AREA_START PLACEMENT_BASE
#define AREA_END (64ULL << 40)

/* Canonical flag bits (the model's src/views/pagemap.ts PM/SCAN/KPF). */
enum { PM_D = 1 << 0, PM_X = 1 << 1, PM_W = 1 << 2, PM_G = 1 << 3, PM_F = 1 << 6, PM_S = 1 << 7, PM_P = 1 << 8 };
enum {
  C_MMAP = 1 << 0, C_ANON = 1 << 1, C_SWAPCACHE = 1 << 2, C_SWAPBACKED = 1 << 3, C_HEAD = 1 << 4, C_TAIL = 1 << 5,
  C_HUGE = 1 << 6, C_THP = 1 << 7, C_ZERO = 1 << 8, C_MAPPEDTODISK = 1 << 9,
};
#define SCAN_NA (-1)

static const struct { int bit; const char *name; } PM_NAMES[] = {
    {PM_P, "P"}, {PM_S, "S"}, {PM_F, "F"}, {PM_G, "G"}, {PM_W, "W"}, {PM_X, "X"}, {PM_D, "D"}};
static const struct { int bit; const char *name; } SCAN_NAMES[] = {
    {PAGE_IS_WPALLOWED, "WA"}, {PAGE_IS_PRESENT, "PR"}, {PAGE_IS_WRITTEN, "WR"}, {PAGE_IS_HUGE, "HG"},
    {PAGE_IS_PFNZERO, "PZ"},   {PAGE_IS_SWAPPED, "SW"}, {PAGE_IS_FILE, "FI"},    {PAGE_IS_GUARD, "GD"},
    {PAGE_IS_SOFT_DIRTY, "SD"}};
static const struct { int bit; const char *name; } KPF_NAMES[] = {
    {C_THP, "THP"},       {C_HUGE, "HUGE"},          {C_HEAD, "HEAD"},           {C_TAIL, "TAIL"},
    {C_ZERO, "ZERO"},     {C_ANON, "ANON"},          {C_SWAPBACKED, "SWAPBACKED"}, {C_SWAPCACHE, "SWAPCACHE"},
    {C_MMAP, "MMAP"},     {C_MAPPEDTODISK, "MAPPEDTODISK"}};

/* ------------------------------------------------------------------ small utilities */

static const char *g_file = "?";     /* the scenario path, as given */
static int g_verbose;

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) { fprintf(stderr, "harness: out of memory\n"); exit(70); }
  return p;
}
static void *xcalloc(size_t n, size_t s) {
  void *p = calloc(n ? n : 1, s ? s : 1);
  if (!p) { fprintf(stderr, "harness: out of memory\n"); exit(70); }
  return p;
}
static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) { fprintf(stderr, "harness: out of memory\n"); exit(70); }
  return p;
}

/* A growable string. */
typedef struct { char *s; size_t n, cap; } Str;
static void str_putn(Str *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->s = xrealloc(b->s, b->cap);
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = 0;
}
static void str_puts(Str *b, const char *s) { str_putn(b, s, strlen(s)); }
__attribute__((format(printf, 2, 3))) static void str_printf(Str *b, const char *fmt, ...) {
  char tmp[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < (int)sizeof tmp) { str_putn(b, tmp, (size_t)n); return; }
  char *big = xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  str_putn(b, big, (size_t)n);
  free(big);
}

static Str g_out;                    /* the canonical output, printed at the end */

/* `4K`, `2M`, `1028K`, `5`: the largest unit that divides exactly (src/scenario/size.ts). */
static void fmt_size(char *buf, size_t n, uint64_t bytes) {
  static const struct { char u; int sh; } units[] = {{'T', 40}, {'G', 30}, {'M', 20}, {'K', 10}};
  if (bytes == 0) { snprintf(buf, n, "0"); return; }
  for (int i = 0; i < 4; i++) {
    uint64_t scale = 1ULL << units[i].sh;
    if (bytes % scale == 0) { snprintf(buf, n, "%" PRIu64 "%c", bytes / scale, units[i].u); return; }
  }
  snprintf(buf, n, "%" PRIu64, bytes);
}

/* Size syntax: decimal with optional K/M/G/T, or 0x hex bytes. Returns 0 on error. */
static int parse_size(const char *t, uint64_t *out) {
  if (t[0] == '0' && t[1] == 'x') {
    if (!t[2]) return 0;
    uint64_t v = 0;
    for (const char *p = t + 2; *p; p++) {
      if (!isxdigit((unsigned char)*p)) return 0;
      if (v >> 52) return 0;
      v = v * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
    }
    if (v > (1ULL << 53) - 1) return 0;
    *out = v;
    return 1;
  }
  if (!isdigit((unsigned char)t[0])) return 0;
  uint64_t v = 0;
  const char *p = t;
  for (; isdigit((unsigned char)*p); p++) {
    if (v > ((1ULL << 53) - 1) / 10) return 0;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  int sh = 0;
  if (*p == 'K') sh = 10, p++;
  else if (*p == 'M') sh = 20, p++;
  else if (*p == 'G') sh = 30, p++;
  else if (*p == 'T') sh = 40, p++;
  if (*p) return 0;
  if (sh && v > (((1ULL << 53) - 1) >> sh)) return 0;
  v <<= sh;
  if (v > (1ULL << 53) - 1) return 0;
  *out = v;
  return 1;
}

static int parse_unsigned(const char *t, uint64_t *out) {
  if (t[0] == '0' && t[1] == 'x') return parse_size(t, out);
  if (!*t) return 0;
  for (const char *p = t; *p; p++) if (!isdigit((unsigned char)*p)) return 0;
  return parse_size(t, out);
}

static int is_name(const char *s) {
  if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
  for (const char *p = s + 1; *p; p++) if (!(isalnum((unsigned char)*p) || *p == '_')) return 0;
  return 1;
}

static int read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - 1 - n);
    if (r < 0) { if (errno == EINTR) continue; close(fd); return -1; }
    if (r == 0) break;
    n += (size_t)r;
    if (n == cap - 1) break;
  }
  close(fd);
  buf[n] = 0;
  return (int)n;
}

/* The whole of a (proc) file, malloc'd. */
static char *slurp(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = xmalloc(cap);
  for (;;) {
    if (n + 4096 > cap) b = xrealloc(b, cap *= 2);
    ssize_t r = read(fd, b + n, cap - n - 1);
    if (r < 0) { if (errno == EINTR) continue; free(b); close(fd); return NULL; }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  b[n] = 0;
  if (len) *len = n;
  return b;
}

static int write_str(const char *path, const char *v) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t r = write(fd, v, strlen(v));
  int e = errno;
  close(fd);
  errno = e;
  return r < 0 ? -1 : 0;
}

static const char *errno_name(int e) {
  const char *n = strerrorname_np(e);
  if (n) return n;
  static char buf[32];
  snprintf(buf, sizeof buf, "E%d", e);
  return buf;
}

/* ================================================================== the scenario language */

enum Kind {
  K_ARCH, K_SET, K_REQUIRES, K_FILE, K_MMAP, K_MUNMAP, K_MPROTECT, K_MADVISE, K_MREMAP, K_READ, K_WRITE, K_FORK,
  K_AS, K_EXIT, K_UFFD, K_PIN, K_UNPIN, K_MIGRATE, K_EXPECT, K_ASSERT, K_SHOW,
};
static const char *KIND_NAMES[] = {"arch",  "set",  "requires", "file", "mmap", "munmap", "mprotect",
                                   "madvise", "mremap", "read", "write", "fork", "as", "exit", "uffd",
                                   "pin", "unpin", "migrate", "expect", "assert", "show"};

enum { A_PAGEMAP, A_CONTENT, A_FRAME, A_STATUS, A_SMAPS, A_MAPS };
enum { V_MAPS, V_SMAPS, V_PAGEMAP, V_STATUS, V_CONTENT, V_PTDUMP, V_PINS, V_ROLLUP };
enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
static const char *CMP_NAMES[] = {"==", "!=", "<", "<=", ">", ">="};

static const char *ADVICES[] = {"hugepage", "nohugepage", "dontneed", "free", "pageout", "cold", "willneed",
                                "collapse", "populate_read", "populate_write", "remove", "guard_install",
                                "guard_remove", "dontfork", "dofork", "wipeonfork", NULL};
static const int ADVICE_VALUES[] = {MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTNEED, MADV_FREE, MADV_PAGEOUT,
                                    MADV_COLD, MADV_WILLNEED, MADV_COLLAPSE, MADV_POPULATE_READ,
                                    MADV_POPULATE_WRITE, MADV_REMOVE, MADV_GUARD_INSTALL, MADV_GUARD_REMOVE,
                                    MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK};
static const char *PROTS[] = {"none", "r", "w", "x", "rw", "rx", "wx", "rwx", NULL};
static const int PROT_VALUES[] = {PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_WRITE,
                                  PROT_READ | PROT_EXEC, PROT_WRITE | PROT_EXEC,
                                  PROT_READ | PROT_WRITE | PROT_EXEC};
static const char *MMAP_XFLAGS[] = {"noreserve", "locked", "growsdown", "stack", "nonblock", "sync", "droppable", NULL};
static const int MMAP_XFLAG_VALUES[] = {MAP_NORESERVE, MAP_LOCKED, MAP_GROWSDOWN, MAP_STACK, MAP_NONBLOCK, MAP_SYNC,
                                        MAP_DROPPABLE};
static const char *ERRNOS[] = {"EINVAL", "ENOMEM", "EFAULT", "EPERM",     "EACCES", "EEXIST", "EAGAIN",
                               "EBUSY",  "ENOENT", "ENOSPC", "EOVERFLOW", "ENODEV", "ESRCH",  "EBADF", NULL};
static const int ERRNO_VALUES[] = {EINVAL, ENOMEM, EFAULT, EPERM, EACCES, EEXIST, EAGAIN,
                                   EBUSY,  ENOENT, ENOSPC, EOVERFLOW, ENODEV, ESRCH, EBADF};
static const char *PAGE_FLAGS[] = {"present", "swapped", "file", "exclusive", "uffd_wp", "guard", "soft_dirty",
                                   "kpf_thp", "kpf_huge", "kpf_head", "kpf_tail", "kpf_zero", "kpf_anon",
                                   "kpf_swapbacked", "kpf_swapcache", "kpf_mmap", "kpf_anon_exclusive",
                                   "is_present", "is_written", "is_huge", "is_pfnzero", "is_swapped", "is_file",
                                   "is_wpallowed", "is_guard", NULL};
static const char *STATUS_FIELDS[] = {"VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile",
                                      "RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap",
                                      "HugetlbPages", NULL};
/* What `show status` prints, in this order. */
static const char *SHOW_STATUS[] = {"RssAnon", "RssFile", "RssShmem", "VmPTE", "VmSwap", "HugetlbPages"};
#define NSTATUS 16
/* The smaps fields the model knows, in kernel order (src/views/smaps.ts SMAPS_FIELDS). */
static const char *SMAPS_FIELDS[] = {"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
                                     "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
                                     "Referenced", "Anonymous", "KSM", "LazyFree", "AnonHugePages",
                                     "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
                                     "Swap", "SwapPss", "Locked", NULL};
#define NSMAPS 22
enum { SM_SIZE = 0, SM_KPS = 1, SM_MMUPS = 2, SM_RSS = 3, SM_PSS = 4, SM_PSS_DIRTY = 5, SM_REFERENCED = 10 };
/* Fields `assert smaps` accepts (ast.ts SMAPS_FIELDS): the numeric ones plus THPeligible, ProtectionKey. */
#define SMAPS_THPELIGIBLE 100
#define SMAPS_PKEY 101

static int lookup(const char *const *list, const char *s) {
  for (int i = 0; list[i]; i++) if (!strcmp(list[i], s)) return i;
  return -1;
}

typedef struct {
  int proc;       /* process index, -1 when not written */
  int region;     /* region index */
  uint64_t off;
  int line, col;
} Addr;

typedef struct Stmt Stmt;
struct Stmt {
  int kind, line, col;
  int name;            /* region defined (mmap/mremap), -1 */
  Addr a, b;           /* address; fixed= / right-hand address */
  int has_b;
  uint64_t len, len2;
  int prot, shared, backing /* 0 anon 1 file 2 pfnmap */, file, populate;
  uint64_t off, huge;
  unsigned xflags;     /* MMAP_XFLAGS bitmap */
  int maymove, dontunmap;
  int has_value;
  uint32_t value;
  int proc;            /* fork/as/exit */
  int advice;
  int uffd_op;         /* 0 register, 1 wp, 2 unwp */
  unsigned uffd_modes; /* 1 wp, 2 missing, 4 minor */
  unsigned uffd_flags; /* 1 wp_unpopulated, 2 async, 4 event_fork */
  int pin_write, pin_longterm, pin_fast, pin;
  int expect_errno;    /* >0 errno, <0 -signal */
  Stmt *inner;
  int what;            /* assert / show sub-kind */
  int nflags;
  int flags[32], neg[32];
  int cmp;
  uint64_t cmpval;
  int field;
  int next;
  /* set */
  char key[160], val[160];
  /* requires */
  char *features[16];
  int nfeatures;
};

#define MAXNAMES 512
typedef struct { char *names[MAXNAMES]; int n; } Names;
static Names g_regions, g_procs, g_files, g_pins;

static int name_index(Names *t, const char *s) {
  for (int i = 0; i < t->n; i++) if (!strcmp(t->names[i], s)) return i;
  return -1;
}
static int name_add(Names *t, const char *s) {
  int i = name_index(t, s);
  if (i >= 0) return i;
  if (t->n == MAXNAMES) { fprintf(stderr, "harness: too many names\n"); exit(2); }
  t->names[t->n] = strdup(s);
  return t->n++;
}

/* ------------------------------------------------------------------ lexer */

typedef struct { int op; char text[160]; int col; } Tok;
#define MAXTOK 64
static int g_line;

__attribute__((noreturn, format(printf, 2, 3))) static void perr(int col, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d:%d: ", g_file, g_line, col);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

static int is_word_char(int c) { return isalnum(c) || c == '_' || c == '.' || c == ':' || c == '+' || c == '-'; }

static int lex(const char *s, Tok *toks, int *endcol) {
  int n = 0, i = 0, len = (int)strlen(s);
  while (i < len) {
    int c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\r') { i++; continue; }
    if (c == '#') break;
    if (n == MAXTOK) perr(i + 1, "too many tokens");
    int start = i;
    Tok *t = &toks[n];
    if (c == '=' || c == '<' || c == '>' || (c == '!' && s[i + 1] == '=')) {
      i += s[i + 1] == '=' ? 2 : 1;
      t->op = 1;
    } else {
      if (c == '!') {
        if (i + 1 >= len || !is_word_char((unsigned char)s[i + 1])) perr(start + 1, "'!' must be followed by a flag name");
        i++;
      } else if (!is_word_char(c)) {
        perr(start + 1, "unexpected character '%c'", c);
      }
      while (i < len && is_word_char((unsigned char)s[i])) i++;
      t->op = 0;
    }
    int l = i - start;
    if (l >= (int)sizeof t->text) perr(start + 1, "token too long");
    memcpy(t->text, s + start, (size_t)l);
    t->text[l] = 0;
    t->col = start + 1;
    n++;
  }
  *endcol = n ? toks[n - 1].col + (int)strlen(toks[n - 1].text) : 1;
  return n;
}

/* ------------------------------------------------------------------ parser */

typedef struct { Tok *t; int n, i, endcol; } Line;

static Tok *peek(Line *l) { return l->i < l->n ? &l->t[l->i] : NULL; }
static Tok *word(Line *l, const char *what) {
  if (l->i >= l->n) perr(l->endcol, "missing %s", what);
  Tok *t = &l->t[l->i++];
  if (t->op) perr(t->col, "expected %s, found '%s'", what, t->text);
  return t;
}
/* key or key=value */
static Tok *option(Line *l, Tok **value) {
  Tok *k = word(l, "option");
  *value = NULL;
  Tok *e = peek(l);
  if (e && e->op && !strcmp(e->text, "=")) {
    l->i++;
    *value = word(l, "value");
  }
  return k;
}

static uint64_t size_tok(Tok *t) {
  uint64_t v;
  if (!parse_size(t->text, &v)) perr(t->col, "bad size '%s'", t->text);
  return v;
}

static Addr address_of(Tok *t, int allow_proc) {
  Addr a = {-1, -1, 0, g_line, t->col};
  char buf[160];
  snprintf(buf, sizeof buf, "%s", t->text);
  char *s = buf, *colon = strchr(s, ':');
  if (colon) {
    *colon = 0;
    if (!allow_proc) perr(t->col, "'%s:' is not allowed here: operations act in the current process (use 'as %s')", s, s);
    if (!is_name(s)) perr(t->col, "bad address '%s'", t->text);
    int p = name_index(&g_procs, s);
    if (p < 0) perr(t->col, "process '%s' is not defined", s);
    a.proc = p;
    s = colon + 1;
  }
  char *plus = strchr(s, '+');
  if (plus) *plus = 0;
  if (!is_name(s)) perr(t->col, "bad address '%s' (expected REGION, REGION+OFFSET or PROC:REGION+OFFSET)", t->text);
  int r = name_index(&g_regions, s);
  if (r < 0) perr(t->col, "region '%s' is not defined", s);
  a.region = r;
  if (plus) {
    if (!plus[1]) perr(t->col, "missing offset after '+'");
    if (!parse_size(plus + 1, &a.off)) perr(t->col, "bad size '%s'", plus + 1);
  }
  return a;
}

static int prot_tok(Line *l) {
  Tok *t = word(l, "protection");
  int p = lookup(PROTS, t->text);
  if (p < 0) perr(t->col, "bad protection '%s'", t->text);
  return p;
}

static void cmp_of(Line *l, Stmt *s, uint64_t max) {
  Tok *t = peek(l);
  if (!t) perr(l->endcol, "missing a comparison (==, !=, <, <=, >, >=)");
  l->i++;
  int op = -1;
  for (int i = 0; i < 6 && t->op; i++) if (!strcmp(CMP_NAMES[i], t->text)) op = i;
  if (op < 0) perr(t->col, "expected a comparison (==, !=, <, <=, >, >=), found '%s'", t->text);
  Tok *v = word(l, "number");
  if (!parse_unsigned(v->text, &s->cmpval) || s->cmpval > max) perr(v->col, "bad number '%s'", v->text);
  s->cmp = op;
}

static int page_flag(Tok *t, int *neg) {
  const char *n = t->text;
  *neg = 0;
  if (n[0] == '!') { *neg = 1; n++; }
  int f = lookup(PAGE_FLAGS, n);
  if (f < 0) perr(t->col, "unknown page flag '%s'", n);
  return f;
}

static int g_saw_op;
static int g_parse_current; /* the current process while parsing */
static char g_proc_alive[MAXNAMES];

static Stmt *statement(Line *l, int in_expect);

static Stmt *new_stmt(int kind, int col) {
  Stmt *s = xcalloc(1, sizeof *s);
  s->kind = kind;
  s->line = g_line;
  s->col = col;
  s->name = -1;
  s->file = -1;
  s->proc = -1;
  s->pin = -1;
  return s;
}

static void end_of(Line *l) {
  Tok *t = peek(l);
  if (t) perr(t->col, "unexpected '%s' after end of statement", t->text);
}

static Stmt *parse_mmap(Line *l, Stmt *s) {
  Tok *t = word(l, "length");
  s->len = size_tok(t);
  s->prot = prot_tok(l);
  int sharing = -1, backing = -1, have_off = 0;
  while (peek(l)) {
    Tok *v, *k = option(l, &v);
    if (!strcmp(k->text, "private") || !strcmp(k->text, "shared")) {
      if (sharing >= 0) perr(k->col, "'%s' conflicts", k->text);
      sharing = !strcmp(k->text, "shared");
    } else if (!strcmp(k->text, "anon") || !strcmp(k->text, "pfnmap")) {
      if (backing >= 0) perr(k->col, "'%s' conflicts", k->text);
      backing = !strcmp(k->text, "anon") ? 0 : 2;
    } else if (!strcmp(k->text, "file")) {
      if (backing >= 0) perr(k->col, "'%s' conflicts", k->text);
      if (!v) perr(k->col, "'file' needs a value, e.g. file=f1");
      backing = 1;
      s->file = name_index(&g_files, v->text);
      if (s->file < 0) perr(v->col, "file '%s' is not defined", v->text);
    } else if (!strcmp(k->text, "off")) {
      if (!v) perr(k->col, "'off' needs a value, e.g. off=0");
      s->off = size_tok(v);
      have_off = 1;
    } else if (!strcmp(k->text, "hugetlb")) {
      if (!v) perr(k->col, "'hugetlb' needs a value, e.g. hugetlb=2M");
      s->huge = size_tok(v);
    } else if (!strcmp(k->text, "fixed")) {
      if (!v) perr(k->col, "'fixed' needs a value, e.g. fixed=A+1M");
      s->b = address_of(v, 0);
      s->has_b = 1;
    } else if (!strcmp(k->text, "populate")) {
      s->populate = 1;
    } else {
      int f = lookup(MMAP_XFLAGS, k->text);
      if (f < 0) perr(k->col, "unknown mmap option '%s'", k->text);
      s->xflags |= 1u << f;
    }
  }
  if (sharing < 0) perr(l->endcol, "missing private or shared");
  if (backing < 0) perr(l->endcol, "missing backing (anon, file=NAME or pfnmap)");
  if (have_off && backing != 1) perr(l->endcol, "'off' needs file=NAME");
  s->shared = sharing;
  s->backing = backing;
  return s;
}

static Stmt *parse_mremap(Line *l, Stmt *s) {
  s->a = address_of(word(l, "address"), 0);
  s->len = size_tok(word(l, "old length"));
  s->len2 = size_tok(word(l, "new length"));
  while (peek(l)) {
    Tok *v, *k = option(l, &v);
    if (!strcmp(k->text, "maymove")) s->maymove = 1;
    else if (!strcmp(k->text, "dontunmap")) s->dontunmap = 1;
    else if (!strcmp(k->text, "fixed")) {
      if (!v) perr(k->col, "'fixed' needs a value, e.g. fixed=A+1M");
      s->b = address_of(v, 0);
      s->has_b = 1;
    } else perr(k->col, "unknown mremap option '%s'", k->text);
  }
  return s;
}

static Stmt *statement(Line *l, int in_expect) {
  Tok *first = word(l, "a statement");
  Tok *eq = peek(l);
  if (eq && eq->op && !strcmp(eq->text, "=")) {
    l->i++;
    Tok *kw = word(l, "'mmap' or 'mremap' after '='");
    if (strcmp(kw->text, "mmap") && strcmp(kw->text, "mremap"))
      perr(kw->col, "expected 'mmap' or 'mremap' after '=', found '%s'", kw->text);
    if (!is_name(first->text)) perr(first->col, "bad region name '%s'", first->text);
    if (name_index(&g_regions, first->text) >= 0) perr(first->col, "region '%s' is already defined", first->text);
    g_saw_op = 1;
    Stmt *s = new_stmt(!strcmp(kw->text, "mmap") ? K_MMAP : K_MREMAP, first->col);
    if (s->kind == K_MMAP) parse_mmap(l, s);
    else parse_mremap(l, s);
    if (!in_expect) s->name = name_add(&g_regions, first->text);
    return s;
  }
  int kind = lookup(KIND_NAMES, first->text);
  if (kind < 0) perr(first->col, "unknown statement '%s'", first->text);
  int header = kind == K_ARCH || kind == K_SET || kind == K_REQUIRES;
  if (header && g_saw_op) perr(first->col, "header statements (arch, set, requires) must come before the first operation");
  if (!header) g_saw_op = 1;
  if (in_expect && (header || kind == K_AS || kind == K_EXIT || kind == K_EXPECT || kind == K_ASSERT || kind == K_SHOW))
    perr(first->col, "'%s' cannot be expected to fail", first->text);
  Stmt *s = new_stmt(kind, first->col);
  switch (kind) {
  case K_ARCH: snprintf(s->val, sizeof s->val, "%s", word(l, "arch name")->text); break;
  case K_SET: {
    Tok *k = word(l, "setting");
    Tok *e = peek(l);
    if (!e || !e->op || strcmp(e->text, "=")) perr(k->col, "missing '=' after '%s'", k->text);
    l->i++;
    Tok *v = word(l, "value");
    snprintf(s->key, sizeof s->key, "%s", k->text);
    snprintf(s->val, sizeof s->val, "%s", v->text);
    break;
  }
  case K_REQUIRES:
    do {
      Tok *t = word(l, "feature name");
      if (s->nfeatures < 16) s->features[s->nfeatures++] = strdup(t->text);
    } while (peek(l));
    break;
  case K_FILE: {
    Tok *t = word(l, "file name");
    if (!is_name(t->text)) perr(t->col, "bad file name '%s'", t->text);
    if (name_index(&g_files, t->text) >= 0) perr(t->col, "file '%s' is already defined", t->text);
    Tok *v, *k = option(l, &v);
    if (strcmp(k->text, "size") || !v) perr(k->col, "expected size=SIZE");
    s->len = size_tok(v);
    if (!in_expect) s->file = name_add(&g_files, t->text);
    else s->file = -1;
    break;
  }
  case K_MMAP:
    if (!in_expect) perr(first->col, "mmap needs a region name: 'NAME = mmap ...'");
    parse_mmap(l, s);
    break;
  case K_MREMAP: parse_mremap(l, s); break;
  case K_MUNMAP:
  case K_READ:
  case K_MIGRATE:
    s->a = address_of(word(l, "address"), 0);
    s->len = size_tok(word(l, "length"));
    break;
  case K_MPROTECT:
    s->a = address_of(word(l, "address"), 0);
    s->len = size_tok(word(l, "length"));
    s->prot = prot_tok(l);
    break;
  case K_MADVISE: {
    s->a = address_of(word(l, "address"), 0);
    s->len = size_tok(word(l, "length"));
    Tok *t = word(l, "advice");
    s->advice = lookup(ADVICES, t->text);
    if (s->advice < 0) perr(t->col, "unknown advice '%s'", t->text);
    break;
  }
  case K_WRITE:
    s->a = address_of(word(l, "address"), 0);
    s->len = size_tok(word(l, "length"));
    if (peek(l)) {
      Tok *v, *k = option(l, &v);
      uint64_t x;
      if (strcmp(k->text, "value") || !v) perr(k->col, "unknown write option '%s' (expected value=N)", k->text);
      if (!parse_unsigned(v->text, &x) || x > 0xffffffffULL) perr(v->col, "bad value '%s' (expected a 32-bit unsigned value)", v->text);
      s->has_value = 1;
      s->value = (uint32_t)x;
    }
    break;
  case K_FORK: {
    Tok *t = word(l, "process name");
    if (!is_name(t->text)) perr(t->col, "bad process name '%s'", t->text);
    int p = name_index(&g_procs, t->text);
    if (p >= 0 && g_proc_alive[p]) perr(t->col, "process '%s' already exists", t->text);
    if (!g_proc_alive[g_parse_current]) perr(first->col, "the current process has exited (switch with 'as')");
    s->proc = name_add(&g_procs, t->text);
    if (!in_expect) g_proc_alive[s->proc] = 1;
    break;
  }
  case K_AS:
  case K_EXIT: {
    Tok *t = word(l, "process name");
    int p = name_index(&g_procs, t->text);
    if (p < 0) perr(t->col, "process '%s' is not defined", t->text);
    if (!g_proc_alive[p]) perr(t->col, "process '%s' has exited", t->text);
    s->proc = p;
    if (kind == K_AS) g_parse_current = p;
    else g_proc_alive[p] = 0;
    break;
  }
  case K_UFFD: {
    s->a = address_of(word(l, "address"), 0);
    s->len = size_tok(word(l, "length"));
    Tok *t = word(l, "uffd operation (register, wp or unwp)");
    if (!strcmp(t->text, "wp")) s->uffd_op = 1;
    else if (!strcmp(t->text, "unwp")) s->uffd_op = 2;
    else if (!strcmp(t->text, "register")) {
      s->uffd_op = 0;
      while (peek(l)) {
        Tok *w = word(l, "register mode or flag");
        if (!strcmp(w->text, "wp")) s->uffd_modes |= 1;
        else if (!strcmp(w->text, "missing")) s->uffd_modes |= 2;
        else if (!strcmp(w->text, "minor")) s->uffd_modes |= 4;
        else if (!strcmp(w->text, "wp_unpopulated")) s->uffd_flags |= 1;
        else if (!strcmp(w->text, "async")) s->uffd_flags |= 2;
        else if (!strcmp(w->text, "event_fork")) s->uffd_flags |= 4;
        else perr(w->col, "unknown uffd register mode or flag '%s'", w->text);
      }
    } else perr(t->col, "unknown uffd operation '%s' (expected register, wp or unwp)", t->text);
    break;
  }
  case K_PIN:
    s->a = address_of(word(l, "address"), 0);
    s->len = size_tok(word(l, "length"));
    while (peek(l)) {
      Tok *w = word(l, "pin flag");
      if (!strcmp(w->text, "as")) {
        Tok *n = word(l, "pin name");
        if (!is_name(n->text)) perr(n->col, "bad pin name '%s'", n->text);
        if (!in_expect) s->pin = name_add(&g_pins, n->text);
        break;
      }
      if (!strcmp(w->text, "write")) s->pin_write = 1;
      else if (!strcmp(w->text, "longterm")) s->pin_longterm = 1;
      else if (!strcmp(w->text, "fast")) s->pin_fast = 1;
      else perr(w->col, "unknown pin flag '%s' (expected write, longterm, fast or 'as NAME')", w->text);
    }
    break;
  case K_UNPIN: {
    Tok *t = word(l, "pin name");
    s->pin = name_index(&g_pins, t->text);
    if (s->pin < 0) perr(t->col, "pin '%s' is not defined", t->text);
    break;
  }
  case K_EXPECT: {
    Tok *t = word(l, "errno or signal");
    int e = lookup(ERRNOS, t->text);
    if (e >= 0) s->expect_errno = ERRNO_VALUES[e];
    else if (!strcmp(t->text, "SIGBUS")) s->expect_errno = -SIGBUS;
    else if (!strcmp(t->text, "SIGSEGV")) s->expect_errno = -SIGSEGV;
    else perr(t->col, "unknown errno '%s'", t->text);
    if (!peek(l)) perr(l->endcol, "missing statement after 'expect %s'", t->text);
    s->inner = statement(l, 1);
    break;
  }
  case K_ASSERT: {
    Tok *t = word(l, "assertion kind");
    static const char *AK[] = {"pagemap", "content", "frame", "status", "smaps", "maps", NULL};
    s->what = lookup(AK, t->text);
    if (s->what < 0) perr(t->col, "unknown assertion '%s'", t->text);
    switch (s->what) {
    case A_PAGEMAP:
      s->a = address_of(word(l, "address"), 1);
      s->len = size_tok(word(l, "length"));
      if (!peek(l)) perr(l->endcol, "missing page flags");
      while (peek(l)) {
        Tok *w = word(l, "page flag");
        if (s->nflags == 32) perr(w->col, "too many flags");
        s->flags[s->nflags] = page_flag(w, &s->neg[s->nflags]);
        s->nflags++;
      }
      break;
    case A_CONTENT:
      s->a = address_of(word(l, "address"), 1);
      s->len = size_tok(word(l, "length"));
      cmp_of(l, s, 0xffffffffULL);
      break;
    case A_FRAME: {
      s->a = address_of(word(l, "address"), 1);
      Tok *op = peek(l);
      if (!op) perr(l->endcol, "missing == or !=");
      l->i++;
      if (!op->op || (strcmp(op->text, "==") && strcmp(op->text, "!="))) perr(op->col, "frames can only be compared with == or !=, found '%s'", op->text);
      s->cmp = !strcmp(op->text, "==") ? CMP_EQ : CMP_NE;
      s->b = address_of(word(l, "address"), 1);
      if (peek(l)) {
        Tok *w = word(l, "'next'");
        if (strcmp(w->text, "next")) perr(w->col, "expected 'next' or end of statement, found '%s'", w->text);
        s->next = 1;
      }
      break;
    }
    case A_STATUS: {
      Tok *f = word(l, "status field");
      s->field = lookup(STATUS_FIELDS, f->text);
      if (s->field < 0) perr(f->col, "unknown status field '%s'", f->text);
      cmp_of(l, s, (1ULL << 53) - 1);
      break;
    }
    case A_SMAPS: {
      s->a = address_of(word(l, "address"), 1);
      Tok *f = word(l, "smaps field");
      if (!strcmp(f->text, "Referenced")) perr(f->col, "smaps field 'Referenced' is volatile and cannot be asserted");
      if (!strcmp(f->text, "THPeligible")) s->field = SMAPS_THPELIGIBLE;
      else if (!strcmp(f->text, "ProtectionKey")) s->field = SMAPS_PKEY;
      else {
        s->field = lookup(SMAPS_FIELDS, f->text);
        if (s->field < 0) perr(f->col, "unknown smaps field '%s'", f->text);
      }
      cmp_of(l, s, (1ULL << 53) - 1);
      break;
    }
    case A_MAPS: {
      Tok *r = word(l, "region");
      if (strchr(r->text, '+')) perr(r->col, "bad region '%s' (expected REGION or PROC:REGION)", r->text);
      s->a = address_of(r, 1);
      Tok *w = word(l, "'count'");
      if (strcmp(w->text, "count")) perr(w->col, "expected 'count', found '%s'", w->text);
      cmp_of(l, s, (1ULL << 53) - 1);
      break;
    }
    }
    break;
  }
  case K_SHOW: {
    Tok *t = word(l, "view");
    static const char *SV[] = {"maps", "smaps", "pagemap", "status", "content", "ptdump", "pins", "rollup", "smaps_rollup", NULL};
    int v = lookup(SV, t->text);
    if (v < 0) perr(t->col, "unknown view '%s'", t->text);
    if (v == 8) v = V_ROLLUP;
    s->what = v;
    if (v == V_SMAPS) {
      Tok *r = word(l, "region");
      if (strchr(r->text, '+')) perr(r->col, "bad region '%s' (expected REGION or PROC:REGION)", r->text);
      s->a = address_of(r, 1);
    } else if (v == V_PAGEMAP || v == V_CONTENT || v == V_PINS) {
      s->a = address_of(word(l, "address"), 1);
      s->len = size_tok(word(l, "length"));
    }
    break;
  }
  }
  if (!in_expect) end_of(l);
  return s;
}

static Stmt **g_stmts;
static int g_nstmts;

static void parse_text(char *text) {
  name_add(&g_procs, "main");
  g_proc_alive[0] = 1;
  g_parse_current = 0;
  int cap = 64;
  g_stmts = xmalloc(sizeof(Stmt *) * (size_t)cap);
  if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) text += 3;
  char *p = text;
  g_line = 0;
  while (*p) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    g_line++;
    Tok toks[MAXTOK];
    Line l = {toks, 0, 0, 0};
    l.n = lex(p, toks, &l.endcol);
    if (l.n) {
      int kind_current_ok = 1;
      /* statements that act in the current process need it alive */
      Tok *f = &toks[0];
      int k = lookup(KIND_NAMES, f->text);
      int names_region = l.n > 1 && toks[1].op && !strcmp(toks[1].text, "=");
      if ((names_region || (k >= 0 && k != K_ARCH && k != K_SET && k != K_REQUIRES && k != K_FILE && k != K_AS &&
                            k != K_EXIT && k != K_EXPECT)) && !g_proc_alive[g_parse_current])
        kind_current_ok = 0;
      if (!kind_current_ok) perr(f->col, "the current process '%s' has exited (switch with 'as')", g_procs.names[g_parse_current]);
      Stmt *s = statement(&l, 0);
      if (g_nstmts == cap) g_stmts = xrealloc(g_stmts, sizeof(Stmt *) * (size_t)(cap *= 2));
      g_stmts[g_nstmts++] = s;
    }
    if (!nl) break;
    p = nl + 1;
  }
}

/* ================================================================== the worker */

enum { W_MMAP = 1, W_MUNMAP, W_MPROTECT, W_MADVISE, W_MREMAP, W_READ, W_WRITE, W_CONTENT, W_FORK, W_EXIT,
       W_UFFD_REGISTER, W_PIN, W_UNPIN };

typedef struct {
  uint32_t op, pad;
  uint64_t a, b, c, d, e, f;
  char path[512];
} Cmd;

typedef struct {
  int32_t err;  /* 0 ok, > 0 errno, < 0 -signal */
  uint32_t pad;
  uint64_t ret; /* result address, pid, or pages attempted */
  uint64_t n;
} Rsp;

static int w_sock = 3;
static sigjmp_buf w_jb;
static volatile sig_atomic_t w_in_access;
static char w_maps[1 << 17];
#define CHUNK 4096
static uint32_t w_vals[CHUNK];

static void w_fault(int sig) {
  if (w_in_access) siglongjmp(w_jb, sig);
  signal(sig, SIG_DFL);
  raise(sig);
}

static int w_full_write(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t r = write(fd, p, n);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static int full_read(int fd, void *buf, size_t n) {
  char *p = buf;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    if (r == 0) return got ? -1 : 0;
    got += (size_t)r;
  }
  return 1;
}

static void w_reply(int32_t err, uint64_t ret, uint64_t n) {
  Rsp r = {err, 0, ret, n};
  if (w_full_write(w_sock, &r, sizeof r) < 0) _exit(0);
}

/*
 * Populate the harness's own VMAs (everything outside the scenario area), so
 * that its RSS and page tables are constant from now on. `write` also breaks
 * COW in private writable VMAs (the first worker); a forked worker only needs
 * to fault in what fork did not copy (file text without an anon_vma).
 */
static void w_populate_self(int write) {
  int n = read_file("/proc/self/maps", w_maps, sizeof w_maps);
  if (n <= 0) return;
  char *p = w_maps;
  while (*p) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    unsigned long s, e;
    char perms[8];
    if (sscanf(p, "%lx-%lx %7s", &s, &e, perms) == 3) {
      int area = s >= AREA_START && e <= AREA_END;
      if (!area && e <= 0x800000000000UL) {
        int adv = write && perms[1] == 'w' && perms[3] == 'p' ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
        if (perms[0] == 'r' || perms[1] == 'w') madvise((void *)s, e - s, adv);
      }
    }
    if (!nl) break;
    p = nl + 1;
  }
}

__attribute__((noinline)) static void w_grow_stack(void) {
  volatile char big[512 * 1024];
  for (size_t i = 0; i < sizeof big; i += 4096) big[i] = 1;
  big[sizeof big - 1] = 1;
}

static int w_send_fd(int sock, const void *buf, size_t n, int fd) {
  struct iovec iov = {(void *)buf, n};
  union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  memset(&u, 0, sizeof u);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.b;
  m.msg_controllen = sizeof u.b;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(sock, &m, 0) < 0 ? -1 : 0;
}

static int w_uffds[64];
static int w_nuffd;
static int w_rings[64]; /* io_uring instances holding a registered (pinned) buffer */
static int w_nring;

static void worker_loop(void) {
  for (;;) {
    Cmd c;
    int r = full_read(w_sock, &c, sizeof c);
    if (r <= 0) _exit(0);
    switch (c.op) {
    case W_MMAP: {
      int fd = -1;
      if (c.path[0]) {
        fd = open(c.path, O_RDWR | O_CLOEXEC);
        if (fd < 0) { w_reply(errno, 0, 0); break; }
      }
      void *p = mmap((void *)c.a, c.b, (int)c.c, (int)c.d, fd, (off_t)c.e);
      int e = errno;
      if (fd >= 0) close(fd);
      w_reply(p == MAP_FAILED ? e : 0, (uint64_t)p, 0);
      break;
    }
    case W_MUNMAP: w_reply(munmap((void *)c.a, c.b) ? errno : 0, 0, 0); break;
    case W_MPROTECT: w_reply(mprotect((void *)c.a, c.b, (int)c.c) ? errno : 0, 0, 0); break;
    case W_MADVISE: w_reply(madvise((void *)c.a, c.b, (int)c.c) ? errno : 0, 0, 0); break;
    case W_MREMAP: {
      void *p = mremap((void *)c.a, c.b, c.c, (int)c.d, (void *)c.e);
      w_reply(p == MAP_FAILED ? errno : 0, (uint64_t)p, 0);
      break;
    }
    case W_READ:
    case W_WRITE:
    case W_CONTENT: {
      volatile uint64_t i = 0;
      volatile uint32_t filled = 0;
      char *base = (char *)c.a;
      int sig = sigsetjmp(w_jb, 1);
      if (sig == 0) {
        w_in_access = 1;
        for (; i < c.b; i++) {
          volatile uint32_t *q = (volatile uint32_t *)(base + i * PAGE);
          if (c.op == W_WRITE) {
            *q = c.d ? (uint32_t)(c.c + i) : (uint32_t)c.c;
          } else {
            uint32_t v = *q;
            if (c.op == W_CONTENT) {
              w_vals[filled++] = v;
              if (filled == CHUNK) {
                w_in_access = 0;
                uint32_t cnt = filled;
                if (w_full_write(w_sock, &cnt, 4) || w_full_write(w_sock, w_vals, 4 * (size_t)cnt)) _exit(0);
                filled = 0;
                w_in_access = 1;
              }
            }
          }
        }
        w_in_access = 0;
      } else {
        w_in_access = 0;
      }
      if (c.op == W_CONTENT) {
        uint32_t cnt = filled;
        if (cnt && (w_full_write(w_sock, &cnt, 4) || w_full_write(w_sock, w_vals, 4 * (size_t)cnt))) _exit(0);
        cnt = 0xffffffffu;
        if (w_full_write(w_sock, &cnt, 4)) _exit(0);
      }
      /* pages attempted: on a fault the failing page counts (the model's counter does) */
      w_reply(sig ? -sig : 0, sig ? i + 1 : i, i);
      break;
    }
    case W_FORK: {
      int sv[2];
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) { w_reply(errno, 0, 0); break; }
      pid_t pid = fork();
      if (pid < 0) { int e = errno; close(sv[0]); close(sv[1]); w_reply(e, 0, 0); break; }
      if (pid == 0) {
        close(w_sock);
        close(sv[0]);
        w_sock = sv[1];
        for (int i = 0; i < w_nuffd; i++) close(w_uffds[i]);
        w_nuffd = 0;
        for (int i = 0; i < w_nring; i++) if (w_rings[i] >= 0) close(w_rings[i]);
        w_nring = 0;
        w_populate_self(0);
        w_reply(0, (uint64_t)getpid(), 0);
        break;
      }
      close(sv[1]);
      Rsp rs = {0, 0, (uint64_t)pid, 0};
      if (w_send_fd(w_sock, &rs, sizeof rs, sv[0])) _exit(0);
      close(sv[0]);
      break;
    }
    case W_EXIT: _exit(0);
    case W_UFFD_REGISTER: {
      /* c.a addr, c.b len, c.c register mode, c.d features; reply fd index; the fd goes to the controller */
      int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
      if (fd < 0) { w_reply(errno, 0, 0); break; }
      struct uffdio_api api = {.api = UFFD_API, .features = c.d};
      if (ioctl(fd, UFFDIO_API, &api)) { int e = errno; close(fd); w_reply(e, 0, 0); break; }
      struct uffdio_register reg = {.range = {c.a, c.b}, .mode = c.c};
      if (ioctl(fd, UFFDIO_REGISTER, &reg)) { int e = errno; close(fd); w_reply(e, 0, 0); break; }
      if (w_nuffd < 64) w_uffds[w_nuffd++] = fd;
      Rsp rs = {0, 0, (uint64_t)fd, 0};
      if (w_send_fd(w_sock, &rs, sizeof rs, fd)) _exit(0);
      break;
    }
    case W_PIN: {
      /* a long-term writable pin: an io_uring fixed buffer (pin_user_pages_fast FOLL_WRITE|FOLL_LONGTERM) */
      struct io_uring_params prm;
      memset(&prm, 0, sizeof prm);
      int fd = (int)syscall(__NR_io_uring_setup, 1, &prm);
      if (fd < 0) { w_reply(errno, 0, 0); break; }
      struct iovec iov = {(void *)c.a, c.b};
      if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
        int e = errno;
        close(fd);
        w_reply(e, 0, 0);
        break;
      }
      if (w_nring == 64) { close(fd); w_reply(ENOSPC, 0, 0); break; }
      w_rings[w_nring] = fd;
      w_reply(0, (uint64_t)w_nring++, 0);
      break;
    }
    case W_UNPIN: {
      int i = (int)c.a;
      if (i < 0 || i >= w_nring || w_rings[i] < 0) { w_reply(EINVAL, 0, 0); break; }
      int r = (int)syscall(__NR_io_uring_register, w_rings[i], IORING_UNREGISTER_BUFFERS, NULL, 0);
      int e = errno;
      close(w_rings[i]);
      w_rings[i] = -1;
      w_reply(r < 0 ? e : 0, 0, 0);
      break;
    }
    default: w_reply(EINVAL, 0, 0); break;
    }
  }
}

static void worker_main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = w_fault;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  signal(SIGCHLD, SIG_IGN); /* forked workers are reaped automatically */
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  memset(w_vals, 0, sizeof w_vals);
  w_grow_stack();
  w_populate_self(1);
  w_reply(0, (uint64_t)getpid(), 0);
  worker_loop();
}

/* ================================================================== the controller */

/* ------------------------------------------------------------------ saved settings, restored on any exit */

#define MAXKNOBS 64
static struct { char path[256]; char value[64]; } g_knobs[MAXKNOBS];
static int g_nknobs;
static char g_swapfile[512];
static int g_swap_on;
static char g_tmpdir[256];
static pid_t g_worker_pids[MAXNAMES];
static volatile sig_atomic_t g_restoring;

static void kill_workers(void) {
  for (int i = 0; i < MAXNAMES; i++) if (g_worker_pids[i] > 0) kill(g_worker_pids[i], SIGKILL);
}

/* Wait until every worker is gone (their memory back), reaping what is ours. */
static void reap_workers(void) {
  for (int tries = 0; tries < 400; tries++) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
    int alive = 0;
    for (int i = 0; i < MAXNAMES; i++) {
      if (g_worker_pids[i] <= 0) continue;
      if (kill(g_worker_pids[i], 0) == 0) {
        /* a zombie of ours is gone as far as memory goes */
        char p[64], st[512];
        snprintf(p, sizeof p, "/proc/%d/stat", (int)g_worker_pids[i]);
        if (read_file(p, st, sizeof st) > 0) {
          char *rp = strrchr(st, ')');
          if (rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X')) continue;
        }
        alive = 1;
      } else {
        g_worker_pids[i] = 0;
      }
    }
    if (!alive) return;
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

static void remove_tmpdir(void) {
  if (!g_tmpdir[0]) return;
  DIR *d = opendir(g_tmpdir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      char p[600];
      snprintf(p, sizeof p, "%s/%s", g_tmpdir, e->d_name);
      unlink(p);
    }
    closedir(d);
  }
  rmdir(g_tmpdir);
  g_tmpdir[0] = 0;
}

/* Async-signal-safe enough: open/write/swapoff/unlink/kill. */
static void restore_all(void) {
  if (g_restoring) return;
  g_restoring = 1;
  kill_workers();
  reap_workers();
  if (g_swap_on) {
    swapoff(g_swapfile);
    g_swap_on = 0;
  }
  if (g_swapfile[0]) unlink(g_swapfile);
  for (int i = g_nknobs - 1; i >= 0; i--) {
    int fd = open(g_knobs[i].path, O_WRONLY);
    if (fd >= 0) {
      if (write(fd, g_knobs[i].value, strlen(g_knobs[i].value)) < 0) {}
      close(fd);
    }
  }
  g_nknobs = 0;
  remove_tmpdir();
}

static void on_signal(int sig) {
  restore_all();
  signal(sig, SIG_DFL);
  raise(sig);
}

/* The selected word of "always [madvise] never", or the whole trimmed content. */
static int knob_read(const char *path, char *out, size_t n) {
  char buf[512];
  if (read_file(path, buf, sizeof buf) < 0) return -1;
  char *l = strchr(buf, '['), *r = l ? strchr(l, ']') : NULL;
  if (l && r) {
    *r = 0;
    snprintf(out, n, "%s", l + 1);
  } else {
    size_t k = strlen(buf);
    while (k && isspace((unsigned char)buf[k - 1])) buf[--k] = 0;
    snprintf(out, n, "%s", buf);
  }
  return 0;
}

/* Set a knob, remembering its first value; returns -1 if it cannot be set. */
static int knob_set(const char *path, const char *value) {
  char cur[64];
  if (knob_read(path, cur, sizeof cur)) return -1;
  if (!strcmp(cur, value)) return 0;
  int have = 0;
  for (int i = 0; i < g_nknobs; i++) if (!strcmp(g_knobs[i].path, path)) have = 1;
  if (!have) {
    if (g_nknobs == MAXKNOBS) return -1;
    /* record before writing, so a signal in between still restores */
    snprintf(g_knobs[g_nknobs].value, sizeof g_knobs[g_nknobs].value, "%s", cur);
    snprintf(g_knobs[g_nknobs].path, sizeof g_knobs[g_nknobs].path, "%s", path);
    g_nknobs++;
  }
  return write_str(path, value);
}

/* ------------------------------------------------------------------ skips */

__attribute__((noreturn, format(printf, 1, 2))) static void skip(const char *fmt, ...) {
  restore_all();
  va_list ap;
  fputs("skip: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(3);
}

__attribute__((noreturn, format(printf, 1, 2))) static void fatal(const char *fmt, ...) {
  restore_all();
  va_list ap;
  fputs("harness: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(70);
}

/* ------------------------------------------------------------------ processes */

typedef struct {
  pid_t pid;
  int sock;
  int alive;
  int direct; /* a child of the controller */
  long base[NSTATUS];
  int has_base;
} Proc;
static Proc g_proc[MAXNAMES];
static int g_cur;

static void send_cmd(int p, Cmd *c) {
  if (g_verbose) fprintf(stderr, "harness: -> %s op %u a=%#" PRIx64 " b=%#" PRIx64 " c=%#" PRIx64 " d=%#" PRIx64 "\n", g_procs.names[p], c->op, c->a, c->b, c->c, c->d);
  const char *b = (const char *)c;
  size_t n = sizeof *c;
  while (n) {
    ssize_t r = write(g_proc[p].sock, b, n);
    if (r < 0) { if (errno == EINTR) continue; fatal("worker %s is gone (%s)", g_procs.names[p], strerror(errno)); }
    b += r;
    n -= (size_t)r;
  }
}

static int recv_fd(int sock, Rsp *r) {
  struct iovec iov = {r, sizeof *r};
  union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.b;
  m.msg_controllen = sizeof u.b;
  ssize_t n;
  do n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | MSG_WAITALL); while (n < 0 && errno == EINTR);
  if (n != (ssize_t)sizeof *r) return -1;
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

/* Named pins: the process that holds it and its ring index in that worker. */
static struct { int proc, ring, live; } g_pin[MAXNAMES];

/* userfaultfd events of the current statement, printed after it (`uffd: wp fault at A+4K (main)`). */
static Str g_events;
static int g_forking = -1; /* the process being created by a fork in progress (for UFFD_EVENT_FORK) */

/* uffd fault service while waiting for a worker (see serve_uffd). */
typedef struct { int fd; int proc; unsigned mode; unsigned features; } Uffd;
static Uffd g_uffd[64];
static int g_nuffd;
static void serve_uffd(int i);

/* Wait until the worker's socket is readable, serving userfaultfd events meanwhile. */
static void wait_worker(int p) {
  for (;;) {
    struct pollfd fds[65];
    int n = 0;
    fds[n++] = (struct pollfd){g_proc[p].sock, POLLIN, 0};
    for (int i = 0; i < g_nuffd; i++) fds[n++] = (struct pollfd){g_uffd[i].fd, POLLIN, 0};
    int r = poll(fds, (nfds_t)n, 100000);
    if (r < 0) { if (errno == EINTR) continue; fatal("poll: %s", strerror(errno)); }
    if (r == 0) fatal("worker %s does not answer (100 s)", g_procs.names[p]);
    for (int i = 1; i < n; i++) if (fds[i].revents & POLLIN) serve_uffd(i - 1);
    if (fds[0].revents) return;
  }
}

static void recv_rsp(int p, Rsp *r) {
  wait_worker(p);
  int k = full_read(g_proc[p].sock, r, sizeof *r);
  if (k <= 0) fatal("worker %s died", g_procs.names[p]);
  if (g_verbose) fprintf(stderr, "harness: <- %s err %d ret %#" PRIx64 " n %" PRIu64 "\n", g_procs.names[p], r->err, r->ret, r->n);
}

static void read_status(int p, long *vals);

static int spawn_main(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) fatal("socketpair: %s", strerror(errno));
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) fatal("fork: %s", strerror(errno));
  if (pid == 0) {
    if (dup2(sv[1], 3) < 0) _exit(127);
    execl("/proc/self/exe", "harness", "--worker", (char *)NULL);
    _exit(127);
  }
  close(sv[1]);
  g_proc[0] = (Proc){pid, sv[0], 1, 1, {0}, 0};
  g_worker_pids[0] = pid;
  Rsp r;
  recv_rsp(0, &r);
  read_status(0, g_proc[0].base);
  g_proc[0].has_base = 1;
  return 0;
}

/* ------------------------------------------------------------------ regions (src/scenario/labels.ts RegionTable) */

typedef struct { int defined; uint64_t base, len; int order; } Region;
static Region g_reg[MAXNAMES];
static int g_reg_order;
static uint64_t g_highest;

static void region_define(int r, uint64_t base, uint64_t len) {
  g_reg[r].defined = 1;
  g_reg[r].base = base;
  g_reg[r].len = len;
  g_reg[r].order = ++g_reg_order;
  if (base + len > g_highest) g_highest = base + len;
}

static uint64_t next_slot(void) {
  if (g_highest == 0) return PLACEMENT_BASE;
  return (g_highest + GIB + GIB - 1) / GIB * GIB;
}

/*
 * `A+4K`: the region whose base is the greatest at or below the address (below
 * it for the exclusive end of a range); a later definition wins a tie.
 */
static const char *region_name_x(uint64_t addr, int is_end, char *buf, size_t n) {
  int best = -1;
  for (int i = 0; i < g_regions.n; i++) {
    if (!g_reg[i].defined || (is_end ? g_reg[i].base >= addr : g_reg[i].base > addr)) continue;
    if (best < 0 || g_reg[i].base > g_reg[best].base ||
        (g_reg[i].base == g_reg[best].base && g_reg[i].order > g_reg[best].order))
      best = i;
  }
  if (best < 0) {
    snprintf(buf, n, "0x%" PRIx64, addr);
    return buf;
  }
  char sz[32];
  fmt_size(sz, sizeof sz, addr - g_reg[best].base);
  snprintf(buf, n, "%s+%s", g_regions.names[best], sz);
  return buf;
}
static const char *region_name(uint64_t addr, char *buf, size_t n) { return region_name_x(addr, 0, buf, n); }

/* `PROC:REGION+OFF` as written (describeAddr). */
static const char *describe_addr(const Addr *a, char *buf, size_t n) {
  char sz[32];
  fmt_size(sz, sizeof sz, a->off);
  if (a->proc >= 0) snprintf(buf, n, "%s:%s+%s", g_procs.names[a->proc], g_regions.names[a->region], sz);
  else snprintf(buf, n, "%s+%s", g_regions.names[a->region], sz);
  return buf;
}

/* ------------------------------------------------------------------ frame labels */

typedef struct { uint64_t pfn; int label; int kind; /* 0 anon 1 hugetlb 2 other */ int live; } LabelEnt;
static LabelEnt *g_labels;
static int g_nlabels, g_caplabels, g_next_label = 1;

static int kpf_fd = -1, kpc_fd = -1;

static uint64_t kpf_one(uint64_t pfn) {
  uint64_t v = 0;
  if (pread(kpf_fd, &v, 8, (off_t)(pfn * 8)) != 8) return 0;
  return v;
}

static int label_find(uint64_t pfn) {
  for (int i = g_nlabels - 1; i >= 0; i--) if (g_labels[i].live && g_labels[i].pfn == pfn) return g_labels[i].label;
  return 0;
}

static int label_of(uint64_t head, uint64_t kpf) {
  int l = label_find(head);
  if (l) return l;
  if (g_nlabels == g_caplabels) {
    g_caplabels = g_caplabels ? g_caplabels * 2 : 256;
    g_labels = xrealloc(g_labels, sizeof *g_labels * (size_t)g_caplabels);
  }
  int kind = (kpf & KB(KPF_HUGE)) ? 1 : (kpf & KB(KPF_ANON)) ? 0 : 2;
  g_labels[g_nlabels++] = (LabelEnt){head, g_next_label, kind, 1};
  return g_next_label++;
}

/*
 * A folio that was freed loses its label, so that a new folio at the same pfn
 * gets a new one (the model labels allocations, not frames). Checked after
 * every statement that may free memory.
 */
static void labels_expire(void) {
  for (int i = 0; i < g_nlabels; i++) {
    LabelEnt *e = &g_labels[i];
    if (!e->live) continue;
    uint64_t f = kpf_one(e->pfn);
    int dead;
    if (e->kind == 0) dead = !(f & KB(KPF_ANON)) || !(f & (KB(KPF_MMAP) | KB(KPF_SWAPCACHE)));
    else if (e->kind == 1) dead = !(f & KB(KPF_MMAP));
    else dead = !(f & (KB(KPF_UPTODATE) | KB(KPF_MMAP) | KB(KPF_LRU) | KB(KPF_SWAPBACKED)));
    if (dead) e->live = 0;
  }
}

/* The head pfn of the large folio containing pfn (walks kpageflags back to the HEAD page). */
static uint64_t g_hcache_lo = 1, g_hcache_hi = 0, g_hcache_head;
static uint64_t find_head(uint64_t pfn) {
  if (pfn >= g_hcache_lo && pfn <= g_hcache_hi) return g_hcache_head;
  uint64_t buf[512];
  uint64_t p = pfn;
  for (;;) {
    uint64_t lo = p >= 511 ? p - 511 : 0;
    size_t n = (size_t)(p - lo + 1);
    ssize_t r = pread(kpf_fd, buf, n * 8, (off_t)(lo * 8));
    if (r != (ssize_t)(n * 8)) return pfn;
    for (size_t i = n; i-- > 0;) {
      uint64_t f = buf[i];
      if (f & KB(KPF_HEAD)) {
        g_hcache_head = lo + i;
        g_hcache_lo = g_hcache_head;
        g_hcache_hi = pfn;
        return g_hcache_head;
      }
      if (!(f & KB(KPF_TAIL))) return pfn;
    }
    if (lo == 0) return pfn;
    p = lo - 1;
  }
}

/* ------------------------------------------------------------------ page facts (src/scenario/pages.ts) */

enum { F_NONE, F_SMALL, F_LARGE, F_HZERO, F_ZERO, F_PFN, F_SWAP };
typedef struct {
  uint64_t addr;
  int pm, scan, kpf, cnt, kind, num;
  uint64_t sub, pfn;
} Page;

static int open_pagemap(int p) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/pagemap", (int)g_proc[p].pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fatal("open %s: %s", path, strerror(errno));
  return fd;
}

static int canon_kpf(uint64_t f) {
  int c = 0;
  if (f & KB(KPF_MMAP)) c |= C_MMAP;
  if (f & KB(KPF_ANON)) c |= C_ANON;
  if (f & KB(KPF_SWAPCACHE)) c |= C_SWAPCACHE;
  if (f & KB(KPF_SWAPBACKED)) c |= C_SWAPBACKED;
  if (f & KB(KPF_HEAD)) c |= C_HEAD;
  if (f & KB(KPF_TAIL)) c |= C_TAIL;
  if (f & KB(KPF_HUGE)) c |= C_HUGE;
  if (f & KB(KPF_THP)) c |= C_THP;
  if (f & KB(KPF_ZERO)) c |= C_ZERO;
  if (f & KB(KPF_MAPPEDTODISK)) c |= C_MAPPEDTODISK;
  return c;
}

/* Facts for the n pages at start in process p; labels are assigned when `assign` (shows), not for asserts. */
static Page *collect(int p, uint64_t start, uint64_t n, int assign) {
  Page *pg = xcalloc((size_t)n, sizeof *pg);
  uint64_t *pm = xmalloc((size_t)n * 8);
  int fd = open_pagemap(p);
  uint64_t vpn0 = start / PAGE;
  for (uint64_t got = 0; got < n;) {
    ssize_t r = pread(fd, pm + got, (size_t)(n - got) * 8, (off_t)((vpn0 + got) * 8));
    if (r <= 0) { memset(pm + got, 0, (size_t)(n - got) * 8); break; }
    got += (uint64_t)r / 8;
  }
  for (uint64_t i = 0; i < n; i++) pg[i].scan = SCAN_NA;
  /* PAGEMAP_SCAN: every page of every VMA, with its categories */
  size_t vlen = n < 65536 ? (size_t)n : 65536;
  struct page_region *vec = xmalloc(vlen * sizeof *vec);
  uint64_t s = vpn0 * PAGE, e = (vpn0 + n) * PAGE;
  while (s < e) {
    struct pm_scan_arg a = {.size = sizeof a, .start = s, .end = e, .vec = (uint64_t)(uintptr_t)vec, .vec_len = vlen,
                            .return_mask = 0x1ff};
    int r = ioctl(fd, PAGEMAP_SCAN, &a);
    if (r < 0) fatal("PAGEMAP_SCAN: %s", strerror(errno));
    for (int k = 0; k < r; k++)
      for (uint64_t v = vec[k].start; v < vec[k].end; v += PAGE) pg[(v - vpn0 * PAGE) / PAGE].scan = (int)vec[k].categories;
    if (a.walk_end <= s) break;
    s = a.walk_end;
  }
  free(vec);
  close(fd);
  for (uint64_t i = 0; i < n; i++) {
    Page *q = &pg[i];
    uint64_t ent = pm[i];
    q->addr = (vpn0 + i) * PAGE;
    int b = 0;
    if (ent & (1ULL << 63)) b |= PM_P;
    if (ent & (1ULL << 62)) b |= PM_S;
    if (ent & (1ULL << 61)) b |= PM_F;
    if (ent & (1ULL << 58)) b |= PM_G;
    if (ent & (1ULL << 57)) b |= PM_W;
    if (ent & (1ULL << 56)) b |= PM_X;
    if (ent & (1ULL << 55)) b |= PM_D;
    q->pm = b;
    q->kind = F_NONE;
    if (b & PM_P) {
      uint64_t pfn = ent & ((1ULL << 55) - 1);
      uint64_t f = kpf_one(pfn);
      uint64_t cnt = 0;
      if (pread(kpc_fd, &cnt, 8, (off_t)(pfn * 8)) != 8) cnt = 0;
      q->pfn = pfn;
      q->kpf = canon_kpf(f);
      q->cnt = (int)cnt;
      if ((f & KB(KPF_ZERO)) && !(f & KB(KPF_THP))) q->kind = F_ZERO;
      else if (f & (KB(KPF_HEAD) | KB(KPF_TAIL))) {
        uint64_t h = (f & KB(KPF_HEAD)) ? pfn : find_head(pfn);
        if (f & KB(KPF_HEAD)) { g_hcache_lo = g_hcache_hi = g_hcache_head = pfn; }
        else { if (pfn > g_hcache_hi && h == g_hcache_head) g_hcache_hi = pfn; }
        q->sub = pfn - h;
        if (f & KB(KPF_ZERO)) q->kind = F_HZERO;
        else {
          q->kind = F_LARGE;
          q->num = assign ? label_of(h, f) : label_find(h);
        }
      } else if (f & KB(KPF_ZERO)) {
        q->kind = F_ZERO;
      } else {
        q->kind = F_SMALL;
        q->num = assign ? label_of(pfn, f) : label_find(pfn);
      }
    } else if (b & PM_S) {
      q->kind = F_SWAP;
    }
  }
  free(pm);
  return pg;
}

static int page_mapped(const Page *p) { return p->kind != F_NONE && p->kind != F_SWAP; }

static void names_of(Str *b, int bits, int nt, const int *tb, const char *const *tn) {
  int any = 0;
  for (int i = 0; i < nt; i++) {
    if (!(bits & tb[i])) continue;
    if (any) str_puts(b, ",");
    str_puts(b, tn[i]);
    any = 1;
  }
  if (!any) str_puts(b, "-");
}

static void flags_text(Str *b, const Page *p) {
  int tb[10];
  const char *tn[10];
  int n = 0;
  for (size_t i = 0; i < sizeof PM_NAMES / sizeof PM_NAMES[0]; i++) tb[n] = PM_NAMES[i].bit, tn[n++] = PM_NAMES[i].name;
  str_puts(b, "pm:");
  names_of(b, p->pm, n, tb, tn);
  str_puts(b, " scan:");
  if (p->scan == SCAN_NA) str_puts(b, "n/a");
  else {
    n = 0;
    for (size_t i = 0; i < sizeof SCAN_NAMES / sizeof SCAN_NAMES[0]; i++) tb[n] = SCAN_NAMES[i].bit, tn[n++] = SCAN_NAMES[i].name;
    names_of(b, p->scan, n, tb, tn);
  }
  str_puts(b, " kpf:");
  if (page_mapped(p)) {
    n = 0;
    for (size_t i = 0; i < sizeof KPF_NAMES / sizeof KPF_NAMES[0]; i++) tb[n] = KPF_NAMES[i].bit, tn[n++] = KPF_NAMES[i].name;
    names_of(b, p->kpf, n, tb, tn);
    str_printf(b, " cnt:%d", p->cnt);
  } else {
    str_puts(b, "- cnt:-");
  }
}

static void frame_text(Str *b, const Page *p) {
  switch (p->kind) {
  case F_NONE: str_puts(b, "-"); break;
  case F_SMALL: if (p->num) str_printf(b, "#%d", p->num); else str_puts(b, "#?"); break;
  case F_LARGE: if (p->num) str_printf(b, "#%d+%" PRIu64, p->num, p->sub); else str_printf(b, "#?+%" PRIu64, p->sub); break;
  case F_HZERO: str_printf(b, "hzero+%" PRIu64, p->sub); break;
  case F_ZERO: str_puts(b, "zero"); break;
  case F_PFN: str_puts(b, "pfn"); break;
  case F_SWAP: str_puts(b, "swap"); break;
  }
}

static int same_flags(const Page *a, const Page *b) {
  if (a->pm != b->pm || a->scan != b->scan) return 0;
  if (page_mapped(a) != page_mapped(b)) return 0;
  if (page_mapped(a) && (a->kpf != b->kpf || a->cnt != b->cnt)) return 0;
  return 1;
}

static int continued_by(const Page *a, const Page *b) {
  if (a->kind != b->kind || !same_flags(a, b)) return 0;
  switch (a->kind) {
  case F_SMALL: return b->num == a->num + 1;
  case F_LARGE: return b->num == a->num && b->sub == a->sub + 1;
  case F_HZERO: return b->sub == a->sub + 1;
  default: return 1;
  }
}

static int ranges_frames(const Page *p) { return p->kind == F_SMALL || p->kind == F_LARGE || p->kind == F_HZERO; }

static void format_runs(Str *out, Page *pg, uint64_t n) {
  char nb[128];
  for (uint64_t i = 0; i < n;) {
    uint64_t j = i + 1;
    while (j < n && continued_by(&pg[j - 1], &pg[j])) j++;
    str_printf(out, "%s x%" PRIu64 " ", region_name(pg[i].addr, nb, sizeof nb), j - i);
    flags_text(out, &pg[i]);
    str_puts(out, " frame:");
    frame_text(out, &pg[i]);
    if (j - i > 1 && ranges_frames(&pg[i])) {
      str_puts(out, "..");
      frame_text(out, &pg[j - 1]);
    }
    str_puts(out, "\n");
    i = j;
  }
}

static int page_matches(const Page *p, int flag) {
  int sc = p->scan > 0 ? p->scan : 0;
  switch (flag) {
  case 0: return !!(p->pm & PM_P);
  case 1: return !!(p->pm & PM_S);
  case 2: return !!(p->pm & PM_F);
  case 3: return !!(p->pm & PM_X);
  case 4: return !!(p->pm & PM_W);
  case 5: return !!(p->pm & PM_G);
  case 6: return !!(p->pm & PM_D);
  case 7: return !!(p->kpf & C_THP);
  case 8: return !!(p->kpf & C_HUGE);
  case 9: return !!(p->kpf & C_HEAD);
  case 10: return !!(p->kpf & C_TAIL);
  case 11: return !!(p->kpf & C_ZERO);
  case 12: return !!(p->kpf & C_ANON);
  case 13: return !!(p->kpf & C_SWAPBACKED);
  case 14: return !!(p->kpf & C_SWAPCACHE);
  case 15: return !!(p->kpf & C_MMAP);
  case 16: return (p->kpf & C_ANON) && (p->kpf & C_MAPPEDTODISK);
  case 17: return !!(sc & PAGE_IS_PRESENT);
  case 18: return !!(sc & PAGE_IS_WRITTEN);
  case 19: return !!(sc & PAGE_IS_HUGE);
  case 20: return !!(sc & PAGE_IS_PFNZERO);
  case 21: return !!(sc & PAGE_IS_SWAPPED);
  case 22: return !!(sc & PAGE_IS_FILE);
  case 23: return !!(sc & PAGE_IS_WPALLOWED);
  case 24: return !!(sc & PAGE_IS_GUARD);
  }
  return 0;
}

/* ------------------------------------------------------------------ maps / smaps / status */

typedef struct {
  uint64_t start, end, off;
  char perms[8];
  char name[300];
  long f[NSMAPS];
  long thpeligible;
  long pkey;
  char vmflags[256];
} Vma;

static void canon_name(const char *raw, char *out, size_t n) {
  size_t tl = strlen(g_tmpdir);
  if (!raw[0]) snprintf(out, n, "anon");
  else if (!strcmp(raw, "/dev/zero (deleted)")) snprintf(out, n, "shmem");
  else if (!strcmp(raw, "/anon_hugepage (deleted)")) snprintf(out, n, "hugetlb");
  else if (tl && !strncmp(raw, g_tmpdir, tl) && raw[tl] == '/') snprintf(out, n, "file:%s", raw + tl + 1);
  else snprintf(out, n, "%s", raw);
}

/* The VMAs of process p in the scenario area; with smaps fields when `detail`. */
static Vma *read_vmas(int p, int detail, int *count) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)g_proc[p].pid, detail ? "smaps" : "maps");
  char *text = slurp(path, NULL);
  if (!text) fatal("read %s: %s", path, strerror(errno));
  int cap = 16, n = 0;
  Vma *v = xcalloc((size_t)cap, sizeof *v);
  Vma *cur = NULL;
  char *line = text;
  while (*line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    unsigned long s, e, off;
    char perms[8];
    int consumed = 0;
    if (sscanf(line, "%lx-%lx %7s %lx %*s %*s%n", &s, &e, perms, &off, &consumed) == 4 && consumed) {
      cur = NULL;
      if (s >= AREA_START && e <= AREA_END) {
        if (n == cap) v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
        cur = &v[n++];
        memset(cur, 0, sizeof *cur);
        cur->start = s;
        cur->end = e;
        cur->off = off;
        snprintf(cur->perms, sizeof cur->perms, "%s", perms);
        const char *nm = line + consumed;
        while (*nm == ' ') nm++;
        canon_name(nm, cur->name, sizeof cur->name);
      }
    } else if (cur) {
      char key[64];
      long val;
      if (!strncmp(line, "VmFlags:", 8)) {
        /* drop `sd` (the model never sets VM_SOFTDIRTY) and the trailing space */
        char *q = line + 8, *o = cur->vmflags;
        size_t room = sizeof cur->vmflags - 1;
        char tok[8];
        int k;
        while (sscanf(q, " %7s%n", tok, &k) == 1) {
          q += k;
          if (!strcmp(tok, "sd")) continue;
          size_t tl = strlen(tok) + (o != cur->vmflags);
          if (tl > room) break;
          if (o != cur->vmflags) *o++ = ' ';
          memcpy(o, tok, strlen(tok));
          o += strlen(tok);
          room -= tl;
        }
        *o = 0;
      } else if (sscanf(line, "%63[^:]: %ld", key, &val) == 2) {
        if (!strcmp(key, "THPeligible")) cur->thpeligible = val;
        else if (!strcmp(key, "ProtectionKey")) cur->pkey = val;
        else {
          int f = lookup(SMAPS_FIELDS, key);
          if (f >= 0) cur->f[f] = val;
        }
      }
    }
    if (!nl) break;
    line = nl + 1;
  }
  free(text);
  *count = n;
  return v;
}

static void maps_line(Str *b, const Vma *v) {
  char s1[128], s2[128];
  str_printf(b, "%s-%s %s %08" PRIx64 " %s\n", region_name(v->start, s1, sizeof s1), region_name_x(v->end, 1, s2, sizeof s2),
             v->perms, v->name[0] && strcmp(v->name, "anon") ? v->off : 0, v->name);
}

static void smaps_field_line(Str *b, const char *field, long kb) {
  char label[64];
  snprintf(label, sizeof label, "%s:", field);
  int ll = (int)strlen(label);
  if (ll >= 16) str_printf(b, "%s%*ld kB\n", label, 8 - (ll - 16), kb);
  else str_printf(b, "%-16s%8ld kB\n", label, kb);
}

static void smaps_lines(Str *b, const Vma *v) {
  maps_line(b, v);
  for (int f = 0; f < NSMAPS; f++) {
    if (f == SM_REFERENCED || f == SM_PSS_DIRTY) continue;
    if (v->f[f] != 0 || f <= SM_PSS) smaps_field_line(b, SMAPS_FIELDS[f], v->f[f]);
  }
  str_printf(b, "THPeligible:    %8ld\n", v->thpeligible);
  str_printf(b, "VmFlags: %s\n", v->vmflags);
}

static void read_status(int p, long *vals) {
  char path[64], buf[8192];
  snprintf(path, sizeof path, "/proc/%d/status", (int)g_proc[p].pid);
  if (read_file(path, buf, sizeof buf) < 0) fatal("read %s: %s", path, strerror(errno));
  for (int i = 0; i < NSTATUS; i++) {
    vals[i] = 0;
    char key[64];
    snprintf(key, sizeof key, "\n%s:", STATUS_FIELDS[i]);
    char *q = strstr(buf, key);
    if (q) vals[i] = strtol(q + strlen(key), NULL, 10);
  }
}

static long status_value(int p, int field) {
  long v[NSTATUS];
  read_status(p, v);
  return v[field] - g_proc[p].base[field];
}

/* ------------------------------------------------------------------ running statements */

static int g_counter = 1; /* the global value counter of `write` without value= */
static int g_exit_code;

static void emit_error(const Stmt *s, const char *what) {
  str_printf(&g_out, "! line %d: %s: %s\n", s->line, KIND_NAMES[s->kind], what);
}

static const char *failure_name(int err) {
  if (err == -SIGSEGV) return "SIGSEGV";
  if (err == -SIGBUS) return "SIGBUS";
  if (err < 0) return "SIGNAL";
  return errno_name(err);
}

/* An assertion failed: print it and end the run. */
static jmp_buf g_assert_jb;
__attribute__((noreturn, format(printf, 2, 3))) static void assert_fail(const Stmt *s, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  str_printf(&g_out, "%s:%d: assertion failed: %s\n", g_file, s->line, msg);
  longjmp(g_assert_jb, 1);
}

/* A region name that is not defined (its mmap failed): the op is reported, not run. */
static int addr_of(const Addr *a, uint64_t *out) {
  if (!g_reg[a->region].defined) return 0;
  *out = g_reg[a->region].base + a->off;
  return 1;
}

static int worker_simple(int p, uint32_t op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t *ret) {
  Cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.op = op;
  cmd.a = a, cmd.b = b, cmd.c = c, cmd.d = d, cmd.e = e;
  send_cmd(p, &cmd);
  Rsp r;
  recv_rsp(p, &r);
  if (ret) *ret = r.ret;
  return r.err;
}

/* Loads of n pages in process p, values returned (malloc'd); *err the failure; *done pages read. */
static uint32_t *worker_content(int p, uint64_t addr, uint64_t n, int *err, uint64_t *done) {
  Cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.op = W_CONTENT;
  cmd.a = addr;
  cmd.b = n;
  send_cmd(p, &cmd);
  uint32_t *vals = xmalloc((size_t)(n ? n : 1) * 4);
  uint64_t got = 0;
  for (;;) {
    uint32_t cnt;
    wait_worker(p);
    if (full_read(g_proc[p].sock, &cnt, 4) <= 0) fatal("worker %s died", g_procs.names[p]);
    if (cnt == 0xffffffffu) break;
    if (got + cnt > n) fatal("worker sent too many values");
    if (full_read(g_proc[p].sock, vals + got, 4 * (size_t)cnt) <= 0) fatal("worker %s died", g_procs.names[p]);
    got += cnt;
  }
  Rsp r;
  recv_rsp(p, &r);
  *err = r.err;
  *done = got;
  return vals;
}

static int proc_of(const Addr *a) { return a->proc >= 0 ? a->proc : g_cur; }

static void create_file(int f, uint64_t size) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", g_tmpdir, g_files.names[f]);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fatal("create %s: %s", path, strerror(errno));
  char *page = xcalloc(1, PAGE);
  for (uint64_t off = 0; off < size; off += PAGE) {
    uint32_t idx = (uint32_t)(off / PAGE);
    memcpy(page, &idx, 4);
    size_t len = size - off < PAGE ? (size_t)(size - off) : PAGE;
    if (pwrite(fd, page, len, (off_t)off) != (ssize_t)len) fatal("write %s: %s", path, strerror(errno));
  }
  free(page);
  if (fsync(fd)) fatal("fsync %s: %s", path, strerror(errno));
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
}

static int log2u(uint64_t v) {
  int l = 0;
  while ((1ULL << l) < v) l++;
  return l;
}


/*
 * Whether read faults on private anonymous memory map the shared zero page. A
 * PVM guest booted with pvm_no_zero_page=1 allocates a fresh page (and a fresh
 * THP instead of the huge zero page); the model, like mainline, maps the zero
 * page, so a scenario that read-faults private anonymous memory is skipped there.
 */
static int g_zero_page = -1;
static int probe_zero_page(void) {
  char *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  volatile uint32_t x = *(volatile uint32_t *)p;
  (void)x;
  int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  uint64_t e = 0;
  if (fd >= 0 && pread(fd, &e, 8, (off_t)((uintptr_t)p / PAGE * 8)) != 8) e = 0;
  if (fd >= 0) close(fd);
  munmap(p, PAGE);
  if (!(e & (1ULL << 63))) return 1;
  return (kpf_one(e & ((1ULL << 55) - 1)) & KB(KPF_ZERO)) != 0;
}

static int g_thp_zero_off;   /* set thp.zero_page=off */
static int g_thp_always;     /* set thp=always */

static void zero_page_guard(const Stmt *s, int p, uint64_t addr, uint64_t len) {
  if (g_zero_page) return;
  int cnt;
  Vma *v = read_vmas(p, 1, &cnt);
  uint64_t end = addr + len;
  for (int i = 0; i < cnt; i++) {
    /* a private anonymous readable VMA (an access to an unreadable one faults, populate fails first) */
    if (strcmp(v[i].name, "anon") || v[i].perms[3] != 'p' || v[i].perms[0] != 'r' || v[i].end <= addr || v[i].start >= end) continue;
    uint64_t a = v[i].start > addr ? v[i].start : addr, b = v[i].end < end ? v[i].end : end;
    uint64_t n = (b - a + PAGE - 1) / PAGE;
    uint64_t *pm = xmalloc((size_t)n * 8);
    int fd = open_pagemap(p);
    ssize_t r = pread(fd, pm, (size_t)n * 8, (off_t)(a / PAGE * 8));
    close(fd);
    /* a read fault that gets a PMD THP (use_zero_page=0, a whole aligned 2M in a THP VMA) uses no zero page */
    int hg = strstr(v[i].vmflags, "hg") != NULL, nh = strstr(v[i].vmflags, "nh") != NULL;
    int thp_vma = g_thp_zero_off && v[i].thpeligible && !nh && (hg || g_thp_always);
    for (uint64_t k = 0; r == (ssize_t)(n * 8) && k < n; k++) {
      uint64_t pa = a + k * PAGE, lo = pa & ~((2ULL << 20) - 1);
      if (thp_vma && lo >= v[i].start && lo + (2ULL << 20) <= v[i].end) continue;
      uint64_t e = pm[k];
      int none = !(e & (1ULL << 63)) && (!(e & (1ULL << 62)) || ((e & 0x1f) == 31 && !(e & (1ULL << 58))));
      if (none) /* pte_none or a uffd-wp marker: the zero page would be mapped */
        skip("line %d: this kernel has no zero page (pvm_no_zero_page=1?): a read fault on private anonymous memory "
             "allocates a page, where the model and mainline map the zero page", s->line);
    }
    free(pm);
  }
  free(v);
}

/* Run an operation; returns 0 or the failure (errno, -signal); *not_mapped set when it was not run. */
static int do_op(const Stmt *s, int *not_mapped, char *why, size_t whyn) {
  uint64_t a = 0, b = 0;
  *not_mapped = 0;
#define NEED(addr, out)                                                                    \
  do {                                                                                     \
    if (!addr_of(addr, out)) {                                                             \
      *not_mapped = 1;                                                                     \
      snprintf(why, whyn, "region %s is not mapped", g_regions.names[(addr)->region]);    \
      return 0;                                                                            \
    }                                                                                      \
  } while (0)
  switch (s->kind) {
  case K_FILE:
    if (s->file >= 0) create_file(s->file, s->len);
    return 0;
  case K_MMAP: {
    int flags = s->shared ? MAP_SHARED : MAP_PRIVATE;
    if (s->backing == 0) flags |= MAP_ANONYMOUS;
    if (s->populate) flags |= MAP_POPULATE;
    for (int i = 0; MMAP_XFLAGS[i]; i++) if (s->xflags & (1u << i)) flags |= MMAP_XFLAG_VALUES[i];
    if ((s->xflags & (1u << 5)) && s->shared) flags = (flags & ~MAP_SHARED) | MAP_SHARED_VALIDATE;
    if (s->huge) flags |= MAP_HUGETLB | (log2u(s->huge) << MAP_HUGE_SHIFT);
    uint64_t at;
    if (!g_zero_page && s->populate && s->backing == 0 && !s->shared && !s->huge && !(PROT_VALUES[s->prot] & PROT_WRITE))
      skip("line %d: this kernel has no zero page (pvm_no_zero_page=1?): MAP_POPULATE of a read-only private anonymous "
           "mapping would map it", s->line);
    if (s->has_b) {
      NEED(&s->b, &at);
      flags |= MAP_FIXED;
    } else {
      at = next_slot();
      flags |= MAP_FIXED_NOREPLACE;
    }
    Cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.op = W_MMAP;
    cmd.a = at, cmd.b = s->len, cmd.c = (uint64_t)PROT_VALUES[s->prot], cmd.d = (uint64_t)(unsigned)flags, cmd.e = s->off;
    if (s->backing == 1) snprintf(cmd.path, sizeof cmd.path, "%s/%s", g_tmpdir, g_files.names[s->file]);
    send_cmd(g_cur, &cmd);
    Rsp r;
    recv_rsp(g_cur, &r);
    if (r.err) return r.err;
    if (s->name >= 0) region_define(s->name, r.ret, s->len);
    return 0;
  }
  case K_MUNMAP:
    NEED(&s->a, &a);
    return worker_simple(g_cur, W_MUNMAP, a, s->len, 0, 0, 0, NULL);
  case K_MPROTECT:
    NEED(&s->a, &a);
    return worker_simple(g_cur, W_MPROTECT, a, s->len, (uint64_t)PROT_VALUES[s->prot], 0, 0, NULL);
  case K_MADVISE:
    NEED(&s->a, &a);
    if (ADVICE_VALUES[s->advice] == MADV_POPULATE_READ) zero_page_guard(s, g_cur, a, s->len);
    return worker_simple(g_cur, W_MADVISE, a, s->len, (uint64_t)ADVICE_VALUES[s->advice], 0, 0, NULL);
  case K_MREMAP: {
    NEED(&s->a, &a);
    int flags = 0;
    uint64_t dest = 0, got = 0;
    int have_dest = 0;
    if (s->maymove) flags |= MREMAP_MAYMOVE;
    if (s->dontunmap) flags |= MREMAP_DONTUNMAP;
    if (s->has_b) {
      NEED(&s->b, &b);
      flags |= MREMAP_FIXED;
      dest = b;
      have_dest = 1;
    } else if (s->maymove) {
      dest = next_slot();
      have_dest = 1;
    }
    int err;
    if ((flags & MREMAP_FIXED) || !(flags & MREMAP_MAYMOVE) || !have_dest) {
      err = worker_simple(g_cur, W_MREMAP, a, s->len, s->len2, (uint64_t)flags, dest, &got);
    } else if (flags & MREMAP_DONTUNMAP) {
      err = worker_simple(g_cur, W_MREMAP, a, s->len, s->len2, (uint64_t)(flags | MREMAP_FIXED), dest, &got);
    } else {
      /* maymove without fixed=: in place when the kernel can, else to the next placement slot */
      err = worker_simple(g_cur, W_MREMAP, a, s->len, s->len2, (uint64_t)(flags & ~MREMAP_MAYMOVE), 0, &got);
      if (err == ENOMEM) err = worker_simple(g_cur, W_MREMAP, a, s->len, s->len2, (uint64_t)(flags | MREMAP_FIXED), dest, &got);
    }
    if (err) return err;
    if (s->name >= 0) region_define(s->name, got, s->len2);
    return 0;
  }
  case K_READ:
  case K_WRITE: {
    NEED(&s->a, &a);
    uint64_t n = (s->len + PAGE - 1) / PAGE;
    uint64_t attempted = 0;
    int err;
    if (s->kind == K_READ) zero_page_guard(s, g_cur, a, s->len);
    if (s->kind == K_READ) err = worker_simple(g_cur, W_READ, a, n, 0, 0, 0, NULL);
    else if (s->has_value) err = worker_simple(g_cur, W_WRITE, a, n, s->value, 0, 0, NULL);
    else {
      err = worker_simple(g_cur, W_WRITE, a, n, (uint64_t)(uint32_t)g_counter, 1, 0, &attempted);
      g_counter += (int)attempted;
    }
    return err;
  }
  case K_FORK: {
    Cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.op = W_FORK;
    g_forking = s->proc;
    send_cmd(g_cur, &cmd);
    wait_worker(g_cur);
    Rsp r;
    int fd = recv_fd(g_proc[g_cur].sock, &r);
    g_forking = -1;
    if (fd < 0) {
      if (r.err) return r.err;
      fatal("fork: no socket from the worker");
    }
    int c = s->proc;
    g_proc[c] = (Proc){(pid_t)r.ret, fd, 1, 0, {0}, 1};
    memcpy(g_proc[c].base, g_proc[g_cur].base, sizeof g_proc[c].base);
    g_worker_pids[c] = (pid_t)r.ret;
    Rsp ready;
    recv_rsp(c, &ready);
    return 0;
  }
  case K_PIN: {
    NEED(&s->a, &a);
    uint64_t ring = 0;
    int err = worker_simple(g_cur, W_PIN, a, s->len, 0, 0, 0, &ring);
    if (err) return err;
    if (s->pin >= 0) g_pin[s->pin].proc = g_cur, g_pin[s->pin].ring = (int)ring, g_pin[s->pin].live = 1;
    return 0;
  }
  case K_UNPIN: {
    /* the pins of an exited process went with it */
    if (!g_pin[s->pin].live) return 0;
    g_pin[s->pin].live = 0;
    int p = g_pin[s->pin].proc;
    if (!g_proc[p].alive) return 0;
    return worker_simple(p, W_UNPIN, (uint64_t)g_pin[s->pin].ring, 0, 0, 0, 0, NULL);
  }
  case K_UFFD:
  case K_MIGRATE:
    fatal("internal: %s reached do_op", KIND_NAMES[s->kind]);
  }
  fatal("internal: statement kind %d", s->kind);
#undef NEED
}

/* Run an operation statement (maybe under `expect`). */
static void op(const Stmt *s, int expected, int expect_line) {
  int not_mapped;
  char why[256];
  int err = do_op(s, &not_mapped, why, sizeof why);
  labels_expire();
  if (not_mapped) {
    emit_error(s, why);
    return;
  }
  if (!expected) {
    if (err) emit_error(s, failure_name(err));
    return;
  }
  if (err != expected) {
    Stmt fake = *s;
    fake.line = expect_line;
    assert_fail(&fake, "expected %s from %s, got %s", failure_name(expected), KIND_NAMES[s->kind],
                err ? failure_name(err) : "success");
  }
}

static int compare(long v, int op, uint64_t c) {
  long long x = v, y = (long long)c;
  switch (op) {
  case CMP_EQ: return x == y;
  case CMP_NE: return x != y;
  case CMP_LT: return x < y;
  case CMP_LE: return x <= y;
  case CMP_GT: return x > y;
  case CMP_GE: return x >= y;
  }
  return 0;
}

static uint64_t frame_at(const Stmt *s, const Addr *a) {
  char d[160];
  uint64_t addr;
  if (!addr_of(a, &addr)) assert_fail(s, "region %s is not mapped", g_regions.names[a->region]);
  int p = proc_of(a);
  int fd = open_pagemap(p);
  uint64_t ent = 0;
  if (pread(fd, &ent, 8, (off_t)(addr / PAGE * 8)) != 8) ent = 0;
  close(fd);
  if (!(ent & (1ULL << 63))) assert_fail(s, "%s is not present", describe_addr(a, d, sizeof d));
  return ent & ((1ULL << 55) - 1);
}

static void do_assert(const Stmt *s) {
  char nb[160], d1[160], d2[160];
  uint64_t addr;
  switch (s->what) {
  case A_PAGEMAP: {
    if (!addr_of(&s->a, &addr)) assert_fail(s, "region %s is not mapped", g_regions.names[s->a.region]);
    uint64_t n = (s->len + PAGE - 1) / PAGE;
    Page *pg = collect(proc_of(&s->a), addr, n, 0);
    for (uint64_t i = 0; i < n; i++) {
      for (int k = 0; k < s->nflags; k++) {
        if (page_matches(&pg[i], s->flags[k]) != s->neg[k]) continue;
        Str t = {0};
        flags_text(&t, &pg[i]);
        str_puts(&t, " frame:");
        frame_text(&t, &pg[i]);
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", t.s);
        free(t.s);
        assert_fail(s, "%s: %s %s (%s)", region_name(pg[i].addr, nb, sizeof nb), s->neg[k] ? "has" : "lacks",
                    PAGE_FLAGS[s->flags[k]], msg);
      }
    }
    free(pg);
    return;
  }
  case A_CONTENT: {
    if (!addr_of(&s->a, &addr)) assert_fail(s, "region %s is not mapped", g_regions.names[s->a.region]);
    uint64_t n = (s->len + PAGE - 1) / PAGE, done;
    int err;
    zero_page_guard(s, proc_of(&s->a), addr, s->len);
    uint32_t *v = worker_content(proc_of(&s->a), addr, n, &err, &done);
    labels_expire();
    for (uint64_t i = 0; i < done; i++)
      if (!compare(v[i], s->cmp, s->cmpval))
        assert_fail(s, "content of %s is %u, expected %s %" PRIu64, region_name(addr + i * PAGE, nb, sizeof nb), v[i],
                    CMP_NAMES[s->cmp], s->cmpval);
    if (err) assert_fail(s, "reading %s: %s", region_name(addr + done * PAGE, nb, sizeof nb), failure_name(err));
    free(v);
    return;
  }
  case A_FRAME: {
    uint64_t l = frame_at(s, &s->a), r = frame_at(s, &s->b);
    if (s->next) r++;
    if ((l == r) != (s->cmp == CMP_EQ))
      assert_fail(s, "frame of %s %s the frame %s%s", describe_addr(&s->a, d1, sizeof d1), l == r ? "is" : "is not",
                  s->next ? "after " : "of ", describe_addr(&s->b, d2, sizeof d2));
    return;
  }
  case A_STATUS: {
    long v = status_value(g_cur, s->field);
    if (!compare(v, s->cmp, s->cmpval))
      assert_fail(s, "status %s is %ld kB, expected %s %" PRIu64, STATUS_FIELDS[s->field], v, CMP_NAMES[s->cmp], s->cmpval);
    return;
  }
  case A_SMAPS: {
    if (!addr_of(&s->a, &addr)) assert_fail(s, "region %s is not mapped", g_regions.names[s->a.region]);
    int cnt;
    Vma *v = read_vmas(proc_of(&s->a), 1, &cnt);
    Vma *hit = NULL;
    for (int i = 0; i < cnt; i++) if (v[i].start <= addr && addr < v[i].end) hit = &v[i];
    if (!hit) assert_fail(s, "no mapping at %s", describe_addr(&s->a, d1, sizeof d1));
    long val = s->field == SMAPS_THPELIGIBLE ? hit->thpeligible : s->field == SMAPS_PKEY ? 0 : hit->f[s->field];
    const char *fname = s->field == SMAPS_THPELIGIBLE ? "THPeligible" : s->field == SMAPS_PKEY ? "ProtectionKey" : SMAPS_FIELDS[s->field];
    if (!compare(val, s->cmp, s->cmpval))
      assert_fail(s, "smaps %s at %s is %ld, expected %s %" PRIu64, fname, describe_addr(&s->a, d1, sizeof d1), val,
                  CMP_NAMES[s->cmp], s->cmpval);
    free(v);
    return;
  }
  case A_MAPS: {
    Region *r = &g_reg[s->a.region];
    if (!r->defined) assert_fail(s, "region %s is not mapped", g_regions.names[s->a.region]);
    int cnt, n = 0;
    Vma *v = read_vmas(proc_of(&s->a), 0, &cnt);
    for (int i = 0; i < cnt; i++) if (v[i].start < r->base + r->len && v[i].end > r->base) n++;
    free(v);
    if (!compare(n, s->cmp, s->cmpval))
      assert_fail(s, "region %s overlaps %d mappings, expected %s %" PRIu64, g_regions.names[s->a.region], n,
                  CMP_NAMES[s->cmp], s->cmpval);
    return;
  }
  }
}

static void do_show(const Stmt *s) {
  char nb[160], d1[160], sz[32];
  const char *pn = g_procs.names[g_cur];
  uint64_t addr;
  switch (s->what) {
  case V_MAPS: {
    int cnt;
    Vma *v = read_vmas(g_cur, 0, &cnt);
    str_printf(&g_out, "== maps (%s) ==\n", pn);
    for (int i = 0; i < cnt; i++) maps_line(&g_out, &v[i]);
    free(v);
    return;
  }
  case V_SMAPS: {
    Region *r = &g_reg[s->a.region];
    if (!r->defined) {
      snprintf(nb, sizeof nb, "region %s is not mapped", g_regions.names[s->a.region]);
      emit_error(s, nb);
      return;
    }
    int cnt;
    Vma *v = read_vmas(proc_of(&s->a), 1, &cnt);
    str_printf(&g_out, "== smaps %s (%s) ==\n", g_regions.names[s->a.region], pn);
    for (int i = 0; i < cnt; i++)
      if (v[i].start < r->base + r->len && v[i].end > r->base) smaps_lines(&g_out, &v[i]);
    free(v);
    return;
  }
  case V_ROLLUP: {
    int cnt;
    Vma *v = read_vmas(g_cur, 1, &cnt);
    long tot[NSMAPS] = {0};
    for (int i = 0; i < cnt; i++) for (int f = 0; f < NSMAPS; f++) tot[f] += v[i].f[f];
    free(v);
    str_printf(&g_out, "== smaps_rollup (%s) ==\n", pn);
    for (int f = SM_RSS; f < NSMAPS; f++) {
      if (f == SM_REFERENCED || f == SM_PSS_DIRTY) continue;
      if (tot[f] != 0 || f == SM_RSS) smaps_field_line(&g_out, SMAPS_FIELDS[f], tot[f]);
    }
    return;
  }
  case V_STATUS: {
    long v[NSTATUS];
    read_status(g_cur, v);
    str_printf(&g_out, "== status (%s) ==\n", pn);
    for (int i = 0; i < 6; i++) {
      int f = lookup(STATUS_FIELDS, SHOW_STATUS[i]);
      char label[32];
      snprintf(label, sizeof label, "%s:", SHOW_STATUS[i]);
      str_printf(&g_out, "%-14s%8ld kB\n", label, v[f] - g_proc[g_cur].base[f]);
    }
    return;
  }
  case V_PAGEMAP: {
    if (!addr_of(&s->a, &addr)) {
      snprintf(nb, sizeof nb, "region %s is not mapped", g_regions.names[s->a.region]);
      emit_error(s, nb);
      return;
    }
    uint64_t n = (s->len + PAGE - 1) / PAGE;
    Page *pg = collect(proc_of(&s->a), addr, n, 1);
    fmt_size(sz, sizeof sz, s->len);
    str_printf(&g_out, "== pagemap %s %s (%s) ==\n", describe_addr(&s->a, d1, sizeof d1), sz, pn);
    format_runs(&g_out, pg, n);
    free(pg);
    return;
  }
  case V_CONTENT: {
    if (!addr_of(&s->a, &addr)) {
      snprintf(nb, sizeof nb, "region %s is not mapped", g_regions.names[s->a.region]);
      emit_error(s, nb);
      return;
    }
    uint64_t n = (s->len + PAGE - 1) / PAGE, done;
    int err;
    zero_page_guard(s, proc_of(&s->a), addr, s->len);
    uint32_t *v = worker_content(proc_of(&s->a), addr, n, &err, &done);
    labels_expire();
    if (err) {
      emit_error(s, failure_name(err));
      free(v);
      return;
    }
    fmt_size(sz, sizeof sz, s->len);
    str_printf(&g_out, "== content %s %s (%s) ==\n", describe_addr(&s->a, d1, sizeof d1), sz, pn);
    for (uint64_t i = 0; i < n;) {
      uint64_t j = i + 1;
      while (j < n && v[j] == v[i]) j++;
      str_printf(&g_out, "%s x%" PRIu64 " value:%u\n", region_name(addr + i * PAGE, nb, sizeof nb), j - i, v[i]);
      i = j;
    }
    free(v);
    return;
  }
  }
}

static void do_exit_proc(int p) {
  Cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.op = W_EXIT;
  send_cmd(p, &cmd);
  /* exit_mm runs before exit_files: EOF on the socket means the memory is gone */
  char c;
  for (;;) {
    ssize_t r = read(g_proc[p].sock, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
  }
  close(g_proc[p].sock);
  /* drop the uffds of that process */
  for (int i = 0; i < g_nuffd;) {
    if (g_uffd[i].proc == p) { close(g_uffd[i].fd); g_uffd[i] = g_uffd[--g_nuffd]; }
    else i++;
  }
  if (g_proc[p].direct) waitpid(g_proc[p].pid, NULL, 0);
  while (waitpid(-1, NULL, WNOHANG) > 0) {}
  g_proc[p].alive = 0;
  g_worker_pids[p] = 0;
  labels_expire();
}

/* ------------------------------------------------------------------ userfaultfd */

static const char *region_name(uint64_t addr, char *buf, size_t n);

/* Resolve with `ioctl(fd, req, arg)` over the page, or over the 2 MiB / 1 GiB page around it (hugetlb). */
static int uffd_range_ioctl(int fd, unsigned long req, uint64_t a, void *arg, struct uffdio_range *rg) {
  static const uint64_t sizes[] = {PAGE, 2ULL << 20, 1ULL << 30};
  for (int k = 0; k < 3; k++) {
    rg->start = a & ~(sizes[k] - 1);
    rg->len = sizes[k];
    if (ioctl(fd, req, arg) == 0) return 0;
    if (errno != EINVAL) return -1;
  }
  return -1;
}

static char *g_zero_src; /* a zero-filled source for UFFDIO_COPY (1 GiB of address space, never touched) */

/*
 * The controller is the userfaultfd handler, as the model's is: a write to a
 * write-protected page is resolved by un-protecting that page (the huge page
 * for hugetlb); a missing fault by UFFDIO_ZEROPAGE for a read and UFFDIO_COPY of
 * zeros for a write (the page a normal fault would give); a minor fault by
 * UFFDIO_CONTINUE. Each fault is reported after the statement.
 */
static void serve_uffd(int i) {
  struct uffd_msg m;
  char nb[160];
  for (;;) {
    ssize_t r = read(g_uffd[i].fd, &m, sizeof m);
    if (r != (ssize_t)sizeof m) return;
    if (m.event == UFFD_EVENT_FORK) {
      /* UFFD_FEATURE_EVENT_FORK: the child's registrations arrive as a new uffd, installed in our fd table */
      if (g_nuffd < 64 && g_forking >= 0) g_uffd[g_nuffd++] = (Uffd){(int)m.arg.fork.ufd, g_forking, g_uffd[i].mode, g_uffd[i].features};
      else close((int)m.arg.fork.ufd);
      continue;
    }
    if (m.event != UFFD_EVENT_PAGEFAULT) continue;
    uint64_t a = m.arg.pagefault.address & ~(PAGE - 1);
    uint64_t fl = m.arg.pagefault.flags;
    const char *kind = (fl & UFFD_PAGEFAULT_FLAG_WP) ? "wp" : (fl & UFFD_PAGEFAULT_FLAG_MINOR) ? "minor" : "missing";
    str_printf(&g_events, "uffd: %s fault at %s (%s)\n", kind, region_name(a, nb, sizeof nb), g_procs.names[g_uffd[i].proc]);
    int fd = g_uffd[i].fd;
    int ok;
    if (fl & UFFD_PAGEFAULT_FLAG_WP) {
      struct uffdio_writeprotect wp = {.mode = 0};
      ok = uffd_range_ioctl(fd, UFFDIO_WRITEPROTECT, a, &wp, &wp.range) == 0;
    } else if (fl & UFFD_PAGEFAULT_FLAG_MINOR) {
      struct uffdio_continue c = {.mode = 0};
      ok = uffd_range_ioctl(fd, UFFDIO_CONTINUE, a, &c, &c.range) == 0;
    } else {
      ok = 0;
      if (!(fl & UFFD_PAGEFAULT_FLAG_WRITE)) {
        struct uffdio_zeropage z = {.mode = 0};
        z.range.start = a;
        z.range.len = PAGE;
        ok = ioctl(fd, UFFDIO_ZEROPAGE, &z) == 0;
      }
      if (!ok) {
        if (!g_zero_src) {
          g_zero_src = mmap(NULL, 1ULL << 30, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
          if (g_zero_src == MAP_FAILED) g_zero_src = NULL;
        }
        static const uint64_t sizes[] = {PAGE, 2ULL << 20, 1ULL << 30};
        for (int k = 0; k < 3 && g_zero_src && !ok; k++) {
          struct uffdio_copy c = {.dst = a & ~(sizes[k] - 1), .src = (uint64_t)(uintptr_t)g_zero_src, .len = sizes[k], .mode = 0};
          ok = ioctl(fd, UFFDIO_COPY, &c) == 0 || errno == EEXIST;
          if (!ok && errno != EINVAL) break;
        }
      }
    }
    if (!ok) {
      struct uffdio_range w = {a, PAGE};
      ioctl(fd, UFFDIO_WAKE, &w);
    }
  }
}

/* uffd register / wp / unwp (statement kind K_UFFD). */
static int do_uffd(const Stmt *s, int *not_mapped, char *why, size_t whyn) {
  uint64_t a;
  *not_mapped = 0;
  if (!addr_of(&s->a, &a)) {
    *not_mapped = 1;
    snprintf(why, whyn, "region %s is not mapped", g_regions.names[s->a.region]);
    return 0;
  }
  if (s->uffd_op == 0) {
    unsigned mode = 0;
    uint64_t feat = 0;
    if (s->uffd_modes & 1) mode |= UFFDIO_REGISTER_MODE_WP;
    if (s->uffd_modes & 2) mode |= UFFDIO_REGISTER_MODE_MISSING;
    if (s->uffd_modes & 4) mode |= UFFDIO_REGISTER_MODE_MINOR;
    if (s->uffd_flags & 1) feat |= UFFD_FEATURE_WP_UNPOPULATED;
    if (s->uffd_flags & 2) feat |= UFFD_FEATURE_WP_ASYNC;
    if (s->uffd_flags & 4) feat |= UFFD_FEATURE_EVENT_FORK;
    if (s->uffd_modes & 1) feat |= UFFD_FEATURE_WP_HUGETLBFS_SHMEM;
    if (s->uffd_modes & 4) feat |= UFFD_FEATURE_MINOR_SHMEM | UFFD_FEATURE_MINOR_HUGETLBFS;
    Cmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.op = W_UFFD_REGISTER;
    cmd.a = a, cmd.b = s->len, cmd.c = mode, cmd.d = feat;
    send_cmd(g_cur, &cmd);
    wait_worker(g_cur);
    Rsp r;
    int fd = recv_fd(g_proc[g_cur].sock, &r);
    if (fd < 0) return r.err ? r.err : EIO;
    if (g_nuffd == 64) fatal("too many userfaultfds");
    g_uffd[g_nuffd++] = (Uffd){fd, g_cur, mode, (unsigned)feat};
    return 0;
  }
  /* wp/unwp on the uffd registered over that address in the current process (the latest one) */
  int fd = -1;
  for (int i = 0; i < g_nuffd; i++) if (g_uffd[i].proc == g_cur) fd = g_uffd[i].fd;
  if (fd < 0) return EINVAL; /* no uffd in this process: nothing registered there */
  struct uffdio_writeprotect wp = {.range = {a, s->len}, .mode = s->uffd_op == 1 ? UFFDIO_WRITEPROTECT_MODE_WP : 0};
  if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp)) return errno;
  return 0;
}

/* ------------------------------------------------------------------ settings */

#define THP "/sys/kernel/mm/transparent_hugepage"

static int dir_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int feature_ok(const char *f, char *why, size_t n) {
  uint64_t sz;
  if (!strncmp(f, "hugetlb-", 8) && parse_size(f + 8, &sz)) {
    char p[128];
    snprintf(p, sizeof p, "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB", sz >> 10);
    if (!dir_exists(p)) { snprintf(why, n, "no %s huge pages on this kernel (%s)", f + 8, p); return 0; }
    return 1;
  }
  if (!strncmp(f, "mthp-", 5) && parse_size(f + 5, &sz)) {
    char p[128];
    snprintf(p, sizeof p, THP "/hugepages-%" PRIu64 "kB", sz >> 10);
    if (!dir_exists(p)) { snprintf(why, n, "no %s mTHP size on this kernel", f + 5); return 0; }
    return 1;
  }
  if (!strcmp(f, "thp")) {
    if (!dir_exists(THP)) { snprintf(why, n, "no transparent hugepages"); return 0; }
    return 1;
  }
  if (!strcmp(f, "uffd") || !strcmp(f, "uffd-wp") || !strcmp(f, "swap") || !strcmp(f, "pagemap-scan") ||
      !strcmp(f, "guard") || !strcmp(f, "root"))
    return 1;
  snprintf(why, n, "unknown requirement '%s'", f);
  return 0;
}

static void make_swapfile(void) {
  snprintf(g_swapfile, sizeof g_swapfile, "/var/tmp/mmsim-harness-swap.%d", (int)getpid());
  int fd = open(g_swapfile, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) skip("cannot create a swap file: %s", strerror(errno));
  const uint64_t size = 128ULL << 20;
  char *buf = xcalloc(1, 1 << 20);
  for (uint64_t off = 0; off < size; off += 1 << 20)
    if (pwrite(fd, buf, 1 << 20, (off_t)off) != 1 << 20) skip("cannot write the swap file: %s", strerror(errno));
  memset(buf, 0, PAGE);
  uint32_t version = 1, last = (uint32_t)(size / PAGE - 1), bad = 0;
  memcpy(buf + 1024, &version, 4);
  memcpy(buf + 1028, &last, 4);
  memcpy(buf + 1032, &bad, 4);
  memcpy(buf + PAGE - 10, "SWAPSPACE2", 10);
  if (pwrite(fd, buf, PAGE, 0) != (ssize_t)PAGE) skip("cannot write the swap header: %s", strerror(errno));
  free(buf);
  fsync(fd);
  close(fd);
  if (swapon(g_swapfile, 0)) skip("swapon %s: %s", g_swapfile, strerror(errno));
  g_swap_on = 1;
}

static uint64_t vmstat(const char *name) {
  char *t = slurp("/proc/vmstat", NULL);
  if (!t) return 0;
  char key[80];
  snprintf(key, sizeof key, "\n%s ", name);
  char *q = strstr(t, key);
  uint64_t v = q ? strtoull(q + strlen(key), NULL, 10) : 0;
  free(t);
  return v;
}

static uint64_t khugepaged_collapsed(void) {
  char b[64];
  if (read_file(THP "/khugepaged/pages_collapsed", b, sizeof b) <= 0) return 0;
  return strtoull(b, NULL, 10);
}

static uint64_t thp_failures(void) {
  return vmstat("thp_fault_fallback") + vmstat("thp_collapse_alloc_failed");
}

static void apply_settings(void) {
  const char *thp = "madvise", *zero = "1";
  char mthp[16][160];
  uint64_t mthp_size[16];
  int nmthp = 0;
  int swap = 0;
  for (int i = 0; i < g_nstmts; i++) {
    Stmt *s = g_stmts[i];
    if (s->kind != K_SET) continue;
    if (!strcmp(s->key, "thp")) thp = s->val, g_thp_always = !strcmp(s->val, "always");
    else if (!strcmp(s->key, "thp.zero_page")) zero = !strcmp(s->val, "on") ? "1" : "0", g_thp_zero_off = !strcmp(s->val, "off");
    else if (!strcmp(s->key, "swap")) swap = !strcmp(s->val, "on");
    else if (!strncmp(s->key, "mthp.", 5) && nmthp < 16) {
      if (!parse_size(s->key + 5, &mthp_size[nmthp])) fatal("bad mthp size");
      snprintf(mthp[nmthp++], 160, "%s", s->val);
    }
  }
  if (knob_set(THP "/enabled", thp)) skip("cannot set " THP "/enabled to %s", thp);
  if (knob_set(THP "/use_zero_page", zero)) skip("cannot set " THP "/use_zero_page");
  if (knob_set(THP "/shmem_enabled", "never")) skip("cannot set " THP "/shmem_enabled");
  /* every per-size anon knob: the scenario's value, else never (inherit for the PMD size) */
  DIR *d = opendir(THP);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      unsigned long kb;
      if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1) continue;
      const char *want = kb == 2048 ? "inherit" : "never";
      for (int i = 0; i < nmthp; i++) if (mthp_size[i] >> 10 == kb) want = mthp[i];
      char p[600], cur0[64];
      snprintf(p, sizeof p, THP "/%s/enabled", e->d_name);
      if (knob_read(p, cur0, sizeof cur0) == 0 && knob_set(p, want)) skip("cannot set %s to %s", p, want);
      snprintf(p, sizeof p, THP "/%s/shmem_enabled", e->d_name);
      char cur[64];
      if (knob_read(p, cur, sizeof cur) == 0 && strcmp(cur, "never") && strcmp(cur, "inherit")) knob_set(p, "never");
    }
    closedir(d);
  }
  for (int i = 0; i < nmthp; i++) {
    char p[300];
    snprintf(p, sizeof p, THP "/hugepages-%" PRIu64 "kB", mthp_size[i] >> 10);
    if (!dir_exists(p)) skip("mthp size %" PRIu64 "K: this kernel has no such size", mthp_size[i] >> 10);
  }
  /* hugetlb pools: exactly what the scenario asks (default 0) */
  DIR *h = opendir("/sys/kernel/mm/hugepages");
  if (h) {
    struct dirent *e;
    while ((e = readdir(h))) {
      unsigned long kb;
      if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1) continue;
      uint64_t want = 0;
      for (int i = 0; i < g_nstmts; i++) {
        Stmt *s = g_stmts[i];
        uint64_t sz, n;
        if (s->kind == K_SET && !strncmp(s->key, "hugetlb.", 8) && parse_size(s->key + 8, &sz) && sz >> 10 == kb &&
            parse_unsigned(s->val, &n))
          want = n;
      }
      char p[600], v[32], cur[64];
      snprintf(p, sizeof p, "/sys/kernel/mm/hugepages/%s/nr_hugepages", e->d_name);
      snprintf(v, sizeof v, "%" PRIu64, want);
      if (knob_set(p, v)) skip("cannot set %s to %s: %s", p, v, strerror(errno));
      if (knob_read(p, cur, sizeof cur) == 0 && strtoull(cur, NULL, 10) != want)
        skip("could allocate only %s of %s huge pages of %lu kB", cur, v, kb);
    }
    closedir(h);
  }
  for (int i = 0; i < g_nstmts; i++) {
    Stmt *s = g_stmts[i];
    uint64_t sz;
    if (s->kind == K_SET && !strncmp(s->key, "hugetlb.", 8) && parse_size(s->key + 8, &sz)) {
      char p[128];
      snprintf(p, sizeof p, "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB", sz >> 10);
      if (!dir_exists(p)) skip("line %d: no %s huge pages on this kernel", s->line, s->key + 8);
    }
  }
  if (swap) make_swapfile();
}

/* Statements the harness cannot run on the kernel: a skip, with the reason. */
static void check_runnable(const Stmt *s) {
  char why[256];
  switch (s->kind) {
  case K_ARCH:
    if (strcmp(s->val, "x86_64")) skip("line %d: arch %s is model only (this machine is x86_64 with 4-level paging)", s->line, s->val);
    return;
  case K_SET:
    if (!strncmp(s->key, "option.", 7) && !strcmp(s->val, "on")) skip("line %d: %s is a model-only option", s->line, s->key);
    return;
  case K_REQUIRES:
    for (int i = 0; i < s->nfeatures; i++) if (!feature_ok(s->features[i], why, sizeof why)) skip("line %d: requires %s: %s", s->line, s->features[i], why);
    return;
  case K_MMAP:
    if (s->backing == 2) skip("line %d: pfnmap mappings are model only", s->line);
    return;
  case K_MIGRATE: skip("line %d: migrate is model only", s->line);
  case K_PIN:
    if (!s->pin_write || !s->pin_longterm) skip("line %d: a read-only or short-term pin is model only (the harness pins with io_uring fixed buffers)", s->line);
    return;
  case K_SHOW:
    if (s->what == V_PTDUMP) skip("line %d: show ptdump is model only", s->line);
    if (s->what == V_PINS) skip("line %d: show pins is model only (user space cannot read refcounts)", s->line);
    return;
  case K_EXPECT: check_runnable(s->inner); return;
  default: return;
  }
}

/* ------------------------------------------------------------------ main */

static void run(void) {
  if (setjmp(g_assert_jb)) {
    g_exit_code = 1;
    return;
  }
  for (int i = 0; i < g_nstmts; i++) {
    Stmt *s = g_stmts[i];
    switch (s->kind) {
    case K_ARCH:
    case K_SET:
    case K_REQUIRES: break;
    case K_AS: g_cur = s->proc; break;
    case K_EXIT: do_exit_proc(s->proc); break;
    case K_ASSERT: do_assert(s); break;
    case K_SHOW: do_show(s); break;
    case K_EXPECT:
      if (s->inner->kind == K_UFFD) {
        int nm;
        char why[256];
        int err = do_uffd(s->inner, &nm, why, sizeof why);
        if (nm) emit_error(s->inner, why);
        else if (err != s->expect_errno)
          assert_fail(s, "expected %s from uffd, got %s", failure_name(s->expect_errno), err ? failure_name(err) : "success");
      } else {
        op(s->inner, s->expect_errno, s->line);
      }
      break;
    case K_UFFD: {
      int nm;
      char why[256];
      int err = do_uffd(s, &nm, why, sizeof why);
      if (nm) emit_error(s, why);
      else if (err) emit_error(s, failure_name(err));
      labels_expire();
      break;
    }
    default: op(s, 0, s->line); break;
    }
    if (g_events.n) {
      str_putn(&g_out, g_events.s, g_events.n);
      g_events.n = 0;
      g_events.s[0] = 0;
    }
  }
}

static int lock_fd = -1;

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--worker")) {
    worker_main();
    return 0;
  }
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) g_verbose = 1;
    else if (!path) path = argv[i];
    else { fprintf(stderr, "usage: harness [-v] FILE.mms\n"); return 2; }
  }
  if (!path) { fprintf(stderr, "usage: harness [-v] FILE.mms\n"); return 2; }
  g_file = path;
  size_t len;
  char *text = slurp(path, &len);
  if (!text) { fprintf(stderr, "%s:1:1: cannot read file: %s\n", path, errno_name(errno)); return 2; }
  parse_text(text);

  /* model-only statements and unmet requirements: skip before touching anything */
  for (int i = 0; i < g_nstmts; i++) check_runnable(g_stmts[i]);
  if (geteuid() != 0) {
    fprintf(stderr, "harness: needs root (pfns in pagemap, /proc/kpageflags, /proc/kpagecount, sysfs knobs)\n");
    return 4;
  }
  struct utsname u;
  if (uname(&u) == 0 && strcmp(u.machine, "x86_64")) skip("this machine is %s, the harness is for x86_64", u.machine);

  /* one harness at a time on a machine: the knobs are global */
  lock_fd = open("/run/mmsim-harness.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) lock_fd = open("/tmp/mmsim-harness.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd >= 0 && flock(lock_fd, LOCK_EX)) fatal("flock: %s", strerror(errno));

  kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  kpc_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
  if (kpf_fd < 0 || kpc_fd < 0) { fprintf(stderr, "harness: cannot open /proc/kpageflags: %s (needs root)\n", strerror(errno)); return 4; }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(SIGQUIT, &sa, NULL);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGABRT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  snprintf(g_tmpdir, sizeof g_tmpdir, "/var/tmp/mmsim-harness.XXXXXX");
  if (!mkdtemp(g_tmpdir)) { g_tmpdir[0] = 0; fatal("mkdtemp: %s", strerror(errno)); }
  struct statfs sf;
  int uses_files = 0;
  for (int i = 0; i < g_nstmts; i++) if (g_stmts[i]->kind == K_FILE) uses_files = 1;
  if (uses_files && (statfs(g_tmpdir, &sf) || sf.f_type != 0xEF53))
    skip("the files of a scenario must be on ext4 (kernel-oracle.md §6); /var/tmp is not");

  /*
   * All scenario processes on one CPU: per-CPU LRU batches (lru_add, lazyfree)
   * are then drained by the madvise that needs them (MADV_PAGEOUT/COLD/FREE
   * drain the local CPU only), so results do not depend on migrations.
   */
  int cpu = sched_getcpu();
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
  }
  g_zero_page = probe_zero_page();
  apply_settings();
  /* let the settings settle before anything is measured */
  uint64_t thp_fail0 = thp_failures(), khp0 = khugepaged_collapsed();
  spawn_main();
  g_cur = 0;
  run();
  uint64_t thp_fail1 = thp_failures(), khp1 = khugepaged_collapsed();
  restore_all();
  /* khugepaged scans every 10 s and may collapse a PTE-mapped THP mid-run (kernel-oracle §7) */
  if (khp1 != khp0)
    skip("khugepaged collapsed memory during the run (pages_collapsed +%" PRIu64 "); run it again", khp1 - khp0);
  if (thp_fail1 != thp_fail0)
    skip("a THP allocation failed during the run (thp_fault_fallback/thp_collapse_alloc_failed +%" PRIu64 ")", thp_fail1 - thp_fail0);
  if (g_out.s) fwrite(g_out.s, 1, g_out.n, stdout);
  fflush(stdout);
  return g_exit_code;
}
