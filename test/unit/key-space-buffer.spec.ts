import { expect, test } from '@playwright/test';
import {
  compareKeys,
  isPrefix,
  keyId,
  KeySpaceBuffer,
  type KeyOp,
} from '../../src/engine/key-space-buffer.js';
import { prefixRange } from '../../src/engine/key-space-engine.js';
import { compareIdbKeys, installModelKeyRange, type ModelKeyRange } from './idb-key-model.js';

// Key-space keys: string paths stored as IndexedDB array keys `[space, ...path]`. Their map ids,
// prefix test, order and prefix ranges, checked against IndexedDB's key order as the spec states
// it (modelled in idb-key-model.ts), and the buffer of one space: puts, deletes, prefix deletes.

installModelKeyRange();

const op = (key: string[], data: number[] | undefined, written = 0): KeyOp => ({
  key,
  data: data === undefined ? undefined : new Uint8Array(data),
  written,
});

/** Paths that trip naive encodings: separators, quotes, empty parts, surrogates, code-unit order. */
const TRICKY: string[][] = [
  [],
  [''],
  ['', ''],
  ['a'],
  ['a', ''],
  ['a', 'b'],
  ['a,b'],
  ['a\u0000'],
  ['a', '\u0000'],
  ['a"', 'b'],
  ['a\\', 'b'],
  ['ab'],
  ['b'],
  ['B'],
  ['\uffff'],
  ['\ud83d\ude00'],
  ['é'],
  ['e\u0301'],
];

test('keyId gives different paths different ids, and reads back as the path', () => {
  const ids = TRICKY.map(keyId);
  expect(new Set(ids).size).toBe(TRICKY.length);
  for (const path of TRICKY) expect(JSON.parse(keyId(path))).toEqual(path);
});

test('isPrefix compares whole elements, not characters', () => {
  expect(isPrefix([], [])).toBe(true);
  expect(isPrefix([], ['a'])).toBe(true);
  expect(isPrefix(['a'], ['a'])).toBe(true);
  expect(isPrefix(['a'], ['a', 'b'])).toBe(true);
  expect(isPrefix(['a'], ['ab'])).toBe(false);
  expect(isPrefix(['a', 'b'], ['a'])).toBe(false);
  expect(isPrefix(['a', ''], ['a'])).toBe(false);
  expect(isPrefix([''], ['a'])).toBe(false);
  expect(isPrefix(['b'], ['a', 'b'])).toBe(false);
});

test('compareKeys orders paths as IndexedDB orders their array keys', () => {
  // Hand-checked: element by element, code units (so "B" < "a" and U+FFFF after a surrogate
  // pair, unlike code-point order), and a path before every longer one it starts.
  const expected = [
    [],
    [''],
    ['', ''],
    ['B'],
    ['a'],
    ['a', ''],
    ['a', '\u0000'],
    ['a', 'b'],
    ['a\u0000'],
    ['a"', 'b'],
    ['a,b'],
    ['a\\', 'b'],
    ['ab'],
    ['b'],
    ['e\u0301'],
    ['é'],
    ['\ud83d\ude00'],
    ['\uffff'],
  ];
  const shuffled = [...TRICKY].reverse();
  expect([...shuffled].sort(compareKeys)).toEqual(expected);
  expect([...shuffled].sort(compareIdbKeys)).toEqual(expected);
  // Many checks are gathered into one assertion: a Playwright expect costs milliseconds.
  const disagreements: string[] = [];
  for (const a of TRICKY) {
    for (const b of TRICKY) {
      if (Math.sign(compareKeys(a, b)) !== compareIdbKeys(a, b))
        disagreements.push(`${keyId(a)} vs ${keyId(b)}`);
    }
  }
  expect(disagreements).toEqual([]);
});

test('prefixRange covers the prefix and every path under it in its space, and nothing else', () => {
  const spaces = ['', 'a', 'ab', 's'];
  // Every path also with one and two "\uffff" elements after it: the highest single code unit,
  // which an upper bound made of strings rather than `[]` would leave out.
  const paths = TRICKY.flatMap((p) => [p, [...p, '\uffff'], [...p, '\uffff', '\uffff']]);
  const keys = spaces.flatMap((space) => paths.map((path) => [space, ...path]));
  const wrong: string[] = [];
  let inside = 0;
  for (const space of spaces) {
    for (const prefix of TRICKY) {
      const range = prefixRange(space, prefix) as unknown as ModelKeyRange;
      for (const key of keys) {
        const under = key[0] === space && isPrefix(prefix, key.slice(1));
        if (under) inside++;
        if (range.includes(key) !== under)
          wrong.push(`${keyId(key)} in ${space}/${keyId(prefix)}: ${!under}`);
      }
    }
  }
  expect(wrong).toEqual([]);
  // The check is not vacuous: many keys are inside some range, and most outside.
  expect(inside).toBeGreaterThan(100);
});

test('a put or delete replaces the buffered write of its key and returns the change in bytes', () => {
  const buf = new KeySpaceBuffer();
  expect(buf.set(op(['a'], [1, 2, 3]))).toBe(3);
  expect(buf.set(op(['a'], [1]))).toBe(-2);
  expect(buf.set(op(['b'], []))).toBe(0);
  expect(buf.set(op(['a'], undefined))).toBe(-1);
  expect(buf.set(op(['a'], [5, 5]))).toBe(2);
  expect(buf.entries.size).toBe(2);
  expect(buf.lookup(['a'])?.data).toEqual(new Uint8Array([5, 5]));
});

test('a prefix delete drops the writes under it, returns the bytes freed, and is remembered', () => {
  const buf = new KeySpaceBuffer();
  buf.set(op(['a', '1'], [1, 1]));
  buf.set(op(['a', '2', 'x'], [2, 2, 2]));
  buf.set(op(['a'], [3]));
  buf.set(op(['ab'], [4, 4, 4, 4]));
  buf.set(op(['a', '3'], undefined));
  expect(buf.deleteRange(['a'])).toBe(-6);
  expect([...buf.entries.keys()]).toEqual([keyId(['ab'])]);
  expect(buf.ranges).toEqual([['a']]);
  // Deleted by the prefix: null; not touched: undefined; written: the write.
  expect(buf.lookup(['a'])).toBeNull();
  expect(buf.lookup(['a', '9', 'z'])).toBeNull();
  expect(buf.lookup(['b'])).toBeUndefined();
  expect(buf.lookup(['ab'])?.data).toEqual(new Uint8Array([4, 4, 4, 4]));
});

test('a write after a prefix delete stays and is what lookup sees', () => {
  const buf = new KeySpaceBuffer();
  buf.deleteRange(['a']);
  buf.set(op(['a', '1'], [7], 5));
  expect(buf.lookup(['a', '1'])).toEqual(op(['a', '1'], [7], 5));
  buf.set(op(['a', '1'], undefined, 6));
  expect(buf.lookup(['a', '1'])).toEqual(op(['a', '1'], undefined, 6));
  expect(buf.lookup(['a', '2'])).toBeNull();
});

test('prefix deletes are kept minimal: a shorter prefix covers and replaces longer ones', () => {
  const buf = new KeySpaceBuffer();
  buf.deleteRange(['a', 'b', 'c']);
  buf.deleteRange(['a', 'x']);
  buf.deleteRange(['q']);
  expect(buf.ranges).toEqual([['a', 'b', 'c'], ['a', 'x'], ['q']]);
  buf.deleteRange(['a']);
  expect(buf.ranges).toEqual([['q'], ['a']]);
  // Already covered: not added again, but writes under it are still dropped.
  buf.set(op(['a', 'b'], [1, 2]));
  expect(buf.deleteRange(['a', 'b'])).toBe(-2);
  expect(buf.ranges).toEqual([['q'], ['a']]);
  expect(buf.entries.size).toBe(0);
  // The empty prefix covers the whole space.
  buf.deleteRange([]);
  expect(buf.ranges).toEqual([[]]);
  expect(buf.lookup(['anything'])).toBeNull();
});

test('a buffer that deletes prefixes then writes keys has the effect of the calls in order', () => {
  // Random calls against a plain Map of path → value; the buffer's effect applied to the same
  // starting map (ranges first, then entries) must match.
  let s = 99;
  const rand = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) % n;
  };
  const parts = ['x', 'y', ''];
  const path = (length: number) => Array.from({ length }, () => parts[rand(parts.length)] as string);
  for (let round = 0; round < 20; round++) {
    const start = new Map<string, string>();
    for (let i = 0; i < 30; i++) start.set(keyId(path(1 + rand(3))), `old${i}`);
    const direct = new Map(start);
    const buf = new KeySpaceBuffer();
    for (let i = 0; i < 40; i++) {
      if (rand(4) === 0) {
        const prefix = path(rand(3));
        for (const id of [...direct.keys()]) {
          if (isPrefix(prefix, JSON.parse(id) as string[])) direct.delete(id);
        }
        buf.deleteRange(prefix);
      } else {
        const key = path(1 + rand(3));
        const remove = rand(3) === 0;
        if (remove) direct.delete(keyId(key));
        else direct.set(keyId(key), `new${i}`);
        buf.set(op(key, remove ? undefined : [i], i));
      }
    }
    const viaBuffer = new Map(start);
    for (const prefix of buf.ranges) {
      for (const id of [...viaBuffer.keys()]) {
        if (isPrefix(prefix, JSON.parse(id) as string[])) viaBuffer.delete(id);
      }
    }
    for (const [id, e] of buf.entries) {
      if (e.data === undefined) viaBuffer.delete(id);
      else viaBuffer.set(id, `new${e.written}`);
    }
    expect(viaBuffer, `round ${round}`).toEqual(direct);
    // lookup agrees with the effect for every key the round could touch.
    const wrong: string[] = [];
    for (const id of new Set([...start.keys(), ...direct.keys()])) {
      const found = buf.lookup(JSON.parse(id) as string[]);
      const seen =
        found === undefined
          ? start.get(id)
          : found === null || found.data === undefined
            ? undefined
            : `new${found.written}`;
      if (seen !== direct.get(id)) wrong.push(id);
    }
    expect(wrong, `round ${round}`).toEqual([]);
  }
});
