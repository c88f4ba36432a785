import type { Change } from './change-store.js';

/** The actor of generated changes: 16 random bytes in hex, as Automerge's actor ids are. */
export const ACTOR = '5f0c9a4e1b7d3c2a8e6f4b1d9c0a7e35';

/** `n` random bytes in a buffer of their own. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes per call (Web Crypto).
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  return out;
}

const cache = new Map<string, Change[]>();

/**
 * `n` changes of `size` random bytes, seqs 1..n of one actor. Random, like compressed Automerge
 * columns, so no storage layer gains by compressing them. Cached per page: read-only.
 */
export function makeChanges(n: number, size: number): Change[] {
  const key = `${n}:${size}`;
  let changes = cache.get(key);
  if (changes === undefined) {
    const all = randomBytes(n * size);
    changes = new Array<Change>(n);
    for (let i = 0; i < n; i++) {
      changes[i] = { actor: ACTOR, seq: i + 1, bytes: all.slice(i * size, (i + 1) * size) };
    }
    cache.clear();
    cache.set(key, changes);
  }
  return changes;
}

/** Splits `items` into batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
