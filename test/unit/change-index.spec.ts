import { expect, test } from '@playwright/test';
import { encodeChunk, repack, type ChangeChunk, type ChangeOp } from '../../src/engine/change-chunks.js';
import { ChangeIndex } from '../../src/engine/change-index.js';
import { unpackBytes } from '../../src/packed-bytes.js';

// Replaying a document's chunks into its live changes, as a cold load does: removals then puts
// per chunk, the last write of a key winning, dead bytes for what was overwritten or removed,
// and pack() copying the live changes out in slot order. Checked by hand on small cases and
// against a plain Map model on long random histories.

const put = (actor: string, seq: number, ...values: number[]): ChangeOp => ({
  actor,
  seq,
  bytes: new Uint8Array(values),
});
const del = (actor: string, seq: number): ChangeOp => ({ actor, seq, bytes: undefined });

function replay(...chunks: ChangeChunk[]): ChangeIndex {
  const index = new ChangeIndex();
  for (const c of chunks) index.addChunk(c);
  return index;
}

/** The live changes as `actor/seq=[bytes]` strings, in the index's order. */
function live(index: ChangeIndex): string[] {
  return [...index.entries()].map((op) => `${op.actor}/${op.seq}=[${[...(op.bytes ?? [])].join(',')}]`);
}

/** What pack() returned, as the same strings (without the keys, which pack leaves out). */
function packed(index: ChangeIndex): string[] {
  return unpackBytes(index.pack()).map((b) => `[${[...b].join(',')}]`);
}

test('one chunk replays its puts in order, all live, nothing dead', () => {
  const index = replay(encodeChunk('d', [put('a', 1, 1, 2), put('b', 1, 3), put('a', 2, 4, 5, 6)]));
  expect(live(index)).toEqual(['a/1=[1,2]', 'b/1=[3]', 'a/2=[4,5,6]']);
  expect(index.count).toBe(3);
  expect(index.liveBytes).toBe(6);
  expect(index.deadBytes).toBe(0);
});

test('a later chunk’s put of a key wins, keeps the key’s place, and the old bytes count as dead', () => {
  const index = replay(
    encodeChunk('d', [put('a', 1, 1, 1), put('a', 2, 2, 2, 2), put('a', 3, 3)]),
    encodeChunk('d', [put('a', 2, 9)]),
  );
  expect(live(index)).toEqual(['a/1=[1,1]', 'a/2=[9]', 'a/3=[3]']);
  expect(packed(index)).toEqual(['[1,1]', '[9]', '[3]']);
  expect(index.count).toBe(3);
  expect(index.liveBytes).toBe(4);
  // Stored: 6 + 1 bytes; live: 4; the three bytes of the overwritten a/2 are dead.
  expect(index.deadBytes).toBe(3);
});

test('a removal in a later chunk leaves a tombstone: the change is gone and its bytes dead', () => {
  const index = replay(
    encodeChunk('d', [put('a', 1, 1), put('b', 1, 2, 2), put('c', 1, 3, 3, 3)]),
    encodeChunk('d', [del('b', 1)]),
  );
  expect(live(index)).toEqual(['a/1=[1]', 'c/1=[3,3,3]']);
  expect(index.count).toBe(2);
  expect(index.liveBytes).toBe(4);
  expect(index.deadBytes).toBe(2);
  expect(packed(index)).toEqual(['[1]', '[3,3,3]']);
});

test('removing a key twice, or one never stored, changes nothing', () => {
  const index = replay(
    encodeChunk('d', [put('a', 1, 1, 1)]),
    encodeChunk('d', [del('a', 1), del('a', 2), del('z', 1)]),
    encodeChunk('d', [del('a', 1)]),
  );
  expect(live(index)).toEqual([]);
  expect(index.count).toBe(0);
  expect(index.liveBytes).toBe(0);
  expect(index.deadBytes).toBe(2);
});

test('a key put again after its removal is live again, in its first place', () => {
  const index = replay(
    encodeChunk('d', [put('a', 1, 1), put('a', 2, 2)]),
    encodeChunk('d', [del('a', 1)]),
    encodeChunk('d', [put('a', 1, 7, 7)]),
  );
  expect(live(index)).toEqual(['a/1=[7,7]', 'a/2=[2]']);
  expect(index.count).toBe(2);
  expect(index.deadBytes).toBe(1);
});

test('within one chunk removals replay before puts, so a put of the same key wins', () => {
  const index = replay(
    encodeChunk('d', [put('a', 1, 1)]),
    // encodeChunk does not coalesce, so this chunk holds both a removal and a put of a/1.
    encodeChunk('d', [put('a', 1, 5), del('a', 1)]),
  );
  expect(live(index)).toEqual(['a/1=[5]']);
  expect(index.deadBytes).toBe(1);
});

test('the same seq of different actors, and the same actor with different seqs, are different keys', () => {
  const index = replay(encodeChunk('d', [put('a', 1, 1), put('b', 1, 2), put('a', 10, 3)]));
  index.apply(del('b', 1));
  expect(live(index)).toEqual(['a/1=[1]', 'a/10=[3]']);
});

test('empty changes are live with zero bytes, and pack keeps them', () => {
  const index = replay(encodeChunk('d', [put('a', 1), put('a', 2, 4), put('a', 3)]));
  expect(index.count).toBe(3);
  expect(index.liveBytes).toBe(1);
  const p = index.pack();
  expect([...p.ends]).toEqual([0, 1, 1]);
  expect(packed(index)).toEqual(['[]', '[4]', '[]']);
});

test('buffered writes apply on top of the replayed chunks', () => {
  const index = replay(encodeChunk('d', [put('a', 1, 1), put('a', 2, 2, 2)]));
  index.apply(put('a', 2, 8));
  index.apply(del('a', 1));
  index.apply(put('b', 5, 6, 6, 6));
  expect(live(index)).toEqual(['a/2=[8]', 'b/5=[6,6,6]']);
  expect(packed(index)).toEqual(['[8]', '[6,6,6]']);
  expect(index.count).toBe(2);
  expect(index.liveBytes).toBe(4);
});

test('pack returns one fresh buffer: editing it leaves the index alone', () => {
  const chunk = encodeChunk('d', [put('a', 1, 1, 2), put('a', 2, 3)]);
  const index = replay(chunk);
  const p = index.pack();
  expect(p.bytes.byteLength).toBe(3);
  expect(p.bytes.buffer).not.toBe(chunk.bytes.buffer);
  p.bytes.fill(0);
  expect(packed(index)).toEqual(['[1,2]', '[3]']);
});

test('an empty index packs to nothing', () => {
  const p = new ChangeIndex().pack();
  expect(p.bytes.byteLength).toBe(0);
  expect(p.ends.length).toBe(0);
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces from its seed. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/**
 * The reference: a Map from key to bytes in order of first appearance, a removal leaving the key
 * in place with no value, plus the stored byte total of the replayed chunks.
 */
class Model {
  readonly values = new Map<string, { actor: string; seq: number; bytes: number[] | undefined }>();
  stored = 0;
  set(op: ChangeOp): void {
    const key = JSON.stringify([op.actor, op.seq]);
    const bytes = op.bytes === undefined ? undefined : [...op.bytes];
    const had = this.values.get(key);
    if (had === undefined && bytes === undefined) return;
    if (had === undefined) this.values.set(key, { actor: op.actor, seq: op.seq, bytes });
    else had.bytes = bytes;
  }
  live(): string[] {
    return [...this.values.values()]
      .filter((v) => v.bytes !== undefined)
      .map((v) => `${v.actor}/${v.seq}=[${(v.bytes ?? []).join(',')}]`);
  }
  liveBytes(): number {
    let n = 0;
    for (const v of this.values.values()) n += v.bytes?.length ?? 0;
    return n;
  }
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`a random history of 40 chunks matches the model (seed ${seed})`, () => {
    const rand = rng(seed);
    const index = new ChangeIndex();
    const model = new Model();
    const actors = ['a', 'b', 'c:1', ''];
    const diverged: number[] = [];
    for (let c = 0; c < 40; c++) {
      // A flush coalesces per key, so a chunk holds one operation per key.
      const ops = new Map<string, ChangeOp>();
      const n = 1 + rand(12);
      for (let i = 0; i < n; i++) {
        const actor = actors[rand(actors.length)] as string;
        const seq = rand(15);
        const op =
          rand(4) === 0
            ? del(actor, seq)
            : put(actor, seq, ...Array.from({ length: rand(5) }, () => rand(256)));
        ops.set(`${actor}\n${seq}`, op);
      }
      const chunk = encodeChunk('d', ops.values());
      index.addChunk(chunk);
      model.stored += chunk.bytes.byteLength;
      // Within a chunk removals go first (keys are unique, so the order does not matter here).
      for (const op of ops.values()) model.set(op);
      if (JSON.stringify(live(index)) !== JSON.stringify(model.live())) diverged.push(c);
    }
    expect(diverged, 'chunks after which the index and the model differ').toEqual([]);
    expect(live(index)).toEqual(model.live());
    expect(index.count).toBe(model.live().length);
    expect(index.liveBytes).toBe(model.liveBytes());
    expect(index.deadBytes).toBe(model.stored - model.liveBytes());
    expect(packed(index)).toEqual(model.live().map((s) => s.slice(s.indexOf('=') + 1)));

    // Compaction: repacking the live changes and replaying them gives the same changes, none dead.
    const compacted = replay(...repack('d', index.entries()));
    expect(live(compacted)).toEqual(model.live());
    expect(compacted.deadBytes).toBe(0);
  });
}
