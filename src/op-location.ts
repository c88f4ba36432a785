import type { DhtArc } from './contracts/op-store.js';
import { StoreError } from './store-error.js';

/** The largest DHT location: locations are u32. */
export const MAX_LOC = 2 ** 32 - 1;

/**
 * Computes an op id's DHT location: byte `i` of the id is XORed into byte `i % 4` of a 4-byte
 * accumulator, read as a little-endian u32 (kitsune2's `Id::loc`).
 *
 * @param opId - the op's id, any length.
 * @returns the location, `0 ..= 2 ** 32 - 1`; 0 for an empty id.
 * @example
 * ```ts
 * opIdLoc(new Uint8Array([1, 0, 0, 0])); // 1
 * ```
 */
export function opIdLoc(opId: Uint8Array): number {
  if (!isBytes(opId))
    throw new StoreError('invalid-argument', 'opId must be a Uint8Array that is not detached');
  let acc = 0;
  // XOR each byte into its lane of a 32-bit accumulator: byte i lands at bits 8 * (i % 4).
  for (let i = 0; i < opId.length; i++) acc ^= (opId[i] as number) << ((i & 3) << 3);
  // `>>> 0` reads the accumulator unsigned: lane 3 would otherwise make it negative.
  return acc >>> 0;
}

/**
 * Tells whether `arc` holds the location `loc`.
 *
 * @param arc - `null` (empty), or `[start, end]` with both bounds inclusive; `start > end` wraps
 * past `2 ** 32 - 1`.
 * @param loc - a u32 location.
 * @returns true when `loc` is in the arc.
 * @example
 * ```ts
 * arcContains([2 ** 32 - 33, 32], 0); // true: the arc wraps
 * ```
 */
export function arcContains(arc: DhtArc, loc: number): boolean {
  if (!isLoc(loc)) throw new StoreError('invalid-argument', 'loc must be an integer in 0 ..= 2 ** 32 - 1');
  if (arc === null) return false;
  const [start, end] = readArc(arc);
  return start <= end ? loc >= start && loc <= end : loc >= start || loc <= end;
}

/**
 * Splits an arc into the non-wrapping location ranges it covers, so each can be queried as one
 * key range: none for the empty arc, two for an arc that wraps.
 *
 * @param arc - a validated arc.
 * @returns inclusive `[low, high]` ranges, ascending.
 */
export function arcRanges(arc: DhtArc): Array<[number, number]> {
  if (arc === null) return [];
  const [start, end] = arc;
  return start <= end
    ? [[start, end]]
    : [
        [0, end],
        [start, MAX_LOC],
      ];
}

function isLoc(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_LOC;
}

function isBytes(v: unknown): v is Uint8Array {
  return (
    ArrayBuffer.isView(v) &&
    v instanceof Uint8Array &&
    (v.buffer as ArrayBuffer & { detached?: boolean }).detached !== true
  );
}

/** Reads an arc's bounds once, whatever the caller passed: a bad arc is 'invalid-argument'. */
function readArc(arc: unknown): [number, number] {
  let start: unknown;
  let end: unknown;
  try {
    if (!Array.isArray(arc) || arc.length !== 2) throw new TypeError('not a pair');
    [start, end] = arc as unknown[];
  } catch (e) {
    throw new StoreError('invalid-argument', 'arc must be null or [start, end]', { cause: e });
  }
  if (!isLoc(start) || !isLoc(end)) {
    throw new StoreError('invalid-argument', 'arc bounds must be integers in 0 ..= 2 ** 32 - 1');
  }
  return [start, end];
}
