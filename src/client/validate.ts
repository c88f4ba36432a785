import { invalid, StoreError } from '../store-error.js';

export { invalid };

/** The largest value of a u64/i64 counter that the upstream contracts allow: `i64::MAX`. */
export const MAX_U63 = 2n ** 63n - 1n;

/**
 * How a rejected value reads in an error message: strings quoted (so that `'1'` is not taken for
 * `1`), bigints with their `n`, objects by kind rather than as `[object Object]`.
 *
 * @param value - the value that failed a check.
 * @returns a short description for the message.
 */
export function describeValue(value: unknown): string {
  try {
    return describe(value);
  } catch {
    // A Proxy or an object with throwing getters: the message must not fail too.
    return 'an unreadable value';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof kind !== 'string' || kind === 'Object' || kind === '') return 'an object';
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** Checks that `value` is a string (non-empty when `nonEmpty`). */
export function checkString(value: unknown, what: string, nonEmpty = false): asserts value is string {
  if (typeof value !== 'string') invalid(`${what} must be a string, got ${typeof value}`);
  if (nonEmpty && value.length === 0) invalid(`${what} must not be empty`);
}

/**
 * Checks that `value` is a real, usable `Uint8Array`: not a Proxy of one (`instanceof` holds
 * for it, but reading its bytes throws), and not one whose buffer was transferred away.
 */
export function checkBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(ArrayBuffer.isView(value) && value instanceof Uint8Array)) invalid(`${what} must be a Uint8Array`);
  if ((value.buffer as ArrayBuffer & { detached?: boolean }).detached === true) {
    invalid(`${what} is detached: its buffer was transferred away`);
  }
}

/**
 * Calls `check` on every element of an array by index, holes included: `forEach` skips the holes
 * of a sparse array, which then fail later as a raw TypeError.
 */
export function checkEach(values: readonly unknown[], check: (value: unknown, i: number) => void): void {
  for (let i = 0; i < values.length; i++) check(values[i], i);
}

/** Checks that `value` is a non-negative safe integer. */
export function checkIndex(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(`${what} must be a non-negative safe integer, got ${describeValue(value)}`);
  }
}

/** Checks that `value` is a `bigint` in `0n ..= 2n ** 63n - 1n`. */
export function checkU63(value: unknown, what: string): asserts value is bigint {
  if (typeof value !== 'bigint') invalid(`${what} must be a bigint, got ${typeof value}`);
  if (value < 0n || value > MAX_U63) invalid(`${what} must be in 0n ..= 2n ** 63n - 1n, got ${value}`);
}

/** Checks that `value` is an array. */
export function checkArray(value: unknown, what: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) invalid(`${what} must be an array`);
}

/**
 * Checks that `value` is a valid IndexedDB key, with the platform's own rule (`indexedDB.cmp`
 * throws a DataError for anything else), so a bad key fails before anything is sent.
 */
export function checkKey(value: unknown, what: string): asserts value is IDBValidKey {
  try {
    indexedDB.cmp(value, value);
  } catch {
    invalid(`${what} is not a valid IndexedDB key`);
  }
}

/**
 * Copies a value the way IndexedDB will store it, so later edits by the caller change nothing
 * enqueued, and an uncloneable value fails when it is enqueued rather than at commit.
 */
export function cloneValue<T>(value: T, what: string): T {
  try {
    return structuredClone(value);
  } catch (e) {
    throw new StoreError('invalid-argument', `${what} is not structured-cloneable`, { cause: e });
  }
}
