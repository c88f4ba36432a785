/** A value as it crosses WebDriver's JSON, every non-JSON value tagged. */
export type Encoded = string | boolean | number | null | { [tag: string]: unknown };

/**
 * The encoder and decoder of values that cross between a test and a page over WebDriver, whose
 * wire is JSON only: undefined, bigints, NaN, ±Infinity, -0, dates, typed arrays, ArrayBuffers,
 * maps, sets and errors are tagged so they arrive as what they were, as they do through
 * Playwright's own `page.evaluate`. Self-contained: its source is also sent into the page.
 */
export function evaluateCodec() {
  const TYPED = [
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
  ] as const;
  const encode = (value: unknown, seen = new Set<object>()): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (value === undefined) return { $u: 1 };
    if (typeof value === 'bigint') return { $b: value.toString() };
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return { $n: 'NaN' };
      if (value === Infinity) return { $n: 'Infinity' };
      if (value === -Infinity) return { $n: '-Infinity' };
      if (Object.is(value, -0)) return { $n: '-0' };
      return value;
    }
    if (typeof value !== 'object') return { $u: 1 };
    if (seen.has(value)) throw new TypeError('evaluate: a cyclic value cannot cross WebDriver');
    seen.add(value);
    try {
      if (value instanceof Date) return { $d: value.toISOString() };
      if (value instanceof ArrayBuffer) return { $ab: Array.from(new Uint8Array(value)) };
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        const kind = TYPED.find((k) => value.constructor.name === k) ?? 'Uint8Array';
        return {
          $ta: kind,
          v: Array.from(value as unknown as ArrayLike<number | bigint>, (x) => encode(x, seen)),
        };
      }
      if (value instanceof Map)
        return { $m: Array.from(value, ([k, v]) => [encode(k, seen), encode(v, seen)]) };
      if (value instanceof Set) return { $s: Array.from(value, (v) => encode(v, seen)) };
      if (value instanceof Error)
        return { $e: { name: value.name, message: value.message, stack: value.stack } };
      if (Array.isArray(value)) return { $a: value.map((v) => encode(v, seen)) };
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = encode(v, seen);
      return { $o: out };
    } finally {
      seen.delete(value);
    }
  };
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const v = value as Record<string, unknown>;
    if ('$u' in v) return undefined;
    if ('$b' in v) return BigInt(v['$b'] as string);
    if ('$n' in v) return v['$n'] === '-0' ? -0 : Number(v['$n']);
    if ('$d' in v) return new Date(v['$d'] as string);
    if ('$ab' in v) return new Uint8Array(v['$ab'] as number[]).buffer;
    if ('$ta' in v) {
      const Ctor = (globalThis as unknown as Record<string, new (x: unknown[]) => unknown>)[
        v['$ta'] as string
      ];
      if (Ctor === undefined) throw new TypeError(`evaluate: no ${String(v['$ta'])} here`);
      return new Ctor((v['v'] as unknown[]).map(decode));
    }
    if ('$m' in v)
      return new Map((v['$m'] as Array<[unknown, unknown]>).map(([k, x]) => [decode(k), decode(x)]));
    if ('$s' in v) return new Set((v['$s'] as unknown[]).map(decode));
    if ('$e' in v) {
      const e = v['$e'] as { name: string; message: string; stack?: string };
      const error = new Error(e.message);
      error.name = e.name;
      if (e.stack !== undefined) error.stack = e.stack;
      return error;
    }
    if ('$a' in v) return (v['$a'] as unknown[]).map(decode);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v['$o'] as Record<string, unknown>)) out[k] = decode(x);
    return out;
  };
  return { encode, decode };
}
