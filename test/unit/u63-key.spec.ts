import { expect, test } from '@playwright/test';
import { decodeU63, encodeU63 } from '../../src/engine/u63-key.js';

// Counters past 2^53 stored as fixed-width hex strings, so that IndexedDB's string order (UTF-16
// code units, which is what `<` compares on JavaScript strings) is numeric order.

const MAX_U63 = 2n ** 63n - 1n;

test('encodeU63 writes 16 lowercase hex digits, zero-padded', () => {
  expect(encodeU63(0n)).toBe('0000000000000000');
  expect(encodeU63(1n)).toBe('0000000000000001');
  expect(encodeU63(255n)).toBe('00000000000000ff');
  expect(encodeU63(0xabcdefn)).toBe('0000000000abcdef');
  expect(encodeU63(2n ** 53n + 1n)).toBe('0020000000000001');
  expect(encodeU63(MAX_U63)).toBe('7fffffffffffffff');
});

test('decodeU63 reads back every value exactly, past the precision of a number', () => {
  const values = [
    0n,
    1n,
    15n,
    16n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    MAX_U63 - 1n,
    MAX_U63,
  ];
  for (const n of values) expect(decodeU63(encodeU63(n)), String(n)).toBe(n);
  // 2^53 and 2^53 + 1 are one number, but two keys.
  expect(encodeU63(2n ** 53n)).not.toBe(encodeU63(2n ** 53n + 1n));
  expect(decodeU63('00000000000000ff')).toBe(255n);
});

test('the string order of encoded keys is the numeric order of the counters', () => {
  const values: bigint[] = [];
  for (let bit = 0n; bit < 63n; bit++) values.push(2n ** bit - 1n, 2n ** bit, 2n ** bit + 1n);
  values.push(MAX_U63, 10n, 9n, 100n, 99n);
  const byNumber = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const byKey = [...byNumber]
    .reverse()
    .map(encodeU63)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  expect(byKey.map(decodeU63)).toEqual(byNumber);
  expect(byKey.filter((key) => !/^[0-7][0-9a-f]{15}$/.test(key))).toEqual([]);
});
