import { expect, test } from '@playwright/test';
import { changeKey } from '../../src/engine/change-chunks.js';
import { toHex } from '../../src/engine/to-hex.js';
import { WriteBuffer } from '../../src/engine/write-buffer.js';

// The write buffer coalesces what the app writes between commits: one value per key, the last
// one, with `bytes` counting each key's latest value once. Checked by hand, then by a property:
// committing a buffer (or the merge of two, or its freeing part then the rest) has the same
// effect on a store as making the calls one by one.

const b = (...values: number[]) => new Uint8Array(values);
const sized = (n: number) => new Uint8Array(n).fill(n);

test('a change written twice is buffered once, with its last value, and counted once', () => {
  const buf = new WriteBuffer();
  buf.setChange('d', 'a', 1, sized(3));
  buf.setChange('d', 'a', 1, sized(5));
  expect(buf.bytes).toBe(5);
  const changes = buf.docs.get('d')?.changes;
  expect(changes?.size).toBe(1);
  expect(changes?.get(changeKey('a', 1))).toEqual({ actor: 'a', seq: 1, bytes: sized(5) });
  buf.setChange('d', 'a', 1, sized(2));
  expect(buf.bytes).toBe(2);
});

test('a removal replaces a buffered put, frees its bytes, and is kept as a tombstone', () => {
  const buf = new WriteBuffer();
  buf.setChange('d', 'a', 1, sized(4));
  buf.setChange('d', 'b', 1, sized(1));
  buf.setChange('d', 'a', 1, undefined);
  expect(buf.bytes).toBe(1);
  expect(buf.docs.get('d')?.changes.get(changeKey('a', 1))).toEqual({ actor: 'a', seq: 1, bytes: undefined });
  // The removal of a change never buffered is kept too: the store may hold it.
  buf.setChange('d', 'z', 9, undefined);
  expect(buf.docs.get('d')?.changes.size).toBe(3);
  expect(buf.bytes).toBe(1);
  // And a put after the removal brings the bytes back.
  buf.setChange('d', 'a', 1, sized(6));
  expect(buf.bytes).toBe(7);
});

test('changes of different documents, actors and seqs do not coalesce', () => {
  const buf = new WriteBuffer();
  buf.setChange('d1', 'a', 1, sized(1));
  buf.setChange('d2', 'a', 1, sized(2));
  buf.setChange('d1', 'b', 1, sized(3));
  buf.setChange('d1', 'a', 2, sized(4));
  expect(buf.bytes).toBe(10);
  expect(buf.docs.get('d1')?.changes.size).toBe(3);
  expect(buf.docs.get('d2')?.changes.size).toBe(1);
});

test('a document written twice counts only its latest size', () => {
  const buf = new WriteBuffer();
  buf.setDocument('d', sized(10));
  buf.setDocument('d', sized(4));
  expect(buf.bytes).toBe(4);
  expect(buf.docs.get('d')?.document).toEqual(sized(4));
  buf.setChange('d', 'a', 1, sized(1));
  expect(buf.bytes).toBe(5);
});

test('sync states coalesce by the peer id’s bytes, not by the array holding them', () => {
  const buf = new WriteBuffer();
  buf.setSyncState('d', b(1, 2), sized(3));
  buf.setSyncState('d', b(1, 2), sized(7));
  expect(buf.bytes).toBe(7);
  expect(buf.docs.get('d')?.syncStates.size).toBe(1);
  // [1] and [1, 0] and [0, 1] are three peers.
  buf.setSyncState('d', b(1), sized(1));
  buf.setSyncState('d', b(1, 0), sized(1));
  buf.setSyncState('d', b(0, 1), undefined);
  expect(buf.docs.get('d')?.syncStates.size).toBe(4);
  expect(buf.bytes).toBe(9);
  buf.setSyncState('d', b(1, 2), undefined);
  expect(buf.bytes).toBe(2);
  expect(buf.docs.get('d')?.syncStates.get('0102')).toEqual({ peer: b(1, 2), state: undefined });
});

test('toHex writes two lowercase digits per byte', () => {
  expect(toHex(b())).toBe('');
  expect(toHex(b(0))).toBe('00');
  expect(toHex(b(0, 1, 15, 16, 171, 255))).toBe('00010f10abff');
});

test('key-space puts coalesce per key path and a prefix delete drops the writes under it', () => {
  const buf = new WriteBuffer();
  buf.setKey('s', { key: ['a', '1'], data: sized(3), written: 1 });
  buf.setKey('s', { key: ['a', '1'], data: sized(2), written: 2 });
  buf.setKey('s', { key: ['a', '2'], data: sized(4), written: 3 });
  buf.setKey('s', { key: ['ab'], data: sized(5), written: 4 });
  buf.setKey('t', { key: ['a', '1'], data: sized(6), written: 5 });
  expect(buf.bytes).toBe(2 + 4 + 5 + 6);
  buf.deleteKeyRange('s', ['a']);
  // ['ab'] is not under ['a'], and space t is another space.
  expect(buf.bytes).toBe(5 + 6);
  expect([...(buf.spaces.get('s')?.entries.keys() ?? [])]).toEqual([JSON.stringify(['ab'])]);
  expect(buf.spaces.get('s')?.ranges).toEqual([['a']]);
  buf.setKey('s', { key: ['a', '1'], data: undefined, written: 6 });
  expect(buf.bytes).toBe(11);
});

test('an empty buffer is empty; any write, even a removal, makes it not', () => {
  const buf = new WriteBuffer();
  expect(buf.empty).toBe(true);
  expect(buf.bytes).toBe(0);
  buf.setChange('d', 'a', 1, undefined);
  expect(buf.empty).toBe(false);
  const spaces = new WriteBuffer();
  spaces.deleteKeyRange('s', []);
  expect(spaces.empty).toBe(false);
});

test('takeFreeing moves every removal and delete out, and leaves the puts', () => {
  const buf = new WriteBuffer();
  buf.firstWrite = 3;
  buf.lastWrite = 9;
  buf.setChange('d', 'a', 1, sized(2));
  buf.setChange('d', 'a', 2, undefined);
  buf.setSyncState('d', b(7), undefined);
  buf.setSyncState('d', b(8), sized(1));
  buf.setChange('gone', 'a', 1, undefined); // a document with only removals
  buf.setDocument('doc-only', sized(4));
  buf.setKey('s', { key: ['x'], data: undefined, written: 1 });
  buf.setKey('s', { key: ['y'], data: sized(5), written: 2 });
  buf.deleteKeyRange('r', ['p']); // a space with only a prefix delete

  const freeing = buf.takeFreeing();
  expect(freeing).toBeDefined();
  if (freeing === undefined) return;
  expect([freeing.firstWrite, freeing.lastWrite]).toEqual([3, 9]);
  expect(freeing.bytes).toBe(0);
  expect([...freeing.docs.keys()].sort()).toEqual(['d', 'gone']);
  expect([...(freeing.docs.get('d')?.changes.keys() ?? [])]).toEqual([changeKey('a', 2)]);
  expect([...(freeing.docs.get('d')?.syncStates.keys() ?? [])]).toEqual(['07']);
  expect([...(freeing.spaces.get('s')?.entries.keys() ?? [])]).toEqual([JSON.stringify(['x'])]);
  expect(freeing.spaces.get('r')?.ranges).toEqual([['p']]);

  // What stays: only puts, documents emptied of everything are gone.
  expect([...buf.docs.keys()].sort()).toEqual(['d', 'doc-only']);
  expect([...(buf.docs.get('d')?.changes.keys() ?? [])]).toEqual([changeKey('a', 1)]);
  expect([...(buf.docs.get('d')?.syncStates.keys() ?? [])]).toEqual(['08']);
  expect([...buf.spaces.keys()]).toEqual(['s']);
  expect(buf.spaces.get('s')?.ranges).toEqual([]);
  expect([...(buf.spaces.get('s')?.entries.keys() ?? [])]).toEqual([JSON.stringify(['y'])]);
  expect(buf.bytes).toBe(2 + 1 + 4 + 5);
});

test('takeFreeing of a buffer with only puts returns undefined and changes nothing', () => {
  const buf = new WriteBuffer();
  buf.setChange('d', 'a', 1, sized(2));
  buf.setKey('s', { key: ['y'], data: sized(5), written: 2 });
  expect(buf.takeFreeing()).toBeUndefined();
  expect(buf.docs.get('d')?.changes.size).toBe(1);
  expect(buf.spaces.get('s')?.entries.size).toBe(1);
  expect(new WriteBuffer().takeFreeing()).toBeUndefined();
});

test('mergeOver lays newer writes over older ones, counting each key once', () => {
  const older = new WriteBuffer();
  older.firstWrite = 1;
  older.lastWrite = 4;
  older.setChange('d', 'a', 1, sized(3));
  older.setChange('d', 'a', 2, sized(2));
  older.setDocument('d', sized(10));
  older.setSyncState('d', b(1), sized(1));
  const newer = new WriteBuffer();
  newer.firstWrite = 5;
  newer.lastWrite = 7;
  newer.setChange('d', 'a', 1, sized(6));
  newer.setChange('d', 'a', 2, undefined);
  newer.setSyncState('d', b(2), sized(2));

  const merged = newer.mergeOver(older);
  expect([merged.firstWrite, merged.lastWrite]).toEqual([1, 7]);
  const d = merged.docs.get('d');
  expect(d?.changes.get(changeKey('a', 1))?.bytes).toEqual(sized(6));
  expect(d?.changes.get(changeKey('a', 2))?.bytes).toBeUndefined();
  expect(d?.document).toEqual(sized(10)); // the newer buffer set no document
  expect(d?.syncStates.size).toBe(2);
  expect(merged.bytes).toBe(6 + 10 + 1 + 2);
  // The inputs are left as they were.
  expect(older.bytes).toBe(3 + 2 + 10 + 1);
  expect(newer.bytes).toBe(6 + 2);
});

test('mergeOver: a newer prefix delete removes older writes under it, an older one stays beneath newer puts', () => {
  const older = new WriteBuffer();
  older.setKey('s', { key: ['a', '1'], data: sized(3), written: 1 });
  older.deleteKeyRange('t', ['p']);
  const newer = new WriteBuffer();
  newer.deleteKeyRange('s', ['a']);
  newer.setKey('t', { key: ['p', 'q'], data: sized(4), written: 2 });

  const merged = newer.mergeOver(older);
  expect(merged.spaces.get('s')?.entries.size).toBe(0);
  expect(merged.spaces.get('s')?.ranges).toEqual([['a']]);
  expect(merged.spaces.get('t')?.ranges).toEqual([['p']]);
  expect(merged.spaces.get('t')?.lookup(['p', 'q'])?.data).toEqual(sized(4));
  expect(merged.bytes).toBe(4);
});

test('mergeOver keeps the first write id of whichever buffer has one, and 0 for two empty buffers', () => {
  const empty = () => new WriteBuffer();
  expect(empty().mergeOver(empty()).firstWrite).toBe(0);
  expect(empty().mergeOver(empty()).lastWrite).toBe(0);
  const older = empty();
  older.firstWrite = 4;
  older.lastWrite = 6;
  expect(empty().mergeOver(older).firstWrite).toBe(4);
  const newer = empty();
  newer.firstWrite = 8;
  newer.lastWrite = 8;
  expect(newer.mergeOver(empty()).firstWrite).toBe(8);
  expect(newer.mergeOver(older)).toMatchObject({ firstWrite: 4, lastWrite: 8 });
});

// ---- The property: a buffer's effect equals the calls' effect ----

type Call =
  | { kind: 'change'; doc: string; actor: string; seq: number; bytes: number[] | undefined }
  | { kind: 'document'; doc: string; bytes: number[] }
  | { kind: 'sync'; doc: string; peer: number[]; bytes: number[] | undefined }
  | { kind: 'key'; space: string; key: string[]; bytes: number[] | undefined }
  | { kind: 'range'; space: string; prefix: string[] };

/** A store as a flat map, its keys built here rather than with larder's helpers. */
type Store = Map<string, string>;
const storeKey = {
  change: (doc: string, actor: string, seq: number) => JSON.stringify(['c', doc, actor, seq]),
  document: (doc: string) => JSON.stringify(['d', doc]),
  sync: (doc: string, peer: readonly number[]) => JSON.stringify(['s', doc, [...peer]]),
  key: (space: string, key: readonly string[]) => JSON.stringify(['k', space, key]),
};
const startsWith = (prefix: readonly string[], key: readonly string[]) =>
  prefix.length <= key.length && prefix.every((p, i) => p === key[i]);

function setOrDelete(store: Store, key: string, bytes: ArrayLike<number> | undefined): void {
  if (bytes === undefined) store.delete(key);
  else store.set(key, Array.from(bytes).join(','));
}

function deletePrefix(store: Store, space: string, prefix: readonly string[]): void {
  for (const k of [...store.keys()]) {
    const [kind, s, key] = JSON.parse(k) as [string, string, string[]];
    if (kind === 'k' && s === space && startsWith(prefix, key)) store.delete(k);
  }
}

/** The effect of one call, made at once. */
function applyCall(store: Store, c: Call): void {
  if (c.kind === 'change') setOrDelete(store, storeKey.change(c.doc, c.actor, c.seq), c.bytes);
  else if (c.kind === 'document') setOrDelete(store, storeKey.document(c.doc), c.bytes);
  else if (c.kind === 'sync') setOrDelete(store, storeKey.sync(c.doc, c.peer), c.bytes);
  else if (c.kind === 'key') setOrDelete(store, storeKey.key(c.space, c.key), c.bytes);
  else deletePrefix(store, c.space, c.prefix);
}

/** The effect of committing a buffer: per space its prefix deletes, then its key writes. */
function commit(store: Store, buf: WriteBuffer): void {
  for (const [doc, d] of buf.docs) {
    for (const op of d.changes.values()) setOrDelete(store, storeKey.change(doc, op.actor, op.seq), op.bytes);
    if (d.document !== undefined) setOrDelete(store, storeKey.document(doc), d.document);
    for (const s of d.syncStates.values()) setOrDelete(store, storeKey.sync(doc, [...s.peer]), s.state);
  }
  for (const [space, sp] of buf.spaces) {
    for (const prefix of sp.ranges) deletePrefix(store, space, prefix);
    for (const op of sp.entries.values()) setOrDelete(store, storeKey.key(space, op.key), op.data);
  }
}

function bufferCall(buf: WriteBuffer, c: Call, written: number): void {
  const bytes = c.kind === 'range' || c.bytes === undefined ? undefined : new Uint8Array(c.bytes);
  if (c.kind === 'change') buf.setChange(c.doc, c.actor, c.seq, bytes);
  else if (c.kind === 'document') buf.setDocument(c.doc, bytes as Uint8Array);
  else if (c.kind === 'sync') buf.setSyncState(c.doc, new Uint8Array(c.peer), bytes);
  else if (c.kind === 'key') buf.setKey(c.space, { key: c.key, data: bytes, written });
  else buf.deleteKeyRange(c.space, c.prefix);
}

/**
 * The bytes a buffer should hold after `calls`: the size of each key's latest put, a removal or
 * a covering prefix delete counting zero.
 */
function expectedBytes(calls: Call[]): number {
  const latest = new Map<string, number>();
  for (const c of calls) {
    if (c.kind === 'range') {
      for (const k of [...latest.keys()]) {
        const [kind, s, key] = JSON.parse(k) as [string, string, string[]];
        if (kind === 'k' && s === c.space && startsWith(c.prefix, key)) latest.delete(k);
      }
      continue;
    }
    const k =
      c.kind === 'change'
        ? storeKey.change(c.doc, c.actor, c.seq)
        : c.kind === 'document'
          ? storeKey.document(c.doc)
          : c.kind === 'sync'
            ? storeKey.sync(c.doc, c.peer)
            : storeKey.key(c.space, c.key);
    latest.set(k, c.bytes?.length ?? 0);
  }
  let total = 0;
  for (const n of latest.values()) total += n;
  return total;
}

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 12;
    return (s >>> 0) % n;
  };
}

function randomCall(rand: (n: number) => number): Call {
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;
  const value = () => Array.from({ length: rand(5) }, () => rand(256));
  const maybe = () => (rand(3) === 0 ? undefined : value());
  const path = (min: number) => Array.from({ length: min + rand(3) }, () => pick(['x', 'y', 'xy']));
  const doc = pick(['d1', 'd2']);
  switch (rand(5)) {
    case 0:
      return { kind: 'change', doc, actor: pick(['a', 'b']), seq: 1 + rand(3), bytes: maybe() };
    case 1:
      return { kind: 'document', doc, bytes: value() };
    case 2:
      return { kind: 'sync', doc, peer: pick([[1], [1, 0], [0, 1]]), bytes: maybe() };
    case 3:
      return { kind: 'key', space: pick(['s', 't']), key: path(1), bytes: maybe() };
    default:
      return { kind: 'range', space: pick(['s', 't']), prefix: path(rand(4) === 0 ? 0 : 1).slice(0, 2) };
  }
}

/** A store already holding a value under every key the calls can touch, so deletes matter. */
function filledStore(rand: (n: number) => number): Store {
  const store: Store = new Map();
  for (let i = 0; i < 60; i++) {
    const c = randomCall(rand);
    if (c.kind !== 'range') applyCall(store, { ...c, bytes: [i] } as Call);
  }
  return store;
}

for (const seed of [11, 12, 13, 14, 15, 16]) {
  test(`committing a buffer has the effect of its calls, and bytes count each key once (seed ${seed})`, () => {
    const rand = rng(seed);
    const initial = filledStore(rand);
    const calls = Array.from({ length: 80 }, () => randomCall(rand));

    const direct = new Map(initial);
    for (const c of calls) applyCall(direct, c);

    const buf = new WriteBuffer();
    calls.forEach((c, i) => bufferCall(buf, c, i));
    expect(buf.bytes).toBe(expectedBytes(calls));
    const viaBuffer = new Map(initial);
    commit(viaBuffer, buf);
    expect(viaBuffer).toEqual(direct);

    // A failed commit of the first calls, put back under the calls made since.
    const cut = rand(calls.length + 1);
    const older = new WriteBuffer();
    const newer = new WriteBuffer();
    calls.forEach((c, i) => bufferCall(i < cut ? older : newer, c, i));
    const merged = newer.mergeOver(older);
    expect(merged.bytes).toBe(expectedBytes(calls));
    const viaMerge = new Map(initial);
    commit(viaMerge, merged);
    expect(viaMerge).toEqual(direct);

    // After a full disk: the freeing writes commit first, then the rest.
    const freeing = buf.takeFreeing();
    const viaFreeing = new Map(initial);
    if (freeing !== undefined) commit(viaFreeing, freeing);
    commit(viaFreeing, buf);
    expect(viaFreeing).toEqual(direct);
    expect(buf.bytes + (freeing?.bytes ?? 0)).toBe(expectedBytes(calls));
  });
}
