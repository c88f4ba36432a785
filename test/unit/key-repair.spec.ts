import { expect, test } from '@playwright/test';
import { cutWebKitTails, repairKey } from '../../src/engine/key-repair.js';

// The keys WebKitGTK 2.50 returned for keys stored with a binary part before others (probed
// with getAllKeys and cursors; docs/engines.md): the part came back with WebKit's
// serialization of the following parts appended.
const buf = (...b: number[]) => new Uint8Array(b).buffer;
const bytesOf = (k: unknown): unknown =>
  Array.isArray(k) ? k.map(bytesOf) : k instanceof ArrayBuffer ? Array.from(new Uint8Array(k)) : k;

test('cuts exactly what WebKit appended, for every kind of part that follows', () => {
  const seen: Array<[read: unknown[], stored: unknown[]]> = [
    [
      ['a', 1, buf(1, 2, 3, 32, 0, 0, 0, 0, 0, 0, 28, 64), 7],
      ['a', 1, buf(1, 2, 3), 7],
    ],
    [
      ['b', buf(1, 2, 3, 96, 1, 0, 0, 0, 120, 0, 32, 0, 0, 0, 0, 0, 0, 20, 64), 'x', 5],
      ['b', buf(1, 2, 3), 'x', 5],
    ],
    [
      ['d', buf(9, 9, 128, 1, 0, 0, 0, 0, 0, 0, 0, 8), buf(8)],
      ['d', buf(9, 9), buf(8)],
    ],
    [
      ['e', buf(1, 2, 3, 64, 0, 0, 0, 0, 0, 0, 20, 64), new Date(5)],
      ['e', buf(1, 2, 3), new Date(5)],
    ],
    [
      [
        'f',
        buf(1, 2, 3, 160, 2, 0, 0, 0, 0, 0, 0, 0, 96, 1, 0, 0, 0, 121, 0, 32, 0, 0, 0, 0, 0, 0, 0, 64),
        ['y', 2],
      ],
      ['f', buf(1, 2, 3), ['y', 2]],
    ],
    // Nested: the inner array's rest, then the outer's.
    [
      ['g', [buf(1, 2, 3, 32, 0, 0, 0, 0, 0, 0, 8, 64, 32, 0, 0, 0, 0, 0, 0, 16, 64), 3], 4],
      ['g', [buf(1, 2, 3), 3], 4],
    ],
    [
      ['i', buf(1, 2, 3, 96, 3, 0, 0, 0, 233, 0, 61, 216, 0, 222), 'é😀'],
      ['i', buf(1, 2, 3), 'é😀'],
    ],
  ];
  for (const [read, stored] of seen) expect(bytesOf(cutWebKitTails(read))).toEqual(bytesOf(stored));
});

test('leaves alone what WebKit did not append to', () => {
  const keys: unknown[] = [
    ['c', buf(1, 2, 3)], // a binary last part comes back right
    ['a', 1, buf(1, 2, 3), 7], // no tail
    ['a', buf(1, 2, 32, 0, 0, 0, 0, 0, 0, 28, 64), 8], // a tail for 7, but 8 follows
    ['short', buf(1), 7], // shorter than a tail
    'not an array',
  ];
  for (const key of keys) expect(cutWebKitTails(key)).toBe(key);
});

test('outside WebKit, keys are never touched', () => {
  // Node's user agent is not WebKit's: even a key that looks repaired comes back as it is.
  const key = ['a', 1, buf(1, 2, 3, 32, 0, 0, 0, 0, 0, 0, 28, 64), 7];
  expect(repairKey(key)).toBe(key);
});
