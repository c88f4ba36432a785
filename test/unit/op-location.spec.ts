import { expect, test } from '@playwright/test';
import { arcContains, arcRanges, MAX_LOC, opIdLoc } from '../../src/op-location.js';
import { StoreError } from '../../src/store-error.js';

// DHT locations of op ids (kitsune2's `Id::loc`) and arcs over the u32 ring: the location of
// known ids worked out by hand, arcs that wrap, and the arguments refused. The expected values
// come from a different formulation (a DataView over the XORed lanes; modular distance on the
// ring), so a shared mistake is unlikely. Detached buffers are refused only where the platform
// reports `detached` (Node 20 does not): the browser suites cover that case.

/** The reference: XOR the id into 4 bytes, then read them as a little-endian u32. */
function referenceLoc(id: Uint8Array): number {
  const lanes = new Uint8Array(4);
  id.forEach((byte, i) => (lanes[i % 4] = (lanes[i % 4] as number) ^ byte));
  return new DataView(lanes.buffer).getUint32(0, true);
}

/** The reference: `loc` is in `[start, end]` when it is no further round the ring than `end`. */
function referenceContains(arc: [number, number] | null, loc: number): boolean {
  if (arc === null) return false;
  const ring = 2 ** 32;
  const span = (arc[1] - arc[0] + ring) % ring;
  return (loc - arc[0] + ring) % ring <= span;
}

test('MAX_LOC is the largest u32', () => {
  expect(MAX_LOC).toBe(4294967295);
});

test('opIdLoc reads known ids as little-endian u32s of their XORed lanes', () => {
  expect(opIdLoc(new Uint8Array([]))).toBe(0);
  expect(opIdLoc(new Uint8Array([1, 0, 0, 0]))).toBe(1);
  expect(opIdLoc(new Uint8Array([0, 1]))).toBe(256);
  expect(opIdLoc(new Uint8Array([0, 0, 0, 1]))).toBe(16777216);
  // Lane 3's top bit: unsigned, never negative.
  expect(opIdLoc(new Uint8Array([0, 0, 0, 0x80]))).toBe(2 ** 31);
  expect(opIdLoc(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toBe(MAX_LOC);
  // Byte 4 folds back into lane 0: [1, 0, 0, 0, 1] cancels out.
  expect(opIdLoc(new Uint8Array([1, 0, 0, 0, 1]))).toBe(0);
  // Lanes 1^5, 2^6, 3^7, 4^8 = 4, 4, 4, 12: 0x0c040404.
  expect(opIdLoc(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(0x0c040404);
});

test('opIdLoc agrees with the reference on ids of every length up to 40', () => {
  let s = 12345;
  const wrong: number[] = [];
  for (let length = 0; length <= 40; length++) {
    const id = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      id[i] = s >>> 24;
    }
    const loc = opIdLoc(id);
    if (loc !== referenceLoc(id) || !(loc >= 0 && loc <= MAX_LOC && Number.isInteger(loc)))
      wrong.push(length);
  }
  expect(wrong).toEqual([]);
});

test('opIdLoc reads only the view it is given, not the rest of its buffer', () => {
  const parent = new Uint8Array([9, 9, 1, 0, 0, 0, 9, 9]);
  expect(opIdLoc(parent.subarray(2, 6))).toBe(1);
});

test('opIdLoc refuses what is not a Uint8Array', () => {
  for (const bad of [[1, 0, 0, 0], new Uint16Array([1]), new Int8Array([1]), 'abcd', null, undefined]) {
    let thrown: unknown;
    try {
      opIdLoc(bad as unknown as Uint8Array);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, String(bad)).toBeInstanceOf(StoreError);
    expect(thrown).toMatchObject({ code: 'invalid-argument' });
  }
});

test('a plain arc holds its bounds and what is between, nothing else', () => {
  expect(arcContains([10, 20], 10)).toBe(true);
  expect(arcContains([10, 20], 15)).toBe(true);
  expect(arcContains([10, 20], 20)).toBe(true);
  expect(arcContains([10, 20], 9)).toBe(false);
  expect(arcContains([10, 20], 21)).toBe(false);
  expect(arcContains([7, 7], 7)).toBe(true);
  expect(arcContains([7, 7], 8)).toBe(false);
  expect(arcContains([0, MAX_LOC], 0)).toBe(true);
  expect(arcContains([0, MAX_LOC], MAX_LOC)).toBe(true);
});

test('an arc whose start is past its end wraps through MAX_LOC and 0', () => {
  const arc: [number, number] = [MAX_LOC - 32, 32];
  expect(arcContains(arc, 0)).toBe(true);
  expect(arcContains(arc, MAX_LOC)).toBe(true);
  expect(arcContains(arc, MAX_LOC - 32)).toBe(true);
  expect(arcContains(arc, 32)).toBe(true);
  expect(arcContains(arc, 33)).toBe(false);
  expect(arcContains(arc, MAX_LOC - 33)).toBe(false);
  expect(arcContains(arc, 2 ** 31)).toBe(false);
});

test('the empty arc holds nothing', () => {
  expect(arcContains(null, 0)).toBe(false);
  expect(arcContains(null, MAX_LOC)).toBe(false);
});

test('arcContains refuses a location that is not a u32, even for the empty arc', () => {
  for (const loc of [-1, 2 ** 32, 1.5, Number.NaN, Infinity, '1', 1n, null]) {
    for (const arc of [null, [0, MAX_LOC]] as const) {
      expect(() => arcContains(arc, loc as number), `${String(loc)} in ${String(arc)}`).toThrow(StoreError);
    }
  }
});

test('arcContains refuses an arc that is not null or a pair of u32s', () => {
  const bad: unknown[] = [
    [],
    [1],
    [1, 2, 3],
    [-1, 2],
    [1, 2 ** 32],
    [1.5, 2],
    ['1', 2],
    [1, null],
    'arc',
    { 0: 1, 1: 2, length: 2 },
    undefined,
  ];
  for (const arc of bad) {
    let thrown: unknown;
    try {
      arcContains(arc as [number, number], 1);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, JSON.stringify(arc)).toBeInstanceOf(StoreError);
    expect(thrown).toMatchObject({ code: 'invalid-argument' });
  }
});

test('an arc whose elements throw when read is refused as an invalid argument, with the cause', () => {
  const hostile = new Proxy([0, 1], {
    get(target, prop, receiver) {
      if (prop === '0') throw new Error('boom');
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  let thrown: unknown;
  try {
    arcContains(hostile as unknown as [number, number], 1);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(StoreError);
  expect(thrown).toMatchObject({ code: 'invalid-argument' });
  expect((thrown as StoreError).cause).toMatchObject({ message: 'boom' });
});

test('arcRanges splits a wrapping arc in two ascending ranges, a plain arc in one', () => {
  expect(arcRanges(null)).toEqual([]);
  expect(arcRanges([3, 9])).toEqual([[3, 9]]);
  expect(arcRanges([5, 5])).toEqual([[5, 5]]);
  expect(arcRanges([0, MAX_LOC])).toEqual([[0, MAX_LOC]]);
  expect(arcRanges([9, 3])).toEqual([
    [0, 3],
    [9, MAX_LOC],
  ]);
  expect(arcRanges([MAX_LOC, 0])).toEqual([
    [0, 0],
    [MAX_LOC, MAX_LOC],
  ]);
});

test('arcContains and arcRanges agree with modular distance on the ring', () => {
  const points = [0, 1, 2, 31, 32, 33, 2 ** 31 - 1, 2 ** 31, MAX_LOC - 1, MAX_LOC];
  const arcs: Array<[number, number] | null> = [null];
  for (const a of points) for (const b of points) arcs.push([a, b]);
  // Gathered into one assertion: a Playwright expect costs milliseconds, and these are 2,000.
  const wrong: string[] = [];
  for (const arc of arcs) {
    for (const loc of points) {
      const expected = referenceContains(arc, loc);
      if (arcContains(arc, loc) !== expected) wrong.push(`arcContains ${JSON.stringify(arc)} ${loc}`);
      const inRanges = arcRanges(arc).some(([low, high]) => loc >= low && loc <= high);
      if (inRanges !== expected) wrong.push(`arcRanges ${JSON.stringify(arc)} ${loc}`);
    }
  }
  expect(wrong).toEqual([]);
});
