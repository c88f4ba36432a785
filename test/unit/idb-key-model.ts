// A small model of IndexedDB's key order and of IDBKeyRange, for unit tests in Node, which has no
// IndexedDB. It follows the spec's "compare two keys" (https://w3c.github.io/IndexedDB/#compare-two-keys)
// for the key types larder uses (numbers, strings, arrays), written independently of src/ so a
// test can check larder's own comparisons and ranges against it. The browser suites remain the
// proof that real IndexedDB agrees.

/** The key types the model understands. */
export type ModelKey = number | string | ModelKey[];

function typeRank(key: unknown): number {
  if (typeof key === 'number') return 0;
  if (typeof key === 'string') return 2; // Date (1) and binary (3) are not used by these tests.
  if (Array.isArray(key)) return 4;
  throw new TypeError(`the key model does not handle ${typeof key} keys`);
}

/** Compares two keys as IndexedDB does: number < string < array; arrays element by element. */
export function compareIdbKeys(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareIdbKeys(a[i], b[i]);
      if (c !== 0) return c;
    }
    return Math.sign(a.length - b.length);
  }
  // Strings compare by UTF-16 code units, which is what `<` does on JavaScript strings.
  return (a as number | string) < (b as number | string) ? -1 : a === b ? 0 : 1;
}

/** A key range with the fields and the `includes` of IDBKeyRange. */
export class ModelKeyRange {
  constructor(
    readonly lower: unknown,
    readonly upper: unknown,
    readonly lowerOpen: boolean,
    readonly upperOpen: boolean,
  ) {}

  /** `IDBKeyRange.bound`, with the spec's DataError checks. */
  static bound(lower: unknown, upper: unknown, lowerOpen = false, upperOpen = false): ModelKeyRange {
    const c = compareIdbKeys(lower, upper);
    if (c > 0) throw new RangeError('DataError: lower is greater than upper');
    if (c === 0 && (lowerOpen || upperOpen)) throw new RangeError('DataError: empty range with equal bounds');
    return new ModelKeyRange(lower, upper, lowerOpen, upperOpen);
  }

  includes(key: unknown): boolean {
    const lo = compareIdbKeys(key, this.lower);
    const hi = compareIdbKeys(key, this.upper);
    return (this.lowerOpen ? lo > 0 : lo >= 0) && (this.upperOpen ? hi < 0 : hi <= 0);
  }
}

/** Installs {@link ModelKeyRange} as the global `IDBKeyRange` when Node has none. */
export function installModelKeyRange(): void {
  const g = globalThis as { IDBKeyRange?: unknown };
  g.IDBKeyRange ??= ModelKeyRange;
}
