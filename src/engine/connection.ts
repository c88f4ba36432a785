import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { StoreError, toStoreError } from '../store-error.js';
import { SCHEMA_VERSION, STORES, upgradeSchema, type StoreName } from './schema.js';

/**
 * The largest `count` that `getAll` and `getAllKeys` take: it is an `unsigned long`, so a larger
 * one throws, and every store's count fits below it.
 */
export const MAX_GET_ALL_COUNT = 2 ** 32 - 1;

/** A transaction over some of larder's stores, as `idb` types it. */
export type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<unknown, StoreName[], Mode>;

/**
 * The one IndexedDB connection of an engine: opened lazily, closed on `versionchange` after the
 * engine's buffers are written, and reopened on next use.
 */
export class Connection {
  readonly name: string;
  #db: Promise<IDBPDatabase> | undefined;
  #current: IDBPDatabase | undefined;
  #closed = false;
  #beforeClose: Array<(db: IDBPDatabase) => void> = [];

  /** @param name - the IndexedDB database name. */
  constructor(name: string) {
    this.name = name;
  }

  /**
   * Registers work that must reach the database before this connection closes for another
   * connection's upgrade or delete. It runs synchronously: transactions it creates are issued
   * before `close()`, which lets them finish (IndexedDB spec, "close a database connection").
   */
  onBeforeClose(fn: (db: IDBPDatabase) => void): void {
    this.#beforeClose.push(fn);
  }

  /** The database if it is open right now, for work that must start synchronously. */
  get openNow(): IDBPDatabase | undefined {
    return this.#closed ? undefined : this.#current;
  }

  /**
   * Resolves the open database, opening (and upgrading) it first if needed.
   *
   * @throws {@link StoreError} code 'closed' after {@link Connection.close}; 'blocked' when an
   * older connection elsewhere will not close, or when a newer schema version holds the database.
   */
  db(): Promise<IDBPDatabase> {
    if (this.#closed) return Promise.reject(new StoreError('closed', 'The store is closed'));
    this.#db ??= this.#open();
    return this.#db;
  }

  async #open(): Promise<IDBPDatabase> {
    try {
      try {
        return await this.#openAt(SCHEMA_VERSION);
      } catch (e) {
        if ((e as { name?: unknown }).name !== 'VersionError') throw e;
        // A newer larder upgraded the database. Upgrades only add stores, so this build can
        // keep working on it as long as every store it knows is there.
        const db = await this.#openAt(undefined);
        const names = db.objectStoreNames;
        if (Object.values(STORES).every((store) => names.contains(store))) return db;
        this.#current = undefined;
        db.close();
        throw new StoreError('blocked', `A newer version of larder holds "${this.name}": reload this page`);
      }
    } catch (e) {
      this.#db = undefined;
      throw toStoreError(e);
    }
  }

  #openAt(version: number | undefined): Promise<IDBPDatabase> {
    let rejectBlocked: ((e: StoreError) => void) | undefined;
    let gaveUp = false;
    const blocked = new Promise<never>((_, reject) => (rejectBlocked = reject));
    const opening = openDB(this.name, version, {
      upgrade: (db, oldVersion, _newVersion, tx) => upgradeSchema(db, oldVersion, tx),
      blocked: () => {
        gaveUp = true;
        rejectBlocked?.(new StoreError('blocked', `Another connection to "${this.name}" will not close`));
      },
      blocking: () => this.#release(),
      terminated: () => {
        this.#db = undefined;
        this.#current = undefined;
      },
    }).then((db) => {
      // An open that was reported blocked may still succeed later; nobody is waiting for it.
      if (gaveUp) db.close();
      else this.#current = db;
      return db;
    });
    return Promise.race([opening, blocked]);
  }

  /** Writes what must be written, then closes, so another connection's upgrade can proceed. */
  #release(): void {
    const db = this.#current;
    this.#db = undefined;
    this.#current = undefined;
    if (db === undefined) return;
    // Synchronously, inside the versionchange event: a close after an await would let the
    // other side see this connection as blocking and fire `blocked`.
    for (const fn of this.#beforeClose) fn(db);
    db.close();
  }

  /**
   * Runs `fn` in one transaction and settles when the transaction does.
   *
   * @remarks
   * `fn` must issue every request without awaiting unrelated work, or the transaction commits
   * under it (idb's README, "Transaction lifetime"). A failure is read from `tx.error` first:
   * Chromium reports a full quota there, not on the request.
   */
  async run<T, Mode extends IDBTransactionMode>(
    stores: StoreName[],
    mode: Mode,
    fn: (tx: Tx<Mode>) => Promise<T> | T,
    durability: IDBTransactionDurability = 'default',
  ): Promise<T> {
    const db = await this.db();
    return runIn(db, stores, mode, fn, durability);
  }

  /** Closes the connection; later calls reject with code 'closed'. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#db;
    this.#db = undefined;
    this.#current = undefined;
    const db = await pending?.catch(() => undefined);
    db?.close();
  }
}

/**
 * Runs `fn` in one transaction on an open database and settles when the transaction does.
 *
 * @param db - the open database.
 * @param stores - the transaction's scope.
 * @param mode - 'readonly' or 'readwrite'.
 * @param fn - issues the requests.
 * @param durability - the commit's durability hint.
 */
export async function runIn<T, Mode extends IDBTransactionMode>(
  db: IDBPDatabase,
  stores: StoreName[],
  mode: Mode,
  fn: (tx: Tx<Mode>) => Promise<T> | T,
  durability: IDBTransactionDurability = 'default',
): Promise<T> {
  let tx: Tx<Mode> | undefined;
  try {
    tx = db.transaction(stores, mode, { durability }) as unknown as Tx<Mode>;
    const done = tx.done;
    let pending: Promise<T> | T;
    try {
      pending = fn(tx);
    } catch (e) {
      // The abort below rejects `done`; the error that matters is this one.
      done.catch(() => undefined);
      throw e;
    }
    const [result] = await Promise.all([pending, done]);
    return result;
  } catch (e) {
    if (tx === undefined) throw toStoreError(e);
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: the original error is the one to report.
    }
    if (e instanceof StoreError) throw e;
    const txError: unknown = tx.error;
    throw toStoreError(txError ?? e);
  }
}
