import type { KeyPath, KeyRangeOptions, KeySpace } from '../contracts/key-space.js';
import type { Store, StoreOptions } from '../contracts/store.js';

/** A key-space entry as plain data, for comparisons: `[key, bytes]`. */
export type PlainEntry = [string[], number[]];

/** Write-behind that never fires by itself within a test: only flush() and close() commit. */
export const HOLD: StoreOptions['writeBehind'] = { maxDelayMs: 60_000, maxBytes: 64 * 1024 * 1024 };

/** `n` bytes derived from `seed` (byte `i` is `seed * 31 + i * 7`, mod 256), to tell values apart. */
export function pattern(seed: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

/** Reads a range as plain data, in the order the key space returns it. */
export async function plainRange(
  space: KeySpace,
  prefix: KeyPath,
  options?: KeyRangeOptions,
): Promise<PlainEntry[]> {
  return (await space.getRange(prefix, options)).map((e): PlainEntry => [e.key, Array.from(e.data)]);
}

/** Reads one value as plain data, `null` when absent. */
export async function plainValue(space: KeySpace, key: KeyPath): Promise<number[] | null> {
  const v = await space.get(key);
  return v === undefined ? null : Array.from(v);
}

/**
 * Reads what is committed, through a connection of its own that is closed afterwards: another
 * connection never sees what this one holds in its write-behind buffer.
 *
 * @param open - the case's `ctx.open`.
 * @param read - what to read from the other connection.
 */
export async function readCommitted<T>(
  open: () => Promise<Store>,
  read: (other: Store) => Promise<T>,
): Promise<T> {
  const other = await open();
  try {
    return await read(other);
  } finally {
    await other.close();
  }
}

/**
 * The number of entries of the key space `name` that the store has committed. The e2e tests
 * these cases come from counted the records of IndexedDB's object store with a raw connection;
 * another connection of the store reads the same committed entries through the public API.
 *
 * @param open - the case's `ctx.open`.
 */
export function committedEntries(open: () => Promise<Store>, name: string): Promise<number> {
  return readCommitted(open, async (other) => (await other.keySpace(name).getRange([])).length);
}
