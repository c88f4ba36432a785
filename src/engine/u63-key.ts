/**
 * Encodes a `bigint` in `0n ..= 2n ** 63n - 1n` as 16 lowercase hex digits, so that IndexedDB's
 * string order is numeric order. A JavaScript `number` would lose precision past 2^53.
 *
 * @param n - an already validated counter.
 */
export function encodeU63(n: bigint): string {
  return n.toString(16).padStart(16, '0');
}

/** Decodes what {@link encodeU63} wrote. */
export function decodeU63(key: string): bigint {
  return BigInt(`0x${key}`);
}
