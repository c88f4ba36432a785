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

/**
 * The CRC-32 of some parts, in order, as a number: byte ranges, and strings as their UTF-8
 * bytes (what `TextEncoder` gives, for a string with no lone surrogate: JSON.stringify's output
 * has none), encoded on the fly. Checking 10,000 key-space records on load spent most of its
 * time allocating each label's encoding.
 */
export function crc32Of(parts: Iterable<Uint8Array | string>): number {
  let c = 0xffffffff;
  for (const part of parts) {
    if (typeof part === 'string') c = crcOfText(c, part);
    else {
      for (let i = 0; i < part.length; i++)
        c = (CRC_TABLE[(c ^ (part[i] as number)) & 0xff] as number) ^ (c >>> 8);
    }
  }
  return (c ^ 0xffffffff) >>> 0;
}

function crcByte(c: number, byte: number): number {
  return (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
}

/** Feeds the UTF-8 bytes of `text` to the running CRC `c`; a lone surrogate as U+FFFD. */
function crcOfText(c: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    let u = text.charCodeAt(i);
    if (u < 0x80) {
      c = crcByte(c, u);
      continue;
    }
    if (u >= 0xd800 && u <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        u = 0x10000 + ((u - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else u = 0xfffd;
    }
    if (u < 0x800) {
      c = crcByte(c, 0xc0 | (u >> 6));
    } else if (u < 0x10000) {
      c = crcByte(c, 0xe0 | (u >> 12));
      c = crcByte(c, 0x80 | ((u >> 6) & 0x3f));
    } else {
      c = crcByte(c, 0xf0 | (u >> 18));
      c = crcByte(c, 0x80 | ((u >> 12) & 0x3f));
      c = crcByte(c, 0x80 | ((u >> 6) & 0x3f));
    }
    c = crcByte(c, 0x80 | (u & 0x3f));
  }
  return c;
}
