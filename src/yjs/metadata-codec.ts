import { invalid, StoreError } from '../store-error.js';

/**
 * The bytes of y-indexeddb's custom metadata. y-indexeddb keeps `set(key, value)` in an object
 * store, so a key is any IndexedDB key and a value anything structured clone takes; a key space
 * holds bytes under string paths, so both are written as tagged JSON here: strings, finite
 * numbers, booleans and null as themselves, everything else as an array that starts with a tag.
 */
type Tagged = string | number | boolean | null | Tagged[] | { [key: string]: Tagged };

/** A y-indexeddb metadata key: an IndexedDB key. */
export type MetaKey = string | number | Date | ArrayBuffer | ArrayBufferView | MetaKey[];

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
} as const;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function viewBytes(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function tagValue(value: unknown, seen: Set<object>): Tagged {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return ['u'];
    case 'bigint':
      return ['i', value.toString()];
    case 'number':
      if (Object.is(value, -0)) return ['n', '-0']; // String(-0) is '0'
      return Number.isFinite(value) ? value : ['n', String(value)];
    case 'object':
      break;
    default:
      return invalid(`a ${typeof value} cannot be stored as metadata`);
  }
  if (value === null) return null;
  // Structured clone keeps shared references and cycles; JSON cannot, and a cycle would recurse
  // forever, so it is refused.
  if (seen.has(value)) invalid('a metadata value must not contain cycles');
  seen.add(value);
  try {
    if (value instanceof Date) return ['d', value.getTime()];
    if (value instanceof ArrayBuffer) return ['ab', toBase64(new Uint8Array(value))];
    if (ArrayBuffer.isView(value)) {
      const type = Object.keys(TYPED_ARRAYS).find(
        (name) => value instanceof TYPED_ARRAYS[name as keyof typeof TYPED_ARRAYS],
      );
      if (type === undefined) invalid('this kind of ArrayBufferView cannot be stored as metadata');
      return ['v', type, toBase64(viewBytes(value))];
    }
    if (Array.isArray(value)) return ['a', ...Array.from(value, (v) => tagValue(v, seen))];
    if (value instanceof Map)
      return ['m', ...[...value].map(([k, v]) => [tagValue(k, seen), tagValue(v, seen)])];
    if (value instanceof Set) return ['s', ...[...value].map((v) => tagValue(v, seen))];
    // Plain objects and class instances (structured clone copies their own fields); a Blob, a
    // RegExp or an Error would come back as an empty object, so they are refused.
    if (Object.prototype.toString.call(value) !== '[object Object]') {
      invalid(`a ${Object.prototype.toString.call(value).slice(8, -1)} cannot be stored as metadata`);
    }
    const out: { [key: string]: Tagged } = {};
    for (const [k, v] of Object.entries(value)) out[k] = tagValue(v, seen);
    return ['o', out];
  } finally {
    seen.delete(value);
  }
}

function untag(node: Tagged): unknown {
  if (!Array.isArray(node)) return node;
  const [tag, ...rest] = node;
  switch (tag) {
    case 'u':
      return undefined;
    case 'i':
      return BigInt(rest[0] as string);
    case 'n':
      return Number(rest[0]);
    case 'd':
      return new Date(rest[0] as number);
    case 'ab':
      return fromBase64(rest[0] as string).buffer;
    case 'v': {
      const bytes = fromBase64(rest[1] as string);
      const View = TYPED_ARRAYS[rest[0] as keyof typeof TYPED_ARRAYS];
      if (View === DataView) return new DataView(bytes.buffer);
      const per = (View as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      return new (View as Uint8ArrayConstructor)(bytes.buffer, 0, bytes.byteLength / per);
    }
    case 'a':
      return rest.map(untag);
    case 'm':
      return new Map((rest as Tagged[][]).map(([k, v]) => [untag(k as Tagged), untag(v as Tagged)]));
    case 's':
      return new Set(rest.map(untag));
    case 'o':
      return Object.fromEntries(
        Object.entries(rest[0] as { [key: string]: Tagged }).map(([k, v]) => [k, untag(v)]),
      );
    default:
      throw new StoreError('unknown', `stored metadata has an unknown tag ${String(tag)}`);
  }
}

/**
 * Encodes a metadata value.
 * @throws {@link StoreError} code 'invalid-argument' for what structured clone would refuse
 * (functions, symbols) and for cycles.
 */
export function encodeMetaValue(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(tagValue(value, new Set())));
}

/** Decodes what {@link encodeMetaValue} wrote. */
export function decodeMetaValue(bytes: Uint8Array): unknown {
  return untag(JSON.parse(new TextDecoder().decode(bytes)) as Tagged);
}

/**
 * The key path element of a metadata key. Binary keys of equal bytes are one key, whatever
 * their view, as in IndexedDB.
 * @throws {@link StoreError} code 'invalid-argument' for what is not an IndexedDB key.
 */
export function encodeMetaKey(key: unknown): string {
  return JSON.stringify(tagKey(key, new Set()));
}

function tagKey(key: unknown, seen: Set<object>): Tagged {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') {
    if (Number.isNaN(key)) invalid('NaN is not a valid metadata key');
    return tagValue(key === 0 ? 0 : key, seen);
  }
  if (key instanceof Date) {
    if (Number.isNaN(key.getTime())) invalid('an invalid Date is not a valid metadata key');
    return ['d', key.getTime()];
  }
  if (key instanceof ArrayBuffer) return ['ab', toBase64(new Uint8Array(key))];
  if (ArrayBuffer.isView(key)) return ['ab', toBase64(viewBytes(key))];
  if (Array.isArray(key)) {
    if (seen.has(key)) invalid('a metadata key must not contain cycles');
    seen.add(key);
    const out: Tagged = ['a', ...key.map((k) => tagKey(k, seen))];
    seen.delete(key);
    return out;
  }
  return invalid(`a ${key === null ? 'null' : typeof key} is not a valid metadata key`);
}
