// The C baseline: compile bench/c/walk.c with `gcc -O2` into a temp folder,
// write the trees (the TableStore's words plus its pfn -> slot map) and the
// lookup vpns there, and drive one long-lived C process over a pipe, one
// command per sample, so C samples interleave with the TypeScript ones.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sum } from './sum.js';
import { type Tree } from './tree.js';

/** bench/c/walk.c, found from dist/bench/ (compiled) or bench/ (source). */
export function cSourcePath(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../bench/c/walk.c'), resolve(here, 'c/walk.c'), resolve(process.cwd(), 'bench/c/walk.c')];
  for (const p of candidates) if (existsSync(p)) return p;
  return null;
}

/** The page-table image C loads: header, the used slots' entries, the pfn -> slot map. */
export function treeImage(tree: Tree): Buffer {
  const store = tree.walker.store;
  if (store.stride !== 512) throw new Error('the C baseline is x86-64 only');
  let slots = 0;
  for (let s = 0; s < store.slotLevel.length; s++) if (store.slotLevel[s] >= 0) slots = s + 1;
  // Every x86-64 table has 512 entries, so slot s starts at word s * 1024 (TableStore carves in order).
  for (let s = 0; s < slots; s++) if (store.slotBase[s] !== s * 1024) throw new Error(`slot ${s} is not at word ${s * 1024}`);
  const words = store.words.subarray(0, slots * 1024);
  const map = store.slotOfPfnPlus1;
  const header = new Uint32Array([0x42534d4d, 1, tree.root.rootSlot, slots, map.length, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from(header.buffer, header.byteOffset, header.byteLength),
    Buffer.from(words.buffer, words.byteOffset, words.byteLength),
    Buffer.from(map.buffer, map.byteOffset, map.byteLength),
  ]);
}

export interface CReply {
  ms: number;
  reps: number;
  sum: Sum;
}

export type CCommand = 'A' | 'B' | 'L';

/** A running C baseline process. */
export class CBaseline {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];
  private exited = false;
  private readonly exitedPromise: Promise<void>;
  private readonly dir: string;

  private constructor(child: ChildProcessWithoutNullStreams, dir: string) {
    this.child = child;
    this.dir = dir;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.exitedPromise = new Promise<void>((res) => {
      child.on('exit', () => {
        this.exited = true;
        for (const w of this.waiting.splice(0)) w('{"error":"C baseline exited"}');
        res();
      });
    });
  }

  /**
   * Compile the C program and start it on the given trees, or return the
   * reason it cannot run (no gcc, no source): the caller reports C as skipped.
   */
  static start(treeA: Tree, treeB: Tree, vpns: Float64Array, cc = process.env.CC ?? 'gcc'): CBaseline | string {
    const src = cSourcePath();
    if (src === null) return 'bench/c/walk.c not found';
    const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) return `${cc} not found`;
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-bench-'));
    const exe = join(dir, 'walk');
    const build = spawnSync(cc, ['-O2', '-o', exe, src], { encoding: 'utf8' });
    if (build.error || build.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      const why = (build.stderr || String(build.error)).trim().split('\n');
      return `${cc} -O2 failed: ${why.find((l) => l.includes('error')) ?? why[0]}`;
    }
    const a = join(dir, 'a.img');
    const b = join(dir, 'b.img');
    const l = join(dir, 'lookups.f64');
    writeFileSync(a, treeImage(treeA));
    writeFileSync(b, treeImage(treeB));
    writeFileSync(l, new Uint8Array(vpns.buffer, vpns.byteOffset, vpns.byteLength));
    const child = spawn(exe, [a, b, l], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => process.stderr.write(`[c baseline] ${d}`));
    return new CBaseline(child, dir);
  }

  private nextLine(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.exited) return Promise.resolve('{"error":"C baseline exited"}');
    return new Promise((res) => this.waiting.push(res));
  }

  /** Run `cmd` `reps` times in C; per-call time and the last checksum. */
  async run(cmd: CCommand, reps: number): Promise<CReply> {
    this.child.stdin.write(`${cmd} ${Math.max(1, Math.round(reps))}\n`);
    const line = await this.nextLine();
    const j = JSON.parse(line) as { ms?: number; reps?: number; n?: number; s?: number; v?: number; w?: number; error?: string };
    if (j.error !== undefined || j.ms === undefined) throw new Error(`C baseline: ${j.error ?? line}`);
    const sum = new Sum();
    sum.n = j.n ?? NaN;
    sum.s = j.s ?? NaN;
    sum.v = j.v ?? NaN;
    sum.w = j.w ?? NaN;
    return { ms: j.ms, reps: j.reps ?? reps, sum };
  }

  async close(): Promise<void> {
    if (!this.exited) this.child.stdin.end('Q\n');
    await this.exitedPromise;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
