/*
 * C baseline for `npm run bench`: the same three workloads as the TypeScript
 * variants, on the same page-table image, x86-64 4-level hard-coded.
 * Compiled at bench time with `gcc -O2`.
 *
 * Usage: walk TREE_A.img TREE_B.img LOOKUPS.f64
 *   Each tree image: 8 little-endian uint32 header words
 *     [magic 0x42534d4d "MMSB", version 1, root slot, slots, map length, 0, 0, 0]
 *   then slots * 512 entries (uint64, = the TableStore's lo/hi word pairs),
 *   then `map length` int32: TableStore.slotOfPfnPlus1 (table pfn -> slot + 1).
 *   LOOKUPS.f64: the vpns to look up, as IEEE doubles.
 * Then reads commands on stdin, one per line, and answers each with one JSON
 * line on stdout:
 *   "A reps" full walk of tree A, "B reps" full walk of tree B,
 *   "L reps" the lookups over tree A; "Q" quits.
 *   Answer: {"ms":<per call>,"reps":R,"n":..,"s":..,"v":..,"w":..}
 *   (checksum of the last call: present leaves, sum of pfns, sum of vpns,
 *   writable leaves; for lookups pfn + offset in the leaf and looked-up vpn).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint64_t n, s, v, w;
} sum_t;

typedef struct {
    const uint64_t *e;
    const int32_t *map;
    uint32_t root;
} tree_t;

#define PFN(x) (((x) >> 12) & 0xFFFFFFFFFFULL)
#define TABLE(tr, x) ((tr)->e + (uint64_t)((tr)->map[PFN(x)] - 1) * 512)

static void *load(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(n > 0 ? (size_t)n : 1);
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: read failed\n", path); exit(2); }
    fclose(f);
    *size = (size_t)n;
    return p;
}

static tree_t load_tree(const char *path) {
    size_t size;
    uint32_t *h = load(path, &size);
    if (size < 32 || h[0] != 0x42534d4dU || h[1] != 1) { fprintf(stderr, "%s: not a tree image\n", path); exit(2); }
    tree_t t;
    t.root = h[2];
    uint64_t slots = h[3], nmap = h[4];
    if (32 + slots * 4096 + nmap * 4 != size) { fprintf(stderr, "%s: bad size\n", path); exit(2); }
    t.e = (const uint64_t *)(h + 8);
    t.map = (const int32_t *)(h + 8 + slots * 1024);
    return t;
}

__attribute__((noinline)) static void walk(const tree_t *t, sum_t *out) {
    uint64_t n = 0, s = 0, v = 0, w = 0;
    const uint64_t *t4 = t->e + (uint64_t)t->root * 512;
    for (uint64_t i4 = 0; i4 < 512; i4++) {
        uint64_t e4 = t4[i4];
        if (!(e4 & 1)) continue;
        const uint64_t *t3 = TABLE(t, e4);
        uint64_t vpn4 = i4 << 27;
        for (uint64_t i3 = 0; i3 < 512; i3++) {
            uint64_t e3 = t3[i3];
            if (!(e3 & 1)) continue;
            uint64_t vpn3 = vpn4 | (i3 << 18);
            if (e3 & 0x80) { n++; w += (e3 >> 1) & 1; s += PFN(e3); v += vpn3; continue; }
            const uint64_t *t2 = TABLE(t, e3);
            for (uint64_t i2 = 0; i2 < 512; i2++) {
                uint64_t e2 = t2[i2];
                if (!(e2 & 1)) continue;
                uint64_t vpn2 = vpn3 | (i2 << 9);
                if (e2 & 0x80) { n++; w += (e2 >> 1) & 1; s += PFN(e2); v += vpn2; continue; }
                const uint64_t *t1 = TABLE(t, e2);
                for (uint64_t i1 = 0; i1 < 512; i1++) {
                    uint64_t e = t1[i1];
                    if (!(e & 1)) continue;
                    n++; w += (e >> 1) & 1; s += PFN(e); v += vpn2 | i1;
                }
            }
        }
    }
    out->n = n; out->s = s; out->v = v; out->w = w;
}

__attribute__((noinline)) static void lookups(const tree_t *t, const double *vpns, size_t count, sum_t *out) {
    uint64_t n = 0, s = 0, v = 0, w = 0;
    const uint64_t *t4 = t->e + (uint64_t)t->root * 512;
    for (size_t k = 0; k < count; k++) {
        uint64_t vpn = (uint64_t)vpns[k];
        uint64_t e = t4[(vpn >> 27) & 511];
        if (!(e & 1)) continue;
        e = TABLE(t, e)[(vpn >> 18) & 511];
        if (!(e & 1)) continue;
        uint64_t pfn;
        if (e & 0x80) {
            pfn = PFN(e) + (vpn & 0x3FFFF);
        } else {
            e = TABLE(t, e)[(vpn >> 9) & 511];
            if (!(e & 1)) continue;
            if (e & 0x80) {
                pfn = PFN(e) + (vpn & 511);
            } else {
                e = TABLE(t, e)[vpn & 511];
                if (!(e & 1)) continue;
                pfn = PFN(e);
            }
        }
        n++; w += (e >> 1) & 1; s += pfn; v += vpn;
    }
    out->n = n; out->s = s; out->v = v; out->w = w;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s TREE_A.img TREE_B.img LOOKUPS.f64\n", argv[0]); return 2; }
    tree_t a = load_tree(argv[1]);
    tree_t b = load_tree(argv[2]);
    size_t lsize;
    const double *vpns = load(argv[3], &lsize);
    size_t count = lsize / sizeof(double);
    char line[128];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        char cmd = 0;
        long reps = 1;
        if (sscanf(line, " %c %ld", &cmd, &reps) < 1) continue;
        if (cmd == 'Q') break;
        if (reps < 1) reps = 1;
        sum_t r = {0, 0, 0, 0};
        double t0 = now_ms();
        for (long i = 0; i < reps; i++) {
            if (cmd == 'A') walk(&a, &r);
            else if (cmd == 'B') walk(&b, &r);
            else if (cmd == 'L') lookups(&a, vpns, count, &r);
            else { printf("{\"error\":\"unknown command\"}\n"); break; }
        }
        double ms = (now_ms() - t0) / (double)reps;
        printf("{\"ms\":%.6f,\"reps\":%ld,\"n\":%llu,\"s\":%llu,\"v\":%llu,\"w\":%llu}\n", ms, reps,
               (unsigned long long)r.n, (unsigned long long)r.s, (unsigned long long)r.v, (unsigned long long)r.w);
        fflush(stdout);
    }
    return 0;
}
