import { openDB, unwrap, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction } from 'idb';
import { StoreError, toStoreError } from '../store-error.js';
import { SCHEMA_VERSION, STORES, upgradeSchema, type LarderSchema, type StoreName } from './schema.js';
import { STORAGE_KEY, type StorageRecord } from './storage-record.js';

/**
 * How a lost store's error says that its database was deleted while it was open: a larder
 * `deleteStore` (in this tab or another) does that as well as a user clearing the site's data.
 */
const DELETED = 'was deleted (by deleteStore, in this tab or another, or by clearing the site data)';

/**
 * The largest `count` that `getAll` and `getAllKeys` take: it is an `unsigned long`, so a larger
 * one throws, and every store's count fits below it.
 */
export const MAX_GET_ALL_COUNT = 2 ** 32 - 1;

/** The connection each open database belongs to, for {@link runIn}'s failures. */
const OWNERS = new WeakMap<LarderDatabase, Connection>();

/** The read transactions still running on each database (see {@link runIn}). */
const READS = new WeakMap<LarderDatabase, Set<Promise<unknown>>>();

function trackRead(db: LarderDatabase, done: Promise<unknown>): void {
  let reads = READS.get(db);
  if (reads === undefined) READS.set(db, (reads = new Set()));
  const running = reads;
  const settled = done.catch(() => undefined);
  running.add(settled);
  void settled.then(() => running.delete(settled));
}

/** Resolves once the read transactions running on `db` have finished. */
function readsOf(db: LarderDatabase): Promise<unknown> {
  return Promise.all(READS.get(db) ?? []);
}

/** How a {@link Connection} guards against a database that was lost. */
export interface ConnectionOptions {
  /** The storage id the database must have (the app's or the client's marker). */
  expectStorageId?: string | undefined;
  /** Start over on a lost database rather than fail 'storage-lost'. */
  acceptStorageLoss?: boolean | undefined;
  /** Called once when the database is found deleted or replaced under this connection. */
  onLost?: (error: StoreError) => void;
}

/** How long an open may wait in the queue of requests for the database before it gives up. */
export const OPEN_TIMEOUT_MS = 5000;

/** larder's open database, typed by its schema. */
export type LarderDatabase = IDBPDatabase<LarderSchema>;

/** A transaction over some of larder's stores, as `idb` types it. */
export type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<LarderSchema, StoreName[], Mode>;

/**
 * The one IndexedDB connection of an engine: opened lazily, closed on `versionchange` after the
 * engine's buffers are written, and reopened on next use.
 */
export class Connection {
  readonly name: string;
  readonly #options: ConnectionOptions;
  #db: Promise<LarderDatabase> | undefined;
  #current: LarderDatabase | undefined;
  #closed = false;
  #beforeClose: Array<(db: LarderDatabase) => void> = [];
  /** The id of the database this connection has opened; every reopen must find the same. */
  #storageId: string | undefined;
  #lost: StoreError | undefined;
  #verifying: Promise<void> | undefined;

  /**
   * @param name - the IndexedDB database name.
   * @param options - what the database must be.
   */
  constructor(name: string, options: ConnectionOptions = {}) {
    this.name = name;
    this.#options = options;
  }

  /** The storage id of the database, once opened. */
  get storageId(): string | undefined {
    return this.#storageId;
  }

  /** The error every call fails with once the database was lost, if it was. */
  get lost(): StoreError | undefined {
    return this.#lost;
  }

  /**
   * What a buffered write must wait for before it is accepted: nothing (`undefined`, the fast
   * path) while the database is known to be ours; the check of a reopen under way after the
   * connection was closed from outside (an upgrade, a delete, "clear site data"); or a rejection
   * once the database is lost. So a write that arrives as the database goes is refused rather
   * than acknowledged and then lost.
   */
  writable(): Promise<void> | undefined {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const verifying = this.#verifying;
    if (verifying === undefined) return undefined;
    return verifying.then(() => {
      if (this.#lost !== undefined) throw this.#lost;
    });
  }

  /** Forgets the connection the browser closed, and checks the database at once. */
  #dropAndVerify(): void {
    this.#db = undefined;
    this.#current = undefined;
    this.#verify();
  }

  /** Reopens at once after an outside close, to learn whether the database is still ours. */
  #verify(): void {
    if (this.#closed || this.#lost !== undefined || this.#verifying !== undefined) return;
    const verifying = this.db().then(
      () => undefined,
      () => undefined,
    );
    this.#verifying = verifying;
    void verifying.finally(() => {
      if (this.#verifying === verifying) this.#verifying = undefined;
    });
  }

  /**
   * Registers work that must reach the database before this connection closes for another
   * connection's upgrade or delete. It runs synchronously: transactions it creates are issued
   * before `close()`, which lets them finish (IndexedDB spec, "close a database connection").
   */
  onBeforeClose(fn: (db: LarderDatabase) => void): void {
    this.#beforeClose.push(fn);
  }

  /** The database if it is open right now, for work that must start synchronously. */
  get openNow(): LarderDatabase | undefined {
    return this.#closed ? undefined : this.#current;
  }

  /**
   * Resolves the open database, opening (and upgrading) it first if needed.
   *
   * @throws {@link StoreError} code 'closed' after {@link Connection.close}; 'blocked' when an
   * older connection elsewhere will not close, or when a newer schema version holds the database.
   */
  db(): Promise<LarderDatabase> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    if (this.#closed) return Promise.reject(new StoreError('closed', 'The store is closed'));
    this.#db ??= this.#open();
    return this.#db;
  }

  async #open(): Promise<LarderDatabase> {
    // A database this connection had, or that the app expects, must not be created afresh: a
    // new empty one would pass for a store with nothing in it.
    const mustExist =
      this.#storageId !== undefined ||
      (this.#options.expectStorageId !== undefined && this.#options.acceptStorageLoss !== true);
    const fresh = { aborted: false };
    let db: LarderDatabase;
    try {
      try {
        db = await this.#openAt(SCHEMA_VERSION, mustExist, fresh);
      } catch (e) {
        if ((e as { name?: unknown }).name !== 'VersionError') throw e;
        // A newer larder upgraded the database. Upgrades only add stores, so this build can
        // keep working on it as long as every store it knows is there.
        db = await this.#openAt(undefined, mustExist, fresh);
        const names = db.objectStoreNames;
        if (!Object.values(STORES).every((store) => names.contains(store))) {
          this.#current = undefined;
          db.close();
          throw new StoreError('blocked', `A newer version of larder holds "${this.name}": reload this page`);
        }
      }
    } catch (e) {
      this.#db = undefined;
      if (fresh.aborted) throw this.#markLost(DELETED, e);
      throw toStoreError(e);
    }
    try {
      await this.#checkStorage(db);
    } catch (e) {
      this.#db = undefined;
      this.#current = undefined;
      db.close();
      throw toStoreError(e);
    }
    return db;
  }

  /** Reads (or, for a database larder never marked, makes) its storage id, and checks it. */
  async #checkStorage(db: LarderDatabase): Promise<void> {
    const known =
      this.#storageId ?? (this.#options.acceptStorageLoss ? undefined : this.#options.expectStorageId);
    const record = await runIn(db, [STORES.meta], 'readwrite', async (tx) => {
      const meta = tx.objectStore(STORES.meta);
      // `meta` holds a value type per key (see LarderSchema): this key holds the storage record.
      const found = (await meta.get(STORAGE_KEY)) as StorageRecord | undefined;
      if (found !== undefined || known !== undefined) return found;
      // A database made by a larder before storage ids: it is the one we have.
      const made: StorageRecord = { id: newStorageId(), createdAt: Date.now() };
      await meta.put(made, STORAGE_KEY);
      return made;
    });
    if (record === undefined || 'deleted' in record)
      throw this.#markLost('was cleared while larder was not looking');
    if (known !== undefined && record.id !== known)
      throw this.#markLost('was replaced by another database while larder was not looking');
    this.#storageId = record.id;
  }

  /** Records that the database is gone, tells the owner once, and returns the error to throw. */
  #markLost(what: string, cause?: unknown): StoreError {
    if (this.#lost === undefined) {
      this.#lost = new StoreError(
        'storage-lost',
        `The database of this store ("${this.name}") ${what}: ` +
          'resync it from elsewhere, then open it with { acceptStorageLoss: true } to start over',
        cause === undefined ? undefined : { cause },
      );
      this.#db = undefined;
      const db = this.#current;
      this.#current = undefined;
      db?.close();
      this.#options.onLost?.(this.#lost);
    }
    return this.#lost;
  }

  #openAt(
    version: number | undefined,
    mustExist: boolean,
    fresh: { aborted: boolean },
  ): Promise<LarderDatabase> {
    let rejectBlocked: ((e: StoreError) => void) | undefined;
    let gaveUp = false;
    const blocked = new Promise<never>((_, reject) => (rejectBlocked = reject));
    // An open queued behind another tab's upgrade or delete that waits on a frozen tab gets no
    // event at all: give up after a while rather than leave every call pending.
    const timer = setTimeout(() => {
      gaveUp = true;
      rejectBlocked?.(
        new StoreError(
          'blocked',
          `"${this.name}" could not be opened within ${OPEN_TIMEOUT_MS} ms: another tab's upgrade or ` +
            'delete of it is waiting (on a frozen or busy tab?)',
        ),
      );
    }, OPEN_TIMEOUT_MS);
    const opening = openDB<LarderSchema>(this.name, version, {
      upgrade: (db, oldVersion, _newVersion, tx) => {
        if (oldVersion === 0 && mustExist) {
          // Aborting the upgrade of a database that did not exist leaves none behind.
          fresh.aborted = true;
          tx.abort();
          return;
        }
        upgradeSchema(db, oldVersion, tx);
        if (oldVersion === 0) {
          const made: StorageRecord = { id: newStorageId(), createdAt: Date.now() };
          void tx.objectStore(STORES.meta).put(made, STORAGE_KEY);
        }
      },
      blocked: () => {
        gaveUp = true;
        rejectBlocked?.(new StoreError('blocked', `Another connection to "${this.name}" will not close`));
      },
      blocking: (_current, next) => {
        if (next === null) {
          this.#markLost(DELETED);
        } else {
          this.#release();
          // An upgrade, or larder's deleteStore (which takes the database with a version
          // change first): reopening at once, queued behind it, tells which.
          this.#verify();
        }
      },
      terminated: () => {
        // Closed by the browser (site data cleared, disk failure): reopen and check the
        // storage id now, so a cleared database is noticed rather than recreated.
        this.#dropAndVerify();
      },
    }).then((db) => {
      clearTimeout(timer);
      // An open that was reported blocked may still succeed later; nobody is waiting for it.
      if (gaveUp) db.close();
      else {
        this.#current = db;
        OWNERS.set(db, this);
      }
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

  /**
   * Takes a transaction's abort on `db`. The browser aborts transactions when it closes the
   * connection (site data cleared, a disk failure), and its `close` event can come later: a CI
   * run's reads right after "clear site data" got "The connection was closed" while the
   * connection still accepted new transactions. So an abort is taken as that news: the
   * connection is dropped and the database checked now. Aborts are rare otherwise (larder's own
   * aborts report their cause), and a check that finds the database ours costs one reopen.
   *
   * @returns the error to report: 'storage-lost' when the check found the database gone.
   */
  async afterAbort(db: LarderDatabase, failure: StoreError): Promise<StoreError> {
    if (this.#closed || this.#lost !== undefined) return this.#lost ?? failure;
    if (this.#current === db) {
      db.close();
      this.#dropAndVerify();
    }
    await this.#verifying;
    return this.#lost ?? failure;
  }

  /** Closes the connection; later calls reject with code 'closed'. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#db;
    this.#db = undefined;
    this.#current = undefined;
    const db = await pending?.catch(() => undefined);
    if (db === undefined) return;
    await readsOf(db);
    db.close();
  }
}

/**
 * Adds `value` under `key` unless the store holds the key already: one request where a read and
 * a write took two (for 1,000 ops, the reads alone took 25 ms of a 140 ms commit here). The
 * ConstraintError of a key already there is kept from aborting the transaction
 * (`preventDefault`) and from reaching the transaction's listeners (`stopPropagation`: idb's
 * `done` would reject on it); any other failure aborts the transaction as usual.
 *
 * @returns true when it was added, false when the key was there.
 */
export function addUnlessPresent<Name extends StoreName>(
  store: IDBPObjectStore<LarderSchema, StoreName[], Name, 'readwrite'>,
  value: LarderSchema[Name]['value'],
  key: LarderSchema[Name]['key'],
): Promise<boolean> {
  const request = (unwrap(store) as IDBObjectStore).add(value, key as IDBValidKey);
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(true);
    request.onerror = (event) => {
      if (request.error?.name !== 'ConstraintError') return reject(request.error);
      event.preventDefault();
      event.stopPropagation();
      resolve(false);
    };
  });
}

/** A random id for a new database. */
function newStorageId(): string {
  return crypto.randomUUID();
}

/**
 * Runs `fn` in one transaction on an open database. A read-write one settles when the
 * transaction does; a read-only one as soon as `fn`'s requests have (its transaction is
 * tracked, and {@link Connection.close} waits for it).
 *
 * @param db - the open database.
 * @param stores - the transaction's scope.
 * @param mode - 'readonly' or 'readwrite'.
 * @param fn - issues the requests.
 * @param durability - the commit's durability hint.
 */
export async function runIn<T, Mode extends IDBTransactionMode>(
  db: LarderDatabase,
  stores: StoreName[],
  mode: Mode,
  fn: (tx: Tx<Mode>) => Promise<T> | T,
  durability: IDBTransactionDurability = 'default',
): Promise<T> {
  let tx: Tx<Mode> | undefined;
  try {
    tx = db.transaction(stores, mode, { durability });
    const done = tx.done;
    let pending: Promise<T> | T;
    try {
      pending = fn(tx);
    } catch (e) {
      // The abort below rejects `done`; the error that matters is this one.
      done.catch(() => undefined);
      throw e;
    }
    if (mode !== 'readonly') {
      const [result] = await Promise.all([pending, done]);
      return result;
    }
    // A read answers once its requests succeeded, not a commit later: nothing of it can be
    // undone. close() waits for the transaction (see readsOf), so that a deleteStore() right
    // after close() finds no connection still open.
    trackRead(db, done);
    return await pending;
  } catch (e) {
    if (tx === undefined) throw toStoreError(e);
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: the original error is the one to report.
    }
    if (e instanceof StoreError) throw e;
    const txError: unknown = tx.error;
    const failure = toStoreError(txError ?? e);
    // A connection the browser closed fails its transactions before its `close` event fires:
    // report a lost database as lost, not as an aborted read (a CI run saw 'aborted').
    const owner = OWNERS.get(db);
    throw owner !== undefined && failure.code === 'aborted' ? await owner.afterAbort(db, failure) : failure;
  }
}
