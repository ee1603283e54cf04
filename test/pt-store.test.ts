// The table store: slots of page-table memory backed by frames of a FrameSource.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PtRoot, TableStore, type FrameSource } from '../src/pt/store.js';
import { FrameKind, PhysMem } from '../src/mem/phys.js';

/** Hands out pfns first, first+1, ... and records what comes back. */
class Frames implements FrameSource {
  next: number;
  readonly freed: number[] = [];
  constructor(first = 100) {
    this.next = first;
  }
  allocTableFrame(): number {
    return this.next++;
  }
  freeTableFrame(pfn: number): void {
    this.freed.push(pfn);
  }
}

/** Word index of entry `i` of `slot` (lo; hi is +1). */
const at = (s: TableStore, slot: number, i: number): number => (slot * s.stride + i) * 2;

describe('TableStore', () => {
  test('alloc hands out slots with their frame, level and pfn mapping', () => {
    const fr = new Frames();
    const s = new TableStore(4, fr, 2);
    assert.equal(s.live, 0);
    assert.equal(s.alloc(0), 0);
    assert.equal(s.alloc(3), 1);
    assert.equal(s.live, 2);
    assert.deepEqual([s.slotPfn[0], s.slotPfn[1]], [100, 101]);
    assert.deepEqual([s.slotLevel[0], s.slotLevel[1]], [0, 3]);
    assert.deepEqual([s.slotUsed[0], s.slotUsed[1]], [0, 0]);
    assert.equal(s.slotOfPfn(100), 0);
    assert.equal(s.slotOfPfn(101), 1);
    assert.equal(s.slotOfPfn(102), -1);
    assert.equal(s.slotOfPfn(99), -1);
    assert.equal(s.slotOfPfn(1e9), -1);
    assert.deepEqual([...s.slots()], [0, 1]);
    assert.equal(s.words.length, 2 * 4 * 2);
    assert.ok(s.words.every((w) => w === 0));
  });

  test('free zeroes only that table, unmaps its pfn, returns its frame', () => {
    const fr = new Frames();
    const s = new TableStore(4, fr, 4);
    const a = s.alloc(0);
    const b = s.alloc(1);
    s.words[at(s, a, 3)] = 0x11111111;
    s.words[at(s, b, 0)] = 0x22222222;
    s.words[at(s, b, 3) + 1] = 0x33333333;
    s.free(b);
    assert.equal(s.live, 1);
    assert.equal(s.slotLevel[b], -1);
    assert.equal(s.slotOfPfn(101), -1);
    assert.deepEqual(fr.freed, [101]);
    assert.equal(s.words[at(s, b, 0)], 0);
    assert.equal(s.words[at(s, b, 3) + 1], 0);
    assert.equal(s.words[at(s, a, 3)], 0x11111111);
    assert.deepEqual([...s.slots()], [a]);
  });

  test('freed slots are reused (last freed first) with fresh frames and reset counters', () => {
    const fr = new Frames();
    const s = new TableStore(4, fr, 4);
    const a = s.alloc(0);
    const b = s.alloc(0);
    const c = s.alloc(0);
    s.slotShare[b] = 3;
    s.free(a);
    s.free(b);
    const d = s.alloc(2);
    assert.equal(d, b);
    assert.equal(s.slotLevel[d], 2);
    assert.equal(s.slotShare[d], 0);
    assert.equal(s.slotUsed[d], 0);
    assert.equal(s.slotPfn[d], 103);
    assert.equal(s.slotOfPfn(103), d);
    assert.equal(s.slotOfPfn(101), -1);
    assert.equal(s.alloc(1), a);
    assert.equal(s.alloc(1), 3); // the free list is empty: the next new slot
    assert.deepEqual([...s.slots()], [0, 1, 2, 3]);
    assert.equal(s.live, 4);
    assert.equal(c, 2);
  });

  test('growth beyond the initial capacity keeps entries and per-slot state', () => {
    const fr = new Frames();
    const s = new TableStore(4, fr, 2);
    const a = s.alloc(0);
    const b = s.alloc(1);
    s.words[at(s, a, 3)] = 0x11111111;
    s.words[at(s, a, 3) + 1] = 0x22222222;
    s.words[at(s, b, 0)] = 0xdeadbeef;
    s.slotUsed[a] = 1;
    s.slotShare[b] = 2;
    for (let i = 0; i < 3; i++) assert.equal(s.alloc(2), 2 + i);
    assert.equal(s.slotPfn.length, 8);
    assert.equal(s.words.length, 8 * 4 * 2);
    assert.equal(s.words[at(s, a, 3)], 0x11111111);
    assert.equal(s.words[at(s, a, 3) + 1], 0x22222222);
    assert.equal(s.words[at(s, b, 0)], 0xdeadbeef);
    assert.equal(s.slotUsed[a], 1);
    assert.equal(s.slotShare[b], 2);
    assert.deepEqual([...s.slotLevel], [0, 1, 2, 2, 2, -1, -1, -1]);
    assert.deepEqual([...s.slotPfn.subarray(0, 5)], [100, 101, 102, 103, 104]);
    for (let i = 0; i < 5; i++) assert.equal(s.slotOfPfn(100 + i), i);
    assert.deepEqual([...s.slots()], [0, 1, 2, 3, 4]);
    assert.equal(s.live, 5);
  });

  test('the pfn -> slot map grows for high pfns', () => {
    const s = new TableStore(2, new Frames(5000), 2);
    assert.equal(s.alloc(0), 0);
    assert.ok(s.slotOfPfnPlus1.length > 5000);
    assert.equal(s.slotOfPfn(5000), 0);
    assert.equal(s.slotOfPfn(4999), -1);
  });

  test('freeing a table with entries in use throws and changes nothing', () => {
    const fr = new Frames();
    const s = new TableStore(4, fr, 2);
    const a = s.alloc(1);
    s.slotUsed[a] = 2;
    assert.throws(() => s.free(a), { message: 'freeing page table slot 0 with 2 entries in use' });
    assert.equal(s.live, 1);
    assert.equal(s.slotLevel[a], 1);
    assert.equal(s.slotOfPfn(100), a);
    assert.deepEqual(fr.freed, []);
  });

  test('double free throws and does not return the frame twice', () => {
    const fr = new Frames();
    const s = new TableStore(4, fr, 2);
    const a = s.alloc(0);
    s.free(a);
    assert.throws(() => s.free(a), { message: 'double free of page table slot 0' });
    assert.deepEqual(fr.freed, [100]);
    assert.equal(s.live, 0);
    // The slot is handed out once, not twice.
    assert.equal(s.alloc(0), a);
    assert.equal(s.alloc(0), 1);
  });

  test('with PhysMem as the frame source, tables are TABLE frames and go back to the allocator', () => {
    const mem = new PhysMem(512);
    const s = new TableStore(512, mem);
    const a = s.alloc(0);
    const pfn = s.slotPfn[a];
    assert.equal(mem.kind[pfn], FrameKind.TABLE);
    assert.notEqual(pfn, mem.zeroPfn);
    assert.equal(mem.inUse[FrameKind.TABLE], 1);
    s.free(a);
    assert.equal(mem.kind[pfn], FrameKind.FREE);
    assert.equal(mem.inUse[FrameKind.TABLE], 0);
    const b = s.alloc(0);
    assert.equal(b, a);
    assert.equal(s.slotPfn[b], pfn); // the frame comes back from PhysMem's free list
    assert.throws(() => mem.freeTableFrame(mem.zeroPfn), /is not a page table/);
  });
});

describe('PtRoot', () => {
  test('counts tables per level, starting empty', () => {
    const r = new PtRoot(7, 5);
    assert.equal(r.rootSlot, 7);
    assert.deepEqual([...r.tables], [0, 0, 0, 0, 0]);
  });
});

describe('TableStore with tables of different sizes per level', () => {
  test('carves each table its own size, reuses a freed slot only for a table of that size, keeps runs contiguous', () => {
    const fr = new Frames(100);
    // radix-64K: a 32-entry PTE table, 512-entry PMD/PUD tables, an 8192-entry pgd.
    const s = new TableStore(8192, fr, 2, [32, 512, 512, 8192]);
    const pgd = s.alloc(3);
    const pte = s.alloc(0);
    const pmd = s.alloc(1);
    assert.deepEqual([s.slotBase[pgd], s.slotEntries[pgd]], [0, 8192]);
    assert.deepEqual([s.slotBase[pte], s.slotEntries[pte]], [8192 * 2, 32]);
    assert.deepEqual([s.slotBase[pmd], s.slotEntries[pmd]], [8192 * 2 + 64, 512]);
    s.words[s.slotBase[pte] + 2 * 31] = 7;
    s.words[s.slotBase[pte] + 2 * 31] = 0;
    s.free(pte);
    const pmd2 = s.alloc(1);
    assert.notEqual(pmd2, pte, 'a 512-entry table does not take a freed 32-entry slot');
    const pte2 = s.alloc(0);
    assert.equal(pte2, pte, 'a 32-entry table does');
    assert.equal(s.slotBase[pte2], 8192 * 2);
    // A run: consecutive slots and consecutive words.
    const r = s.allocRun(0, 2);
    assert.equal(s.slotBase[r + 1], s.slotBase[r] + 32 * 2);
    assert.equal(s.live, 6);
  });
});
