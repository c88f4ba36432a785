/** Bare IndexedDB helpers shared by the contenders: no library, nothing hidden. */

/** Resolves a request's result, rejects with its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when a transaction commits; rejects with `tx.error` when it aborts. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Opens database `name` (at its current version when `upgrade` is omitted) and closes it when
 * another connection wants to delete or upgrade it.
 */
export async function openDatabase(name: string, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const req = upgrade === undefined ? indexedDB.open(name) : indexedDB.open(name, 1);
  if (upgrade !== undefined) req.onupgradeneeded = () => upgrade(req.result);
  const db = await request(req);
  db.onversionchange = () => db.close();
  return db;
}

/**
 * Deletes database `name`; rejects rather than hangs when a connection will not close. A
 * connection that closed with transactions still running reports `blocked` too, and then lets
 * the delete through once they finish: that gets a few seconds' grace.
 */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    req.onerror = () => {
      clearTimeout(timer);
      reject(req.error ?? new Error(`deleting ${name} failed`));
    };
    req.onblocked = () => {
      timer ??= setTimeout(
        () => reject(new Error(`deleting ${name} is blocked by an open connection`)),
        10_000,
      );
    };
  });
}

/**
 * A second connection to a library's database that makes its writes durable: a `strict`
 * transaction starts only after every read/write transaction with an overlapping scope created
 * before it has finished (IndexedDB, "transaction scheduling"), and committing it flushes the
 * backing store's log, which holds those earlier writes too. For libraries that offer no
 * durability option of their own. The connection opens on first use, so an unused barrier
 * costs nothing.
 */
export class StrictBarrier {
  readonly #name: string;
  readonly #scope: string[];
  readonly #marker: string;
  #db: Promise<IDBDatabase> | undefined;

  /**
   * @param name - the library's database.
   * @param marker - an object store with out-of-line keys where the barrier writes a marker
   * under a key the library never reads.
   * @param scope - the stores whose earlier writes to wait for (the marker's store is added).
   */
  constructor(name: string, marker: string, scope: string[] = []) {
    this.#name = name;
    this.#marker = marker;
    this.#scope = [...new Set([marker, ...scope])];
  }

  /** Resolves when every earlier write to the scope is committed durably. */
  async pass(): Promise<void> {
    this.#db ??= openDatabase(this.#name);
    const db = await this.#db;
    const tx = db.transaction(this.#scope, 'readwrite', { durability: 'strict' });
    tx.objectStore(this.#marker).put(0, '__bench_barrier__');
    await done(tx);
  }

  /** Closes the connection, if it was opened. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    (await db)?.close();
  }
}
