/**
 * Builders of `OpStore` test data for the op-store contract: op ids at chosen DHT locations, ops
 * of the default format (kitsune2's test ops), and the arcs and locations the cases share.
 */

/** The largest DHT location, `2 ** 32 - 1`: the top of the ring. */
export const TOP = 2 ** 32 - 1;

/** Arc fixtures: the full arc, one across the wrap point, a plain one and the empty arc. */
export const ARCS = {
  full: [0, TOP],
  wrap: [TOP - 32, 32],
  plain: [1000, 2000],
  empty: null,
} as const;

/** The name of one of {@link ARCS}. */
export type ArcName = keyof typeof ARCS;

/**
 * Locations of the fixture ops and the arcs of {@link ARCS} that hold them: both edges of every
 * arc, a step outside each edge, and the ends of the ring.
 */
export const LOCS: ReadonlyArray<readonly [loc: number, arcs: readonly ArcName[]]> = [
  [0, ['full', 'wrap']],
  [32, ['full', 'wrap']],
  [33, ['full']],
  [999, ['full']],
  [1000, ['full', 'plain']],
  [1500, ['full', 'plain']],
  [2000, ['full', 'plain']],
  [2001, ['full']],
  [2 ** 31, ['full']],
  [TOP - 33, ['full']],
  [TOP - 32, ['full', 'wrap']],
  [TOP, ['full', 'wrap']],
];

/** The indexes into {@link LOCS} of the locations that the arc `name` holds, ascending. */
export function locsIn(name: ArcName): number[] {
  return LOCS.flatMap(([, arcs], k) => (arcs.includes(name) ? [k] : []));
}

/** The 4 little-endian bytes of a u32: `opIdLoc(u32le(x)) === x`. */
function u32le(x: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, x >>> 0, true);
  return out;
}

/** A 32-byte op id at location `loc` (`opIdLoc(idAt(loc, salt)) === loc`), distinct for each `salt`. */
export function idAt(loc: number, salt: number): Uint8Array {
  // The salt lands in two lane-aligned words that cancel out under the XOR fold.
  const id = new Uint8Array(32);
  id.set(u32le(loc), 0);
  id.set(u32le(salt), 4);
  id.set(u32le(salt), 8);
  return id;
}

/**
 * A 32-byte op id at location `loc` whose first byte is `order`, so that ids of one `createdAt`
 * sort by `order` in the store's indexes (equal index keys are ordered by primary key).
 */
export function idOrdered(order: number, loc: number, salt: number): Uint8Array {
  // Byte 0 is `order`; word 1 carries `loc ^ order` so that the fold still gives `loc`.
  const id = new Uint8Array(32);
  id[0] = order;
  id.set(u32le((loc ^ order) >>> 0), 4);
  id.set(u32le(salt), 8);
  id.set(u32le(salt), 12);
  return id;
}

/**
 * An op of the default format: JSON `{ created_at, op_data }` whose `op_data` is `id` followed
 * by `extra` bytes of value `fill`. Its id is `id` (the first 32 bytes of `op_data`) and its
 * size `id.length + extra`.
 */
export function op(id: Uint8Array, createdAt: number, extra = 0, fill = 7): Uint8Array {
  const data = [...id, ...new Array<number>(extra).fill(fill)];
  return new TextEncoder().encode(JSON.stringify({ created_at: createdAt, op_data: data }));
}

/** Lowercase hex of some bytes, for comparisons with readable failure messages. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
