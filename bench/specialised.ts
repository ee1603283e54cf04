// The hand-specialised TypeScript baseline: x86-64 4-level paging hard-coded
// (512 entries a table; vpn index shifts 27/18/9/0, i.e. address shifts
// 39/30/21/12; present = bit 0, RW = bit 1, PSE (leaf at PMD/PUD) = bit 7,
// pfn = bits 12..51), one nested loop per level with every constant inlined.
//
// BENCHMARK-ONLY: it reads TableStore.words and TableStore.slotOfPfnPlus1
// directly. Outside bench/ nothing but src/walk may index a table; this file
// does so only to measure what the generic walker costs against the best
// hand-written TypeScript for the same data.
import { type TableStore } from '../src/pt/store.js';
import { Sum } from './sum.js';

/** Full walk of a 4-level x86-64 tree. Same checksum as the generic visitor. */
export class SpecialisedWalk {
  readonly out = new Sum();
  private readonly store: TableStore;
  private readonly rootSlot: number;

  constructor(store: TableStore, rootSlot: number) {
    if (store.stride !== 512) throw new Error('the specialised walker is x86-64 only (512-entry tables)');
    // It indexes slot s at word s * 1024: true when every table has 512 entries (TableStore carves in order).
    for (const s of store.slots()) if (store.slotBase[s] !== s * 1024) throw new Error(`slot ${s} is not at word ${s * 1024}`);
    this.store = store;
    this.rootSlot = rootSlot;
  }

  run(): Sum {
    const t = this.store.words;
    const map = this.store.slotOfPfnPlus1;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    const b4 = this.rootSlot * 1024;
    for (let i4 = 0; i4 < 512; i4++) {
      const lo4 = t[b4 + 2 * i4];
      if ((lo4 & 1) === 0) continue;
      const b3 = (map[(lo4 >>> 12) + (t[b4 + 2 * i4 + 1] & 0xfffff) * 1048576] - 1) * 1024;
      const vpn4 = i4 * 134217728; // 2^27 pages per PGD entry
      for (let i3 = 0; i3 < 512; i3++) {
        const lo3 = t[b3 + 2 * i3];
        if ((lo3 & 1) === 0) continue;
        const pfn3 = (lo3 >>> 12) + (t[b3 + 2 * i3 + 1] & 0xfffff) * 1048576;
        const vpn3 = vpn4 + i3 * 262144; // 2^18 pages per PUD entry
        if ((lo3 & 0x80) !== 0) {
          n++;
          w += (lo3 >>> 1) & 1;
          s += pfn3;
          v += vpn3;
          continue;
        }
        const b2 = (map[pfn3] - 1) * 1024;
        for (let i2 = 0; i2 < 512; i2++) {
          const lo2 = t[b2 + 2 * i2];
          if ((lo2 & 1) === 0) continue;
          const pfn2 = (lo2 >>> 12) + (t[b2 + 2 * i2 + 1] & 0xfffff) * 1048576;
          const vpn2 = vpn3 + i2 * 512;
          if ((lo2 & 0x80) !== 0) {
            n++;
            w += (lo2 >>> 1) & 1;
            s += pfn2;
            v += vpn2;
            continue;
          }
          const b1 = (map[pfn2] - 1) * 1024;
          for (let i1 = 0; i1 < 512; i1++) {
            const lo = t[b1 + 2 * i1];
            if ((lo & 1) === 0) continue;
            n++;
            w += (lo >>> 1) & 1;
            s += (lo >>> 12) + (t[b1 + 2 * i1 + 1] & 0xfffff) * 1048576;
            v += vpn2 + i1;
          }
        }
      }
    }
    const o = this.out;
    o.n = n;
    o.s = s;
    o.v = v;
    o.w = w;
    return o;
  }
}

/** Point lookups (vpn -> page pfn) on a 4-level x86-64 tree; sums pfn + offset in the leaf. */
export class SpecialisedLookups {
  readonly out = new Sum();
  private readonly store: TableStore;
  private readonly rootSlot: number;
  private readonly vpns: Float64Array;

  constructor(store: TableStore, rootSlot: number, vpns: Float64Array) {
    if (store.stride !== 512) throw new Error('the specialised walker is x86-64 only (512-entry tables)');
    this.store = store;
    this.rootSlot = rootSlot;
    this.vpns = vpns;
  }

  run(): Sum {
    const t = this.store.words;
    const map = this.store.slotOfPfnPlus1;
    const vpns = this.vpns;
    const b4 = this.rootSlot * 1024;
    let n = 0;
    let s = 0;
    let v = 0;
    let w = 0;
    for (let k = 0; k < vpns.length; k++) {
      const vpn = vpns[k];
      // vpn < 2^35: `(x) & 511` truncates the (non-negative) double and keeps the index bits.
      const o4 = b4 + 2 * ((vpn * (1 / 134217728)) & 511);
      const lo4 = t[o4];
      if ((lo4 & 1) === 0) continue;
      const b3 = (map[(lo4 >>> 12) + (t[o4 + 1] & 0xfffff) * 1048576] - 1) * 1024;
      const o3 = b3 + 2 * ((vpn * (1 / 262144)) & 511);
      const lo3 = t[o3];
      if ((lo3 & 1) === 0) continue;
      const pfn3 = (lo3 >>> 12) + (t[o3 + 1] & 0xfffff) * 1048576;
      let lo: number;
      let pfn: number;
      if ((lo3 & 0x80) !== 0) {
        lo = lo3;
        pfn = pfn3 + (vpn & 262143);
      } else {
        const b2 = (map[pfn3] - 1) * 1024;
        const o2 = b2 + 2 * ((vpn * (1 / 512)) & 511);
        const lo2 = t[o2];
        if ((lo2 & 1) === 0) continue;
        const pfn2 = (lo2 >>> 12) + (t[o2 + 1] & 0xfffff) * 1048576;
        if ((lo2 & 0x80) !== 0) {
          lo = lo2;
          pfn = pfn2 + (vpn & 511);
        } else {
          const b1 = (map[pfn2] - 1) * 1024;
          const o1 = b1 + 2 * (vpn & 511);
          lo = t[o1];
          if ((lo & 1) === 0) continue;
          pfn = (lo >>> 12) + (t[o1 + 1] & 0xfffff) * 1048576;
        }
      }
      n++;
      w += (lo >>> 1) & 1;
      s += pfn;
      v += vpn;
    }
    const o = this.out;
    o.n = n;
    o.s = s;
    o.v = v;
    o.w = w;
    return o;
  }
}
