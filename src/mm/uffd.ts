// userfaultfd (fs/userfaultfd.c, mm/userfaultfd.c): registration of ranges
// for missing/wp/minor faults, UFFDIO_WRITEPROTECT with uffd-wp bits on
// present entries and swap entries and uffd-wp PTE markers on empty ones
// (WP_UNPOPULATED for anonymous memory, always for shmem and hugetlb), the
// async wp mode that resolves faults in place, and the events a handler would
// receive. The handler of the model resolves each event the way the mm
// selftests' handlers do (un-write-protect the page; map the page for
// missing/minor faults) and the event is reported in the output.
import { Attr, Kind, SwpFlag } from '../arch/index.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';
import { tryFold, unfoldContig } from './contpte.js';
import type { Mm } from './mm.js';
import { Leaf, MARKER, decodeSoftleaf, makeMarker, newSoftleaf } from './softleaf.js';
import { hugeGeometry, hugeSize } from './hugetlb.js';
import { splitHugeLeaf } from './thp.js';
import { PageFlag } from '../mem/phys.js';
import { VM, type Vma } from './vma.js';

export interface UffdCtx {
  readonly id: number;
  readonly wpUnpopulated: boolean;
  readonly async: boolean;
  readonly eventFork: boolean;
}

export interface UffdEvent {
  pid: number;
  vpn: number;
  kind: 'wp' | 'missing' | 'minor';
}

let nextCtx = 1;

/** A context with these features, unchecked (fork's UFFD_FEATURE_EVENT_FORK copy; tests). Userspace goes through uffdApi. */
export function newUffdCtx(features: { wpUnpopulated?: boolean; async?: boolean; eventFork?: boolean }): UffdCtx {
  return { id: nextCtx++, wpUnpopulated: !!features.wpUnpopulated, async: !!features.async, eventFork: !!features.eventFork };
}

/**
 * pgtable_supports_uffd_wp (include/linux/userfaultfd_k.h): the architecture
 * has a uffd-wp bit in its entries (CONFIG_HAVE_ARCH_USERFAULTFD_WP: x86_64,
 * arm64, riscv64 with Svrsw60t59b; not book3s64 nor the 8xx). The format's
 * codec says it: a format without Attr.UFFD_WP has no such bit.
 */
export function uffdWpSupported(k: Kernel): boolean {
  return k.fmt.codec.supports(Attr.UFFD_WP);
}

/**
 * CONFIG_HAVE_ARCH_USERFAULTFD_MINOR: selected by x86_64, arm64 and riscv64
 * (arch/{x86,arm64,riscv}/Kconfig), not by powerpc. Minor faults need no
 * entry bit, so no codec property tells it; the registry's powerpc formats
 * are the ones named ppc*.
 */
export function uffdMinorSupported(k: Kernel): boolean {
  return !k.fmt.name.startsWith('ppc');
}

/** The UFFD_FEATURE_* bits a scenario's `uffd register` asks UFFDIO_API for. */
export interface UffdFeatures {
  wpUnpopulated?: boolean;
  async?: boolean;
  eventFork?: boolean;
  /** UFFD_FEATURE_WP_HUGETLBFS_SHMEM (the conformance harness asks for it with every wp registration). */
  wpHugetlbfsShmem?: boolean;
  /** UFFD_FEATURE_MINOR_SHMEM | UFFD_FEATURE_MINOR_HUGETLBFS (asked with every minor registration). */
  minorShmem?: boolean;
}

/**
 * userfaultfd(2) + UFFDIO_API (fs/userfaultfd.c userfaultfd_api): the
 * features this kernel and architecture offer are UFFD_API_FEATURES minus
 * MINOR_HUGETLBFS/MINOR_SHMEM without CONFIG_HAVE_ARCH_USERFAULTFD_MINOR,
 * minus PAGEFAULT_FLAG_WP without pgtable_supports_uffd_wp(), and minus
 * WP_HUGETLBFS_SHMEM, WP_UNPOPULATED and WP_ASYNC without
 * uffd_supports_wp_marker() (uffd-wp plus CONFIG_PTE_MARKER_UFFD_WP, which
 * the model always has where uffd-wp exists); asking for one it does not
 * offer is EINVAL. WP_ASYNC implies WP_UNPOPULATED.
 */
export function uffdApi(k: Kernel, f: UffdFeatures): UffdCtx {
  const marker = uffdWpSupported(k);
  if (!marker && (f.wpUnpopulated || f.async || f.wpHugetlbfsShmem)) fail('EINVAL', 'UFFDIO_API: uffd-wp features need an architecture with a uffd-wp bit');
  if (!uffdMinorSupported(k) && f.minorShmem) fail('EINVAL', 'UFFDIO_API: minor-fault features need CONFIG_HAVE_ARCH_USERFAULTFD_MINOR');
  return newUffdCtx({ wpUnpopulated: f.wpUnpopulated || f.async, async: f.async, eventFork: f.eventFork });
}

/** vma_can_userfault: anonymous, shmem and hugetlb memory; other files only for async wp. */
function canUserfault(v: Vma, flags: number, ctx: UffdCtx): boolean {
  if (v.has(VM.PFNMAP | VM.MIXEDMAP | VM.IO)) return false;
  if ((flags & VM.UFFD_MINOR) !== 0 && (v.isAnonymous || (v.object !== null && !v.object.shmem && v.object.hugeBytes === 0))) return false;
  if (v.isAnonymous || v.has(VM.HUGETLB) || v.object?.shmem) return true;
  return ctx.async && flags === VM.UFFD_WP;
}

/** UFFDIO_REGISTER over [start, end): the VMAs get VM_UFFD_* and the context. */
export function uffdRegister(k: Kernel, mm: Mm, start: number, end: number, modes: { wp: boolean; missing: boolean; minor: boolean }, ctx: UffdCtx): void {
  const flags = (modes.wp ? VM.UFFD_WP : 0) | (modes.missing ? VM.UFFD_MISSING : 0) | (modes.minor ? VM.UFFD_MINOR : 0);
  if (flags === 0) fail('EINVAL', 'no register mode');
  // userfaultfd_register: MODE_WP without pgtable_supports_uffd_wp(), MODE_MINOR without
  // CONFIG_HAVE_ARCH_USERFAULTFD_MINOR, are EINVAL before the range is looked at.
  if (modes.wp && !uffdWpSupported(k)) fail('EINVAL', 'UFFDIO_REGISTER_MODE_WP: the architecture has no uffd-wp bit');
  if (modes.minor && !uffdMinorSupported(k)) fail('EINVAL', 'UFFDIO_REGISTER_MODE_MINOR: the architecture has no minor-fault support');
  if (!mm.fullyMapped(start, end)) fail('EINVAL', 'the range is not entirely mapped');
  for (const v of mm.overlapping(start, end)) {
    if (!canUserfault(v, flags, ctx)) fail('EINVAL', 'this mapping cannot use userfaultfd in that mode');
    if (v.uffd && v.uffd !== ctx) fail('EBUSY', 'registered with another userfaultfd');
    if (v.has(VM.HUGETLB)) {
      const per = hugeSize(v) / k.pageSize;
      if ((start > v.start && v.pgoffAt(start) % per !== 0) || (end < v.end && v.pgoffAt(end) % per !== 0)) fail('EINVAL', 'hugetlb range not huge-aligned');
    }
  }
  for (const v of k.isolate(mm, start, end)) {
    v.flags |= flags;
    v.uffd = ctx;
  }
  mm.mergeAround(start, end);
}

/** userfaultfd_wp_use_markers: none entries get uffd-wp markers in shmem/hugetlb always, in anon with WP_UNPOPULATED. */
function useMarkers(v: Vma): boolean {
  return !v.isAnonymous || (v.uffd?.wpUnpopulated ?? false);
}

/**
 * UFFDIO_WRITEPROTECT (mwriteprotect_range): every page of [start, end) in
 * uffd-wp VMAs; ENOENT where the range is not registered for wp, EINVAL for
 * hugetlb ranges that are not huge-aligned.
 */
export function uffdWriteProtect(k: Kernel, mm: Mm, start: number, end: number, enable: boolean): void {
  if (!mm.fullyMapped(start, end)) fail('ENOENT', 'range not mapped');
  const vmas = mm.overlapping(start, end);
  for (const v of vmas) {
    if (!v.has(VM.UFFD_WP)) fail('ENOENT', 'range not registered for write protection');
    if (v.has(VM.HUGETLB)) {
      const per = hugeSize(v) / k.pageSize;
      if (v.pgoffAt(Math.max(start, v.start)) % per !== 0 || (Math.min(end, v.end) - Math.max(start, v.start)) % per !== 0) fail('EINVAL', 'hugetlb range not huge-aligned');
    }
  }
  for (const v of vmas) wpRange(k, mm, v, Math.max(start, v.start), Math.min(end, v.end), enable);
}

/** uffd_wp_range: change_protection with MM_CP_UFFD_WP or MM_CP_UFFD_WP_RESOLVE, per entry. */
export function wpRange(k: Kernel, mm: Mm, v: Vma, s: number, e: number, enable: boolean): void {
  const c = k.fmt.codec;
  const sl = newSoftleaf();
  const leafLevel = v.has(VM.HUGETLB) ? (hugeGeometry(k, hugeSize(v))?.level ?? 0) : 0;
  const markers = enable && useMarkers(v);
  for (let vpn = s; vpn < e; ) {
    const st = k.st;
    const kind = k.walker.seek(mm, vpn, st);
    const level = st.level;
    if (kind === Kind.NONE) {
      if (!markers) {
        vpn += Math.max(1, Math.min(st.npages - (vpn - st.vpn), e - vpn));
        continue;
      }
      // Markers need the table of the leaf level (pte_alloc); a hugetlb marker sits in the huge slot.
      k.walker.seek(mm, vpn, st, leafLevel, k.rmap);
      const m = makeMarker(c, MARKER.UFFD_WP);
      const per = k.fmt.pagesPerEntry[leafLevel];
      k.walker.set(mm, k.rmap, st.slot, st.index, leafLevel, vpn - (vpn % per), m.lo, m.hi);
      vpn += per - (vpn % per);
      continue;
    }
    if (level === 0 && st.npages > 1 && !v.has(VM.HUGETLB)) {
      // A contiguous block (arm64 contpte): change_pte_range unfolds it and protects PTE by PTE;
      // the last entry's commit folds it again if it is still uniform.
      unfoldContig(k, mm, st.slot, st.index, 0, st.vpn);
      continue;
    }
    if (level > 0 && !v.has(VM.HUGETLB) && (st.vpn < s || st.vpn + st.npages > e)) {
      // Part of a PMD: split it and protect the PTEs (a whole PMD keeps its huge mapping).
      if (kind !== Kind.LEAF) throw new Error('uffd-wp on part of a non-present huge entry');
      splitHugeLeaf(k, mm, st.slot, st.index, level, st.vpn);
      continue;
    }
    const { slot, index } = st;
    const per = k.fmt.pagesPerEntry[level];
    for (let i = 0; i < k.walker.leafEntries(st.npages, level); i++) {
      const elo = k.walker.lo(slot, index + i);
      const ehi = k.walker.hi(slot, index + i);
      const ev = st.vpn + i * per;
      let out: { lo: number; hi: number } | null = null;
      if (kind === Kind.LEAF) {
        const a = c.attrs(elo, ehi);
        let na: number;
        if (enable) na = (a | Attr.UFFD_WP) & ~Attr.WRITE;
        else {
          na = a & ~Attr.UFFD_WP;
          // MM_CP_TRY_CHANGE_WRITABLE: exclusive anon pages (and dirty shared ones) become writable again.
          const pfn = c.pfnAt(elo, ehi, ev);
          const page = k.rmap.normalPage(elo, ehi, level, ev);
          if (v.has(VM.WRITE) && (a & Attr.UFFD_WP) !== 0 && (a & Attr.VALID) !== 0) {
            if (v.has(VM.SHARED) ? (a & Attr.DIRTY) !== 0 : page >= 0 && (k.mem.pageFlags[pfn] & PageFlag.ANON_EXCLUSIVE) !== 0) na |= Attr.WRITE;
          }
        }
        if (na !== a) out = c.leaf(c.pfnAt(elo, ehi, ev), na, level);
      } else {
        const leaf = decodeSoftleaf(c, elo, ehi, level, sl);
        if (leaf.kind === Leaf.MARKER) {
          // change_pte_range skips guard and poison markers.
          if ((leaf.offset & (MARKER.GUARD | MARKER.POISONED)) !== 0) continue;
          const bits = enable ? leaf.offset | MARKER.UFFD_WP : leaf.offset & ~MARKER.UFFD_WP;
          if (bits !== leaf.offset) out = bits !== 0 ? makeMarker(c, bits) : { lo: 0, hi: 0 };
        } else {
          const f = enable ? leaf.flags | SwpFlag.UFFD_WP : leaf.flags & ~SwpFlag.UFFD_WP;
          if (f !== leaf.flags) out = c.swap(c.swpType(elo, ehi), c.swpOffset(elo, ehi), f);
        }
      }
      if (out) {
        k.walker.set(mm, k.rmap, slot, index + i, level, ev, out.lo, out.hi);
        if (level === 0 && !v.has(VM.HUGETLB)) tryFold(k, mm, slot, index + i, ev); // modify_prot_commit -> set_ptes
      }
    }
    vpn = st.vpn + st.npages;
  }
}

/**
 * A write hit a uffd-wp entry. Async mode resolves it in place; sync mode
 * delivers an event and the model's handler un-write-protects the page.
 */
export function uffdWpFault(k: Kernel, mm: Mm, vma: Vma, vpn: number): void {
  if (!vma.uffd?.async) k.uffdEvents.push({ pid: mm.pid, vpn, kind: 'wp' });
  const per = vma.has(VM.HUGETLB) ? hugeSize(vma) / k.pageSize : 1;
  const base = vpn - ((vpn - vma.start) % per);
  wpRange(k, mm, vma, base, base + per, false);
}

/** PAGEMAP_SCAN's WPALLOWED: the VMA is registered for async wp with markers for unpopulated pages. */
export function wpAsyncAllowed(v: Vma): boolean {
  return v.has(VM.UFFD_WP) && (v.uffd?.async ?? false) && (v.uffd?.wpUnpopulated ?? false);
}
