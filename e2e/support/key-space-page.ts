/**
 * Page-side helpers of the key-space spec, loaded as `window.ks` by `openKeySpacePage`, next
 * to the Persister suites' `window.pp` (open, cleanup, outcome, rawCount).
 */
import type { KeyPath, KeySpace } from '../../src/index.js';

/** Reads one value as plain data, `null` when absent. */
export async function value(space: KeySpace, key: KeyPath): Promise<number[] | null> {
  const v = await space.get(key);
  return v === undefined ? null : Array.from(v);
}

/** `n` bytes derived from `seed`, so that a reader can tell values apart. */
export function pattern(seed: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}
