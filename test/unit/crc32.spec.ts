import { crc32 as zlibCrc32 } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { Crc32, crc32Of } from '../../src/crc32.js';

// CRC-32 (IEEE) against published check values and against Node's zlib, an implementation that
// shares no code with larder's: backups end with this checksum and every chunk carries one, so a
// wrong table would make every stored record read as corrupt, or hide real corruption.

const ascii = (s: string) => new TextEncoder().encode(s);

/** Published CRC-32 check values (the "123456789" check value is in every CRC catalogue). */
const VECTORS: Array<[string, Uint8Array, number]> = [
  ['the empty input', new Uint8Array(0), 0x00000000],
  ['"123456789"', ascii('123456789'), 0xcbf43926],
  ['"a"', ascii('a'), 0xe8b7be43],
  ['"abc"', ascii('abc'), 0x352441c2],
  ['"message digest"', ascii('message digest'), 0x20159d7f],
  ['the quick brown fox', ascii('The quick brown fox jumps over the lazy dog'), 0x414fa339],
  ['32 zero bytes', new Uint8Array(32), 0x190a55ad],
  ['32 bytes of 0xff', new Uint8Array(32).fill(0xff), 0xff6cab0b],
];

for (const [name, bytes, expected] of VECTORS) {
  test(`crc32Of matches the check value of ${name}`, () => {
    expect(crc32Of([bytes])).toBe(expected);
  });

  test(`Crc32 reads the check value of ${name} as 8 hex digits`, () => {
    const crc = new Crc32();
    crc.update(bytes);
    expect(crc.value).toBe(expected.toString(16).padStart(8, '0'));
  });
}

/** Deterministic bytes (an LCG), so a failure reproduces. */
function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

test('crc32Of agrees with zlib on every length from 0 to 300 bytes', () => {
  const data = pseudoRandom(300, 7);
  const wrong: number[] = [];
  for (let n = 0; n <= data.length; n++) {
    const part = data.subarray(0, n);
    if (crc32Of([part]) !== zlibCrc32(part)) wrong.push(n);
  }
  expect(wrong).toEqual([]);
});

test('a checksum over parts equals the checksum of the parts joined, wherever they split', () => {
  const data = pseudoRandom(1000, 42);
  const whole = zlibCrc32(data);
  for (const cuts of [[0], [1], [999], [3, 500], [0, 0, 1000], [10, 11, 12, 700]]) {
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const cut of cuts) {
      parts.push(data.subarray(from, cut));
      from = cut;
    }
    parts.push(data.subarray(from));
    expect(crc32Of(parts), `cuts ${cuts.join(',')}`).toBe(whole);
    const stepped = new Crc32();
    for (const part of parts) stepped.update(part);
    expect(stepped.value, `stepped cuts ${cuts.join(',')}`).toBe(whole.toString(16).padStart(8, '0'));
  }
});

test('a view into a larger buffer is checksummed over its own bytes only', () => {
  const parent = pseudoRandom(64, 3);
  const view = parent.subarray(10, 19);
  view.set(ascii('123456789'));
  expect(crc32Of([view])).toBe(0xcbf43926);
});

test('any single flipped bit changes the checksum', () => {
  const data = pseudoRandom(64, 9);
  const original = crc32Of([data]);
  const unnoticed: number[] = [];
  for (let bit = 0; bit < data.length * 8; bit++) {
    const copy = data.slice();
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
    if (crc32Of([copy]) === original) unnoticed.push(bit);
  }
  expect(unnoticed).toEqual([]);
});

test('a Crc32 with nothing fed reads 00000000, and keeps leading zeros', () => {
  expect(new Crc32().value).toBe('00000000');
  // Find an input whose checksum is below 0x10000000, so the padding is exercised for real.
  let found: Uint8Array | undefined;
  for (let i = 0; found === undefined; i++) {
    const candidate = ascii(String(i));
    if (zlibCrc32(candidate) < 0x10000000) found = candidate;
  }
  const crc = new Crc32();
  crc.update(found);
  expect(crc.value).toHaveLength(8);
  expect(crc.value.startsWith('0')).toBe(true);
  expect(parseInt(crc.value, 16)).toBe(zlibCrc32(found));
});

// Strings are fed as their UTF-8 bytes without allocating them (record checksums hash a JSON
// label per record): the result must be exactly TextEncoder's, or every stored record written
// before this change would read as corrupt.
const TEXTS: Array<[string, string]> = [
  ['ASCII', '["key-value",["yjs","doc","u","0000abc-1f2","00000001"],1733600000000000]'],
  ['two-byte characters', 'Größe café ñ'],
  ['three-byte characters', '日本語のテキスト €'],
  ['a surrogate pair (four bytes)', 'emoji 😀 and 𝄞'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', 'a\udc00'],
  ['a high surrogate at the end', 'end\ud83d'],
  ['U+0080, U+07FF, U+0800, U+FFFF', '\u0080\u07ff\u0800\uffff'],
];

for (const [name, text] of TEXTS) {
  test(`crc32Of hashes a string of ${name} as TextEncoder's bytes`, () => {
    const bytes = new TextEncoder().encode(text);
    expect(crc32Of([text])).toBe(zlibCrc32(bytes));
    expect(crc32Of(['prefix ', text, new Uint8Array([1, 2, 3])])).toBe(
      zlibCrc32(new Uint8Array([...ascii('prefix '), ...bytes, 1, 2, 3])),
    );
  });
}

test('crc32Of of random strings matches TextEncoder and zlib', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 500; n++) {
    let s = '';
    const len = Math.floor(rand() * 40);
    for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(rand() * 0x10000));
    expect(crc32Of([s])).toBe(zlibCrc32(new TextEncoder().encode(s)));
  }
});

// Bytes go eight at a time ("slicing by 8") with the rest one by one: every length around a
// multiple of eight, and a large buffer fed in pieces that split the eight-byte steps, must give
// zlib's CRC.
test('crc32Of and Crc32 match zlib at every length from 0 to 80 and on 1 MB fed in odd pieces', () => {
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const random = (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff);
  for (let n = 0; n <= 80; n++) {
    const bytes = random(n);
    expect(crc32Of([bytes])).toBe(zlibCrc32(bytes));
  }
  const big = random(1 << 20);
  const crc = new Crc32();
  const parts: Uint8Array[] = [];
  for (let at = 0, step = 1; at < big.length; at += step, step = (step * 7 + 3) % 4099) {
    parts.push(big.subarray(at, at + step));
    crc.update(big.subarray(at, at + step));
  }
  const expected = zlibCrc32(big);
  expect(crc32Of(parts)).toBe(expected);
  expect(crc.value).toBe(expected.toString(16).padStart(8, '0'));
});

// From 64 bytes on, bytes are read as 32-bit words through a Uint32Array view, which must start
// on a word boundary of the buffer: a view may start anywhere, so the bytes before the first
// boundary, the words, and the bytes after the last whole pair of words must all be fed, once.
test('crc32Of matches zlib for views that start at every offset within a word, at lengths around 64', () => {
  const parent = pseudoRandom(4096, 5);
  const wrong: string[] = [];
  for (let offset = 0; offset < 8; offset++) {
    for (const length of [63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 127, 128, 129, 1000, 4000]) {
      const view = parent.subarray(offset, offset + length);
      if (crc32Of([view]) !== zlibCrc32(view)) wrong.push(`${offset}+${length}`);
    }
  }
  expect(wrong).toEqual([]);
});

test('crc32Of checksums a view of a SharedArrayBuffer as zlib does', () => {
  const shared = new Uint8Array(new SharedArrayBuffer(300));
  shared.set(pseudoRandom(300, 13));
  const view = shared.subarray(3, 290);
  expect(crc32Of([view])).toBe(zlibCrc32(Uint8Array.from(view)));
});
