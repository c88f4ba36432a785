/** Lowercase hex of some bytes: a map key for binary ids (peers, op ids). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}
