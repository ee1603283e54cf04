// Pins and GUP references (mm/gup.c try_grab_folio, gup_put_folio,
// unpin_user_pages): FOLL_GET takes one reference; FOLL_PIN takes
// GUP_PIN_COUNTING_BIAS (1024) references on a small folio, one reference and
// one _pincount on a large one, nothing on the zero folios. Every grab is kept
// in a PinRecord so that releases, process exit and the checker agree.
import { GUP_PIN_COUNTING_BIAS } from '../mem/phys.js';
import { fail } from './errno.js';
import type { Kernel } from './kernel.js';

/** FOLL_PIN (mm/internal.h); the rest of the FOLL_ flags live in src/gup. */
export const FOLL_PIN = 1 << 19;

/**
 * try_grab_folio skips only is_zero_folio(): the 4K zero page. The huge zero
 * folio is referenced and pinned like any large folio (the 6.18 change that
 * made its PMDs special keeps "GUP can still take a reference on them").
 */
export function isZeroFolioPage(k: Kernel, pfn: number): boolean {
  return pfn === k.mem.zeroPfn;
}

/** try_grab_folio for one page; returns false when the folio cannot be grabbed. */
export function grab(k: Kernel, pfn: number, flags: number): boolean {
  const mem = k.mem;
  // The zero page is never pinned, and the model does not refcount it.
  if (isZeroFolioPage(k, pfn)) return true;
  if (!mem.isFolioPage(pfn)) return false;
  const h = mem.headOf(pfn);
  if (mem.refcount[h] <= 0) return false;
  if ((flags & FOLL_PIN) !== 0) {
    if (mem.order[h] > 0) {
      mem.refcount[h] += 1;
      mem.pincount[h] += 1;
    } else mem.refcount[h] += GUP_PIN_COUNTING_BIAS;
  } else mem.refcount[h] += 1;
  return true;
}

/** gup_put_folio for one page. */
export function release(k: Kernel, pfn: number, pin: boolean): void {
  const mem = k.mem;
  if (!mem.isFolioPage(pfn) || isZeroFolioPage(k, pfn)) return;
  const h = mem.headOf(pfn);
  if (pin && mem.order[h] > 0) {
    mem.pincount[h] -= 1;
    mem.put(h, 1);
  } else mem.put(h, pin ? GUP_PIN_COUNTING_BIAS : 1);
}

/** unpin_user_pages / put_page for every page of a GUP record. */
export function releaseRecord(k: Kernel, record: number): void {
  const rec = k.pins.get(record);
  if (!rec) fail('EINVAL', `no GUP record ${record}`);
  k.pins.delete(record);
  for (const pfn of rec.pfns) release(k, pfn, rec.pin);
}

/** A process's pins go with it (its io_uring fixed buffers are unregistered at exit). */
export function releaseRecordsOf(k: Kernel, pid: number): void {
  for (const rec of [...k.pins.values()]) if (rec.pid === pid) releaseRecord(k, rec.id);
}

/** The references and pins the GUP records hold on folio h: the checker's expectation. */
export function gupRefs(k: Kernel): { refs: Map<number, number>; pins: Map<number, number> } {
  const refs = new Map<number, number>();
  const pins = new Map<number, number>();
  for (const rec of k.pins.values()) {
    for (const pfn of rec.pfns) {
      if (!k.mem.isFolioPage(pfn) || isZeroFolioPage(k, pfn)) continue;
      const h = k.mem.headOf(pfn);
      const large = k.mem.order[h] > 0;
      refs.set(h, (refs.get(h) ?? 0) + (rec.pin && !large ? GUP_PIN_COUNTING_BIAS : 1));
      if (rec.pin && large) pins.set(h, (pins.get(h) ?? 0) + 1);
    }
  }
  return { refs, pins };
}
