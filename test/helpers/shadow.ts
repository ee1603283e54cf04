// A shadow of what user space must observe, page by page, independent of the
// model's VMAs and page tables: for every process, which pages are mapped,
// with which protection, backed by what, and what a load returns. The
// property test predicts every syscall's result and every access's value or
// signal from this shadow, using the kernel's rules:
// - private anonymous pages read 0 until written; fork gives the child a copy
//   of the values (COW), shared mappings see each other's stores;
// - a private file page reads the file (page cache, including stores through
//   shared mappings) until it is copied: by a store, MADV_POPULATE_WRITE or
//   MAP_POPULATE of a writable private mapping; MADV_DONTNEED drops the copy;
// - a regular file page beyond EOF raises SIGBUS.
import type { FailureName } from '../../src/mm/errno.js';
import { PROT } from '../../src/mm/syscalls.js';

export interface SPage {
  prot: number;
  /** MAP_SHARED. */
  shared: boolean;
  /** '' for private anonymous memory; 'file:<name>' or 'shm:<n>' (shared anonymous). */
  obj: string;
  /** Page index in the object (file offset in pages). */
  index: number;
  /** Private content once the page was copied (private mappings only); null: not copied. */
  priv: number | null;
  dontfork: boolean;
  wipeonfork: boolean;
}

/** What an operation on the shadow expects: success, an errno/signal, or a case to skip. */
export type Expect = { code: null } | { code: FailureName } | { skip: string };
export const OK: Expect = { code: null };
export const err = (code: FailureName): Expect => ({ code });

export class Shadow {
  readonly procs = new Map<number, Map<number, SPage>>();
  private readonly stores = new Map<string, Map<number, number>>();
  private readonly fileSizes = new Map<string, number>();
  private nextShm = 1;
  private readonly tagOf: (index: number) => number;

  constructor(tagOf: (index: number) => number) {
    this.tagOf = tagOf;
  }

  addFile(name: string, sizePages: number): void {
    this.fileSizes.set(`file:${name}`, sizePages);
  }

  newShm(): string {
    return `shm:${this.nextShm++}`;
  }

  spawn(pid: number): void {
    this.procs.set(pid, new Map());
  }

  pages(pid: number): Map<number, SPage> {
    const m = this.procs.get(pid);
    if (!m) throw new Error(`shadow: no process ${pid}`);
    return m;
  }

  isFile(p: SPage): boolean {
    return p.obj.startsWith('file:');
  }

  isAnon(p: SPage): boolean {
    return p.obj === '';
  }

  beyondEof(p: SPage): boolean {
    const size = this.fileSizes.get(p.obj);
    return size !== undefined && p.index >= size;
  }

  /** The object's current content at p.index (files start with their tags, shmem with 0). */
  objectValue(p: SPage): number {
    const v = this.stores.get(p.obj)?.get(p.index);
    if (v !== undefined) return v;
    return this.isFile(p) ? this.tagOf(p.index) : 0;
  }

  /** What a load would return, ignoring permissions (the page must be readable and inside the file). */
  value(p: SPage): number {
    if (!p.shared && p.priv !== null) return p.priv;
    if (!p.shared && this.isAnon(p)) return 0;
    return this.objectValue(p);
  }

  /** Whether no page of [start, start+n) is mapped. */
  free(pid: number, start: number, n: number): boolean {
    const m = this.pages(pid);
    for (let v = start; v < start + n; v++) if (m.has(v)) return false;
    return true;
  }

  // ------------------------------------------------------------ accesses

  read(pid: number, vpn: number): number | FailureName {
    const p = this.pages(pid).get(vpn);
    if (!p || p.prot === PROT.NONE) return 'SIGSEGV';
    if ((p.shared || p.priv === null) && this.beyondEof(p)) return 'SIGBUS';
    return this.value(p);
  }

  write(pid: number, vpn: number, value: number): FailureName | null {
    const p = this.pages(pid).get(vpn);
    if (!p || (p.prot & PROT.WRITE) === 0) return 'SIGSEGV';
    if ((p.shared || p.priv === null) && this.beyondEof(p)) return 'SIGBUS';
    if (p.shared) {
      let s = this.stores.get(p.obj);
      if (!s) this.stores.set(p.obj, (s = new Map()));
      s.set(p.index, value >>> 0);
    } else p.priv = value >>> 0;
    return null;
  }

  // -------------------------------------------------------- mapping edits

  unmap(pid: number, start: number, n: number): void {
    const m = this.pages(pid);
    for (let v = start; v < start + n; v++) m.delete(v);
  }

  /** A new mapping of n pages at start (anything there is replaced). */
  map(pid: number, start: number, n: number, proto: { prot: number; shared: boolean; obj: string; index: number }): void {
    const m = this.pages(pid);
    for (let i = 0; i < n; i++) {
      m.set(start + i, { prot: proto.prot, shared: proto.shared, obj: proto.obj, index: proto.index + i, priv: null, dontfork: false, wipeonfork: false });
    }
  }

  /** MAP_POPULATE / MADV_POPULATE_WRITE on a private page: the copy is made now, with today's content. */
  breakCow(p: SPage): void {
    if (!p.shared) p.priv = this.value(p);
  }

  // ---------------------------------------------------------- syscalls

  /** mprotect semantics after argument checks: VMA by VMA until the first hole (ENOMEM). */
  mprotect(pid: number, start: number, n: number, prot: number): Expect {
    const m = this.pages(pid);
    if (!m.has(start)) return err('ENOMEM');
    for (let v = start; v < start + n; v++) {
      const p = m.get(v);
      if (!p) return err('ENOMEM');
      p.prot = prot;
    }
    return OK;
  }

  /** madvise semantics after argument checks. */
  madvise(pid: number, start: number, n: number, advice: string): Expect {
    const m = this.pages(pid);
    let hole = false;
    if (advice === 'populate_read' || advice === 'populate_write') {
      const write = advice === 'populate_write';
      for (let v = start; v < start + n; v++) {
        const p = m.get(v);
        if (!p) return err('ENOMEM');
        if ((p.prot & (write ? PROT.WRITE : PROT.READ)) === 0) return err('EINVAL');
        if (this.beyondEof(p) && (p.shared || p.priv === null)) return err('EFAULT');
        if (write) this.breakCow(p);
      }
      return OK;
    }
    if (advice === 'wipeonfork') {
      // Any file/shared page in the range: EINVAL. The kernel changes the VMAs
      // before the first such one (madvise_walk_vmas); the model changes none.
      let anonBefore = false;
      for (let v = start; v < start + n; v++) {
        const p = m.get(v);
        if (!p) continue;
        if (p.shared || !this.isAnon(p)) {
          if (anonBefore) return { skip: 'known bug: MADV_WIPEONFORK changes nothing when a later VMA fails' };
          return err('EINVAL');
        }
        anonBefore = true;
      }
    }
    for (let v = start; v < start + n; v++) {
      const p = m.get(v);
      if (!p) {
        hole = true;
        continue;
      }
      if (advice === 'dontneed' && !p.shared) p.priv = null;
      if (advice === 'dontfork') p.dontfork = true;
      if (advice === 'dofork') p.dontfork = false;
      if (advice === 'wipeonfork') p.wipeonfork = true;
      if (advice === 'keeponfork') p.wipeonfork = false;
    }
    return hole ? err('ENOMEM') : OK;
  }

  /**
   * Move n pages from old to dest (mremap), then add `extra` pages that
   * continue the mapping; with dontunmap the old pages stay, emptied.
   */
  move(pid: number, old: number, n: number, dest: number, extra: number, dontunmap: boolean): void {
    const m = this.pages(pid);
    const moved: SPage[] = [];
    for (let i = 0; i < n; i++) {
      const p = m.get(old + i);
      if (!p) throw new Error(`shadow: moving unmapped page ${old + i}`);
      moved.push({ ...p });
    }
    for (let i = 0; i < n; i++) {
      if (dontunmap) {
        const p = m.get(old + i) as SPage;
        if (!p.shared) p.priv = null;
      } else m.delete(old + i);
    }
    moved.forEach((p, i) => m.set(dest + i, p));
    const last = moved[moved.length - 1];
    for (let j = 0; j < extra; j++) {
      m.set(dest + n + j, { ...last, index: last.index + 1 + j, priv: null });
    }
  }

  fork(parent: number, child: number): void {
    const c = new Map<number, SPage>();
    for (const [v, p] of this.pages(parent)) {
      if (p.dontfork) continue;
      c.set(v, { ...p, priv: p.wipeonfork ? null : p.priv });
    }
    this.procs.set(child, c);
  }

  exit(pid: number): void {
    this.procs.delete(pid);
  }
}
