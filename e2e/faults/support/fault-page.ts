/**
 * Page-side helpers of the fault-injection suite: loaded into a harness page as `window.fp` by
 * `openFaultPage`, and called from inside `page.evaluate`. They observe larder from the outside
 * (raw IndexedDB, promise states), so that a fault test does not trust the code it tests.
 */

/** What a thrown or rejected value looked like, as plain data a test can print and compare. */
export interface ErrorInfo {
  /** `instanceof window.larder.StoreError`. */
  isStoreError: boolean;
  /** The `code` field, if any. */
  code: string | undefined;
  name: string;
  message: string;
  /** `name: message` of the `cause`, if there is one. */
  cause: string | undefined;
  /** The `name` of the `cause`, if there is one. */
  causeName: string | undefined;
}

/** How a promise ended within a deadline, and after how long. */
export type Outcome =
  | { state: 'resolved'; ms: number; value: string }
  | { state: 'rejected'; ms: number; error: ErrorInfo }
  | { state: 'pending'; ms: number };

/** Values that tests keep across `page.evaluate` calls, by name. */
export const kept = new Map<string, unknown>();

/** Describes anything thrown, without throwing itself (a hostile value may have no toString). */
export function describeError(e: unknown): ErrorInfo {
  const field = (v: unknown, key: string): unknown => {
    try {
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
    } catch {
      return undefined;
    }
  };
  const text = (v: unknown): string => {
    try {
      return String(v);
    } catch {
      return '(unprintable)';
    }
  };
  const cause = field(e, 'cause');
  const code = field(e, 'code');
  return {
    isStoreError: e instanceof window.larder.StoreError,
    code: typeof code === 'string' ? code : undefined,
    name: text(field(e, 'name') ?? typeof e),
    message: text(field(e, 'message') ?? e),
    cause:
      cause === undefined ? undefined : `${text(field(cause, 'name'))}: ${text(field(cause, 'message'))}`,
    causeName: cause === undefined ? undefined : text(field(cause, 'name')),
  };
}

/** Summarises a resolved value for a report: short, and never throwing. */
export function summarize(value: unknown): string {
  try {
    if (value === undefined) return 'undefined';
    if (value instanceof Uint8Array) return `Uint8Array(${value.byteLength})`;
    if (Array.isArray(value)) return `Array(${value.length})`;
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'object' && value !== null) return `object {${Object.keys(value).join(', ')}}`;
    return String(value);
  } catch {
    return '(unprintable)';
  }
}

/**
 * Waits for `promise` at most `withinMs` and says how it ended: a fault test asserts that a call
 * settles, so it must observe a call that never does without waiting forever itself.
 */
export async function settle(promise: Promise<unknown>, withinMs: number): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'pending'>(
    (resolve) => (timer = setTimeout(() => resolve('pending'), withinMs)),
  );
  const outcome = await Promise.race([
    promise.then(
      (value): Outcome => ({ state: 'resolved', ms: ms(), value: summarize(value) }),
      (e: unknown): Outcome => ({ state: 'rejected', ms: ms(), error: describeError(e) }),
    ),
    deadline.then((): Outcome => ({ state: 'pending', ms: ms() })),
  ]);
  clearTimeout(timer);
  return outcome;
}

/**
 * Settles every promise of `calls` against one shared deadline: what a store owes its caller
 * after a fault is that every call ends, not that each gets a fresh wait.
 */
export async function settleAll(
  calls: Record<string, Promise<unknown>>,
  withinMs: number,
): Promise<Record<string, Outcome>> {
  const started = performance.now();
  const entries = Object.entries(calls);
  const outcomes = await Promise.all(
    entries.map(async ([label, p]) => {
      const left = Math.max(0, withinMs - (performance.now() - started));
      return [label, await settle(p, left)] as const;
    }),
  );
  return Object.fromEntries(outcomes);
}

/**
 * Calls `fn` and reports how it went: thrown synchronously, or the promise it returned settled
 * (within `withinMs`), or it returned a plain value.
 */
export async function attempt(
  fn: () => unknown,
  withinMs: number,
): Promise<Outcome | { state: 'threw'; error: ErrorInfo } | { state: 'returned'; value: string }> {
  let returned: unknown;
  try {
    returned = fn();
  } catch (e) {
    return { state: 'threw', error: describeError(e) };
  }
  if (returned instanceof Promise) return settle(returned, withinMs);
  return { state: 'returned', value: summarize(returned) };
}

/** The names of the databases of this origin (a database never listed here does not exist). */
export async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '').sort();
}

/** Whether the IndexedDB database `dbName` exists, without creating it. */
export async function databaseExists(dbName: string): Promise<boolean> {
  return (await databaseNames()).includes(dbName);
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Opens `dbName` with raw IndexedDB, at `version` when given. `onUpgrade` runs in the upgrade;
 * the connection ignores `versionchange`, as a third-party library's connection might.
 * Rejects with an Error named 'blocked' when the browser reports the open blocked.
 */
export function openRaw(
  dbName: string,
  version?: number,
  onUpgrade?: (db: IDBDatabase) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = version === undefined ? indexedDB.open(dbName) : indexedDB.open(dbName, version);
    req.onupgradeneeded = () => onUpgrade?.(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(Object.assign(new Error(`open of ${dbName} blocked`), { name: 'blocked' }));
  });
}

/** Deletes `dbName` with raw IndexedDB; resolves 'deleted', or 'blocked' when the browser says so. */
export function deleteRaw(dbName: string): Promise<'deleted' | 'blocked'> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = () => resolve('deleted');
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve('blocked');
  });
}

/** Serialises a stored value deterministically: typed arrays, bigints and maps included. */
function canonical(value: unknown): unknown {
  if (value === undefined) return { undefined: true };
  if (typeof value === 'bigint') return { bigint: value.toString() };
  if (value instanceof ArrayBuffer) return { ArrayBuffer: Array.from(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { [value.constructor.name]: Array.from(bytes) };
  }
  if (value instanceof Date) return { Date: value.getTime() };
  if (value instanceof Map) return { Map: [...value].map(([k, v]) => [canonical(k), canonical(v)]) };
  if (value instanceof Set) return { Set: [...value].map(canonical) };
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A raw dump of one database: records per object store, and everything as one string. */
export interface Dump {
  exists: boolean;
  version: number;
  counts: Record<string, number>;
  text: string;
}

/**
 * Reads every record of every object store of `dbName` with raw IndexedDB, bypassing larder,
 * so that "nothing was written" can be checked byte for byte. Does not create the database.
 */
export async function dump(dbName: string): Promise<Dump> {
  if (!(await databaseExists(dbName))) return { exists: false, version: 0, counts: {}, text: '' };
  const db = await openRaw(dbName);
  // Step aside for larder's own upgrades and deletes, as any polite connection does.
  db.onversionchange = () => db.close();
  try {
    const names = Array.from(db.objectStoreNames).sort();
    const counts: Record<string, number> = {};
    const parts: Record<string, unknown> = {};
    if (names.length > 0) {
      const tx = db.transaction(names, 'readonly');
      for (const n of names) {
        const store = tx.objectStore(n);
        const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
        counts[n] = keys.length;
        parts[n] = keys.map((k, i) => [canonical(k), canonical(values[i])]);
      }
    }
    return { exists: true, version: db.version, counts, text: JSON.stringify(parts) };
  } finally {
    db.close();
  }
}

/** `n` bytes derived from `seed`, so a reader can recompute and verify them. */
export function pattern(seed: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    // xorshift32: cheap, and incompressible enough that storage cannot shrink it away.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** Whether `bytes` is exactly `pattern(seed, n)`. */
export function isPattern(bytes: Uint8Array | undefined, seed: number, n: number): boolean {
  if (bytes === undefined || bytes.byteLength !== n) return false;
  const want = pattern(seed, n);
  for (let i = 0; i < n; i++) if (bytes[i] !== want[i]) return false;
  return true;
}

/** `pattern(id, n)` with `id` in its first 4 bytes, so a reader can tell which value it is. */
export function tagged(id: number, n: number): Uint8Array {
  const b = pattern(id, n);
  new DataView(b.buffer).setUint32(0, id);
  return b;
}

/** The id of bytes made by {@link tagged} if they are intact, else -1. */
export function taggedId(bytes: Uint8Array): number {
  if (bytes.byteLength < 4) return -1;
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const want = tagged(id, bytes.byteLength);
  for (let i = 0; i < want.length; i++) if (want[i] !== bytes[i]) return -1;
  return id;
}
