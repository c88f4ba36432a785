/**
 * A workaround for a WebKit IndexedDB bug: in a key read back from the database (`getAllKeys`,
 * a cursor's `key`), a binary part (an ArrayBuffer) that is not the key's last part comes back
 * with WebKit's serialization of every part after it appended. `['a', buf, 7]` stored reads
 * back as `['a', buf + [0x20, 7 as float64], 7]`. Measured in WebKitGTK 2.50 (the probes are in
 * docs/engines.md); Safari shares WebCore's IndexedDB code. It broke op-store time slices and
 * would carry wrong keys into backups; the kit's contract suites found it.
 *
 * The repair cuts that serialization off a binary part when it is there. It runs only in WebKit:
 * elsewhere a key comes back as stored, and an id that happened to end in those bytes would be
 * cut wrongly.
 */

/** WebKit's key type tags (WebCore's IDBSerialization): each is followed by its payload. */
const NUMBER = 0x20; // float64, little-endian
const DATE = 0x40; // float64 ms, little-endian
const STRING = 0x60; // uint32 count of UTF-16 code units, then the code units, little-endian
const BINARY = 0x80; // uint64 byte count, then the bytes
const ARRAY = 0xa0; // uint64 count, then each part

/** Whether this engine has the bug: WebKit, and not Chromium (whose user agent names WebKit too). */
const IN_WEBKIT =
  typeof navigator !== 'undefined' &&
  /AppleWebKit/.test(navigator.userAgent) &&
  !/Chrome\/|Chromium\/|Edg\//.test(navigator.userAgent);

/**
 * `key` as it was stored: see the module's remarks. Returns `key` itself when nothing needs
 * repair, or outside WebKit.
 */
export function repairKey<K>(key: K): K {
  return IN_WEBKIT ? cutWebKitTails(key) : key;
}

/** What {@link repairKey} does in WebKit, in any engine: for tests. */
export function cutWebKitTails<K>(key: K): K {
  return Array.isArray(key) ? (repair(key, []) as K) : key;
}

/** Repairs `key`, after which WebKit serialized `after` (the bytes of the parts that follow it). */
function repair(key: unknown, after: number[]): unknown {
  if (key instanceof ArrayBuffer) {
    if (after.length === 0 || key.byteLength < after.length) return key;
    const bytes = new Uint8Array(key, key.byteLength - after.length);
    for (let i = 0; i < after.length; i++) if (bytes[i] !== after[i]) return key;
    return key.slice(0, key.byteLength - after.length);
  }
  if (!Array.isArray(key)) return key;
  let changed = false;
  const out = key.map((part, i) => {
    const rest: number[] = [];
    for (let j = i + 1; j < key.length; j++) if (!encode(key[j], rest)) return part;
    const fixed = repair(part, rest.concat(after));
    changed ||= fixed !== part;
    return fixed;
  });
  return changed ? out : key;
}

/** Appends WebKit's serialization of `key` to `out`; false for a value that is not a key. */
function encode(key: unknown, out: number[]): boolean {
  if (typeof key === 'number' || key instanceof Date) {
    out.push(typeof key === 'number' ? NUMBER : DATE);
    pushBytes(out, new Uint8Array(new Float64Array([typeof key === 'number' ? key : key.getTime()]).buffer));
    return true;
  }
  if (typeof key === 'string') {
    out.push(STRING);
    pushUint(out, key.length, 4);
    for (let i = 0; i < key.length; i++) pushUint(out, key.charCodeAt(i), 2);
    return true;
  }
  if (key instanceof ArrayBuffer || ArrayBuffer.isView(key)) {
    const bytes =
      key instanceof ArrayBuffer
        ? new Uint8Array(key)
        : new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
    out.push(BINARY);
    pushUint(out, bytes.length, 8);
    pushBytes(out, bytes);
    return true;
  }
  if (Array.isArray(key)) {
    out.push(ARRAY);
    pushUint(out, key.length, 8);
    return key.every((part) => encode(part, out));
  }
  return false;
}

function pushUint(out: number[], n: number, size: number): void {
  for (let i = 0; i < size; i++) out.push(i < 6 ? Math.floor(n / 2 ** (8 * i)) & 0xff : 0);
}

function pushBytes(out: number[], bytes: Uint8Array): void {
  for (const b of bytes) out.push(b);
}
