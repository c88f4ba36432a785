// CRC-32 (IEEE 802.3), as zip and PNG use it: what larder's backups end with, and what every
// stored chunk of changes carries, so that a changed byte is noticed on read.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE), computed in steps: feed it every byte in order, then read `value`. */
export class Crc32 {
  #crc = 0xffffffff;

  update(bytes: Uint8Array): void {
    let c = this.#crc;
    for (let i = 0; i < bytes.length; i++)
      c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
    this.#crc = c;
  }

  /** The checksum so far, as 8 hex digits. */
  get value(): string {
    return ((this.#crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
  }
}

/** The CRC-32 of some byte ranges, in order, as a number. */
export function crc32Of(parts: Iterable<Uint8Array>): number {
  let c = 0xffffffff;
  for (const bytes of parts) {
    for (let i = 0; i < bytes.length; i++)
      c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}
