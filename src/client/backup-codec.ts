import { StoreError } from '../store-error.js';

export { Crc32 } from '../crc32.js';

/**
 * Stored values as JSON, and back: what IndexedDB's structured clone stores (bytes, bigints,
 * dates, maps, sets, nested arrays and objects), tagged where JSON has no form of its own, so
 * that a backup restores every value as it was stored.
 *
 * @remarks
 * A tagged value is an object whose `$` names its kind. A stored plain object that has a `$`
 * key of its own is wrapped (`{ $: 'obj', e }`), so it never passes for a tag.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TYPED = {
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
} as const;
type TypedName = keyof typeof TYPED;

/**
 * Encodes a stored value as JSON.
 *
 * @throws {@link StoreError} code 'invalid-argument' for what a backup cannot hold (a Blob, a
 * File, an Error, a class instance).
 */
export function encodeValue(value: unknown, where: string): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : { $: 'num', v: String(value) };
    case 'bigint':
      return { $: 'big', v: value.toString() };
    case 'undefined':
      return { $: 'undef' };
    case 'object':
      break;
    default:
      throw unsupported(where, typeof value);
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v) => encodeValue(v, where));
  if (value instanceof ArrayBuffer) return { $: 'ab', b: toBase64(new Uint8Array(value)) };
  if (value instanceof DataView) {
    return { $: 'dv', b: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    if (!(name in TYPED)) throw unsupported(where, name);
    return { $: name, b: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (value instanceof Date) return { $: 'date', v: String(value.getTime()) };
  if (value instanceof RegExp) return { $: 're', s: value.source, f: value.flags };
  if (value instanceof Map) {
    return { $: 'map', e: [...value].map(([k, v]) => [encodeValue(k, where), encodeValue(v, where)]) };
  }
  if (value instanceof Set) return { $: 'set', e: [...value].map((v) => encodeValue(v, where)) };
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw unsupported(where, (value as { constructor?: { name?: string } }).constructor?.name ?? 'object');
  }
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) out[k] = encodeValue(v, where);
  return '$' in out ? { $: 'obj', e: out } : out;
}

/**
 * Decodes what {@link encodeValue} made.
 *
 * @throws {@link StoreError} code 'invalid-argument' for anything else.
 */
export function decodeValue(json: unknown): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') return json;
  if (Array.isArray(json)) return json.map(decodeValue);
  if (typeof json !== 'object') throw damaged(`a value of type ${typeof json}`);
  const tagged = json as { $?: unknown; [key: string]: unknown };
  if (!('$' in tagged)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tagged)) out[k] = decodeValue(v);
    return out;
  }
  const { $: tag } = tagged;
  switch (tag) {
    case 'num': {
      const v = text(tagged['v']);
      if (!['NaN', 'Infinity', '-Infinity', '0'].includes(v)) throw damaged(`the number ${v}`);
      // String(-0) is '0': the one finite number JSON cannot hold.
      return v === '0' ? -0 : Number(v);
    }
    case 'big':
      if (!/^-?\d+$/.test(text(tagged['v']))) throw damaged('a bigint');
      return BigInt(text(tagged['v']));
    case 'undef':
      return undefined;
    case 'ab':
      return fromBase64(text(tagged['b'])).buffer;
    case 'dv': {
      const bytes = fromBase64(text(tagged['b']));
      return new DataView(bytes.buffer);
    }
    case 'date': {
      const t = Number(text(tagged['v']));
      return new Date(t);
    }
    case 're':
      try {
        return new RegExp(text(tagged['s']), text(tagged['f']));
      } catch {
        throw damaged('a regular expression');
      }
    case 'map': {
      const entries = tagged['e'];
      if (!Array.isArray(entries)) throw damaged('a map');
      return new Map(
        entries.map((pair: unknown) => {
          if (!Array.isArray(pair) || pair.length !== 2) throw damaged('a map entry');
          return [decodeValue(pair[0]), decodeValue(pair[1])] as const;
        }),
      );
    }
    case 'set': {
      const entries = tagged['e'];
      if (!Array.isArray(entries)) throw damaged('a set');
      return new Set(entries.map(decodeValue));
    }
    case 'obj': {
      const inner = tagged['e'];
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw damaged('an object');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(inner)) out[k] = decodeValue(v);
      return out;
    }
    default: {
      if (typeof tag !== 'string' || !(tag in TYPED)) throw damaged(`a value tagged ${String(tag)}`);
      const bytes = fromBase64(text(tagged['b']));
      const Typed = TYPED[tag as TypedName];
      if (bytes.byteLength % Typed.BYTES_PER_ELEMENT !== 0) throw damaged(`a ${tag}`);
      return new Typed(bytes.buffer, 0, bytes.byteLength / Typed.BYTES_PER_ELEMENT);
    }
  }
}

function text(v: unknown): string {
  if (typeof v !== 'string') throw damaged('a field that should be text');
  return v;
}

/** The error of a backup whose content does not decode. */
export function damaged(what: string): StoreError {
  return new StoreError(
    'invalid-argument',
    `The backup is damaged: it holds ${what} that larder never writes`,
  );
}

function unsupported(where: string, kind: string): StoreError {
  return new StoreError('invalid-argument', `${where} holds a ${kind}, which a backup cannot hold`);
}

/** Base64 of some bytes. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  let s: string;
  try {
    s = atob(b64);
  } catch {
    throw damaged('bytes that are not base64');
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
