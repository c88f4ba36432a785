import { expect, test } from '@playwright/test';
import { ownCopy, packBytes, packedBuffers, unpackBytes } from '../../src/packed-bytes.js';

// Lists of byte strings packed into one buffer and an ends table, the way values cross the
// worker boundary: the layout, round trips with empty values, and who owns which buffer.

const b = (...values: number[]) => new Uint8Array(values);
const lists = (xs: Uint8Array[]) => xs.map((x) => [...x]);

test('packBytes concatenates the values and records where each ends', () => {
  const packed = packBytes([b(1, 2), b(), b(3), b(4, 5, 6)]);
  expect([...packed.bytes]).toEqual([1, 2, 3, 4, 5, 6]);
  expect([...packed.ends]).toEqual([2, 2, 3, 6]);
});

test('unpackBytes gives back the values, empty ones included', () => {
  const cases: Uint8Array[][] = [[], [b()], [b(), b()], [b(7)], [b(1, 2), b(), b(3), b(4, 5, 6), b()]];
  for (const values of cases) {
    expect(lists(unpackBytes(packBytes(values))), JSON.stringify(lists(values))).toEqual(lists(values));
  }
});

test('unpackBytes reads an ends table written by hand', () => {
  const out = unpackBytes({ bytes: b(9, 8, 7, 6), ends: Uint32Array.of(1, 1, 4) });
  expect(lists(out)).toEqual([[9], [], [8, 7, 6]]);
});

test('packBytes copies: later edits of the values do not reach the packing', () => {
  const value = b(1, 2, 3);
  const packed = packBytes([value.subarray(1)]);
  value[1] = 99;
  expect([...packed.bytes]).toEqual([2, 3]);
  // Only the view's bytes are packed, not the rest of its buffer.
  expect(packed.bytes.buffer.byteLength).toBe(2);
});

test('unpackBytes returns views of the one buffer, without copying', () => {
  const packed = packBytes([b(1), b(2, 3)]);
  const [first, second] = unpackBytes(packed);
  expect(first?.buffer).toBe(packed.bytes.buffer);
  expect(second?.buffer).toBe(packed.bytes.buffer);
  packed.bytes[2] = 42;
  expect([...(second ?? [])]).toEqual([2, 42]);
});

test('packedBuffers lists the two buffers to transfer, and they survive a transfer', () => {
  const packed = packBytes([b(1, 2), b(3)]);
  const buffers = packedBuffers(packed);
  expect(buffers).toEqual([packed.bytes.buffer, packed.ends.buffer]);
  expect(buffers[0]).not.toBe(buffers[1]);
  const moved = structuredClone(packed, { transfer: buffers });
  expect(lists(unpackBytes(moved))).toEqual([[1, 2], [3]]);
});

test('ownCopy copies a view into a buffer of exactly its size', () => {
  const parent = b(0, 1, 2, 3, 4, 5);
  const view = parent.subarray(2, 4);
  const copy = ownCopy(view);
  expect([...copy]).toEqual([2, 3]);
  expect(copy.buffer.byteLength).toBe(2);
  expect(copy.byteOffset).toBe(0);
  copy[0] = 77;
  expect(parent[2]).toBe(2);
  expect(ownCopy(b()).buffer.byteLength).toBe(0);
});
