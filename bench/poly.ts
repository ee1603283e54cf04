// Other visitor classes, to make Walker.walk's call sites polymorphic or
// megamorphic before measuring (`--poly N`), as they are in the simulator,
// where smaps, pagemap, ptdump, zap, mprotect, fork and the invariant checker
// all walk through the same walkTable. V8 inlines up to 4 targets at a call
// site; from the 5th on the leaf call is a real (megamorphic) call per leaf.
import { type PtRoot } from '../src/pt/store.js';
import { BaseVisitor, WALK_CONTINUE, type Visitor } from '../src/walk/walker.js';

/** A per-table batch hook that answers "per entry", as most simulator visitors do. */
class PolyBase extends BaseVisitor {
  protoLeafTable(_slot: number, _tableVpn: number, _first: number, _end: number, _words: Uint32Array, _base: number): number {
    return -1;
  }
}

class P1 extends PolyBase {
  n = 0;
  override leaf(): number {
    this.n++;
    return WALK_CONTINUE;
  }
}
class P2 extends PolyBase {
  m = 0;
  override leaf(vpn: number): number {
    if (vpn > this.m) this.m = vpn;
    return WALK_CONTINUE;
  }
}
class P3 extends PolyBase {
  x = 0;
  override leaf(_vpn: number, _n: number, _l: number, lo: number): number {
    this.x ^= lo;
    return WALK_CONTINUE;
  }
}
class P4 extends PolyBase {
  h = 0;
  override hole(_vpn: number, npages: number): number {
    this.h += npages;
    return WALK_CONTINUE;
  }
}
class P5 extends PolyBase {
  t = 0;
  override tablePre(): number {
    this.t++;
    return WALK_CONTINUE;
  }
}
class P6 extends PolyBase {
  p = 0;
  override leaf(_vpn: number, npages: number): number {
    this.p += npages;
    return WALK_CONTINUE;
  }
}
class P7 extends PolyBase {
  l = 0;
  override leaf(_vpn: number, _n: number, level: number): number {
    this.l += level;
    return WALK_CONTINUE;
  }
}

const MAKERS: (() => Visitor)[] = [() => new P1(), () => new P2(), () => new P3(), () => new P4(), () => new P5(), () => new P6(), () => new P7()];

/** The most other visitor classes `pollute` can use. */
export const MAX_POLY = MAKERS.length;

export interface Walkable {
  walk(root: PtRoot, start: number, end: number, v: Visitor): number;
}

/** Walk [start, end) a few times with each of `n` other visitor classes. */
export function pollute(w: Walkable, root: PtRoot, start: number, end: number, n: number): void {
  for (let k = 0; k < 2; k++) for (let i = 0; i < Math.min(n, MAKERS.length); i++) w.walk(root, start, end, MAKERS[i]());
}
