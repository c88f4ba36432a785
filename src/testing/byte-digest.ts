/**
 * The length of `bytes` and a 32-bit hash of them: megabytes compared without printing them in
 * a failure message.
 */
export function byteDigest(bytes: Uint8Array): [number, number] {
  let h = 0;
  for (const b of bytes) h = (h * 33 + b) | 0;
  return [bytes.byteLength, h];
}
