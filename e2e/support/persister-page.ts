/**
 * Page-side helpers of the Persister suites: loaded into the harness page as `window.pp` by
 * `openPersisterPage`, and called from inside `page.evaluate`. They use larder only through
 * `window.larder`, the harness's instance of the public entry.
 */
import type { Store, StoreErrorCode, StoreOptions } from '../../src/index.js';

/**
 * Where a test store's engine runs: the two built-in engines, a Worker the test started on the
 * kit's worker entry, or a MessagePort served by a worker the test started.
 */
export type EngineKind = 'worker' | 'inline' | 'own-worker' | 'message-port';

/** Stores a test keeps open across `page.evaluate` calls, by name. */
export const kept = new Map<string, Store>();

/** Workers this page started for stores, terminated by {@link cleanup}. */
const started = new Set<Worker>();

/**
 * Opens the store `name` on the engine `kind`.
 *
 * @param name - the store name.
 * @param kind - where the engine runs.
 * @param options - the other store options.
 */
export async function open(
  name: string,
  kind: EngineKind,
  options: Omit<StoreOptions, 'engine'> = {},
): Promise<Store> {
  if (kind === 'worker' || kind === 'inline')
    return window.larder.openStore(name, { ...options, engine: kind });
  // These workers load the engine as Vite's dev server serves it, dozens of modules one by one:
  // in Firefox, in a rehearsal of `.ci/run` on a busy machine, one took over the 2 s a caller's
  // endpoint gets by default. What a caller's endpoint that never starts does is
  // faults/worker-load.spec.ts's subject, not the contracts'.
  const callerOptions = { startTimeoutMs: 30_000, ...options };
  if (kind === 'own-worker') {
    const worker = new Worker(new URL('/workers/larder.worker.ts', location.origin), { type: 'module' });
    started.add(worker);
    return window.larder.openStore(name, { ...callerOptions, engine: worker });
  }
  const worker = new Worker(new URL('/e2e/fixtures/port-worker.ts', location.origin), { type: 'module' });
  started.add(worker);
  const channel = new MessageChannel();
  worker.postMessage({ port: channel.port2 }, [channel.port2]);
  return window.larder.openStore(name, { ...callerOptions, engine: channel.port1 });
}

/** Closes the stores, deletes the store `name` and terminates the workers this page started. */
export async function cleanup(name: string, ...stores: Store[]): Promise<void> {
  for (const s of stores) await s.close();
  await window.larder.deleteStore(name);
  stopWorkers();
}

/** Terminates the workers {@link open} started. */
export function stopWorkers(): void {
  for (const w of started) w.terminate();
  started.clear();
}

// The plain-data views of a persister are the kit's (larder-kit/testing), so that these specs
// and the contract suites compare alike.
export {
  bytes,
  plain,
  sorted,
  persisterSnapshot as snapshot,
  type PersisterSnapshot as Snapshot,
} from '../../src/testing/persister-snapshot.js';

/** How a call ended, as plain data. */
export interface Outcome {
  /** 'ok', or the rejection's `code` (`'none'` when it has none). */
  code: StoreErrorCode | 'ok' | 'none';
  /** `isStoreError(e)` with no code, and with the rejection's code. */
  isStoreError: boolean;
  isStoreErrorOfCode: boolean;
  /** `e instanceof window.larder.StoreError` on this thread. */
  isInstance: boolean;
  /** Whether the call threw synchronously instead of returning a rejected Promise. */
  threwSynchronously: boolean;
}

/**
 * Runs `fn` and reports how its Promise settled.
 *
 * @param fn - makes one larder call and returns its Promise.
 */
export async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
  let promise: Promise<unknown>;
  try {
    promise = fn();
  } catch (e) {
    return { ...describe(e), threwSynchronously: true };
  }
  try {
    await promise;
    return {
      code: 'ok',
      isStoreError: false,
      isStoreErrorOfCode: false,
      isInstance: false,
      threwSynchronously: false,
    };
  } catch (e) {
    return { ...describe(e), threwSynchronously: false };
  }
}

function describe(e: unknown): Omit<Outcome, 'threwSynchronously'> {
  const code = (e as { code?: StoreErrorCode } | null)?.code ?? 'none';
  return {
    code,
    isStoreError: window.larder.isStoreError(e),
    isStoreErrorOfCode: code !== 'none' && window.larder.isStoreError(e, code),
    isInstance: e instanceof window.larder.StoreError,
  };
}

/** Tells whether the database `dbName` exists. */
export async function exists(dbName: string): Promise<boolean> {
  return (await indexedDB.databases()).some((d) => d.name === dbName);
}

/**
 * Opens a raw connection to an existing database at its current version, with no
 * `versionchange` handler: it holds the database until closed.
 */
export async function rawOpen(dbName: string): Promise<IDBDatabase> {
  // Opening a database that does not exist would create it, empty, at version 1.
  if (!(await exists(dbName))) throw new Error(`${dbName} does not exist`);
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`open ${dbName} failed`));
  });
}

/**
 * Counts the records of an object store of the store `name`'s database, through a raw
 * connection of its own: what is committed, not what a larder buffer holds.
 *
 * @param name - the larder store name (the database is `larder:<name>`).
 * @param storeName - the object store.
 */
export async function rawCount(name: string, storeName: string): Promise<number> {
  if (!(await exists(`larder:${name}`))) return 0;
  const db = await rawOpen(`larder:${name}`);
  try {
    if (!db.objectStoreNames.contains(storeName)) return 0;
    return await new Promise<number>((resolve, reject) => {
      const req = db.transaction(storeName, 'readonly').objectStore(storeName).count();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('count failed'));
    });
  } finally {
    db.close();
  }
}

/**
 * Adds `copies` copies of the first chunk of the store `name`'s `changes` with raw IndexedDB,
 * under new keys: a document with more chunks than any commit of larder leaves (compaction
 * starts after commits), for tests of what a read does with one.
 */
export async function rawCopyChunk(name: string, copies: number): Promise<void> {
  const db = await rawOpen(`larder:${name}`);
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('changes', 'readwrite');
      const store = tx.objectStore('changes');
      const req = store.openCursor();
      req.onsuccess = () => {
        const cursor = req.result;
        if (cursor === null) return tx.abort();
        // The key is generated (keyPath 'id', autoIncrement): a copy without one gets a new key.
        const { id: _id, ...chunk } = cursor.value as Record<string, unknown>;
        for (let i = 0; i < copies; i++) store.add({ ...chunk });
      };
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error('no chunk to copy'));
    });
  } finally {
    db.close();
  }
}

/** Every record of the store `name`'s object store `storeName`, as JSON text, read raw. */
export async function rawText(name: string, storeName: string): Promise<string> {
  const db = await rawOpen(`larder:${name}`);
  try {
    const store = db.transaction(storeName, 'readonly').objectStore(storeName);
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map(
        (req) =>
          new Promise<unknown[]>((resolve, reject) => {
            req.onsuccess = () => resolve(req.result as unknown[]);
            req.onerror = () => reject(req.error ?? new Error('read failed'));
          }),
      ),
    );
    return JSON.stringify([keys, values], (_, v: unknown) =>
      v instanceof Uint8Array ? Array.from(v) : v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v,
    );
  } finally {
    db.close();
  }
}
