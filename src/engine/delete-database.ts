import { StoreError } from '../store-error.js';
import { STORAGE_KEY, type StorageRecord } from './storage-record.js';
import { STORES } from './schema.js';

/** How long {@link deleteDatabase} waits for other connections to let go before it gives up. */
export const DELETE_TIMEOUT_MS = 3000;

/**
 * Deletes an IndexedDB database of larder's, all or nothing, within a bounded time.
 *
 * @remarks
 * A plain `deleteDatabase` that is blocked stays queued: it deletes the database whenever the
 * blocker closes, with everything written in the meantime, after the caller was told it
 * failed; and Chromium fires no `blocked` at all for a frozen tab's connection. So this first
 * takes the database with a version-change open. Once granted (every other connection has
 * closed; larder's own close on `versionchange`), the upgrade transaction empties every
 * object store and leaves a tombstone that a larder store reopening it recognises as a lost
 * database; then the database itself is deleted. If it is not granted within `timeoutMs`, the
 * attempt is abandoned and, should it be granted later, its upgrade is aborted: the data is
 * left untouched. The time bound covers only that wait: once granted, the deletion runs to
 * its end however long the data takes to clear.
 *
 * @param name - the database name.
 * @param timeoutMs - how long to wait for other connections.
 * @throws {@link StoreError} code 'blocked', naming what holds the database, when it gives up.
 */
export function deleteDatabase(name: string, timeoutMs = DELETE_TIMEOUT_MS): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let gaveUp = false;
    let wasBlocked = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      void describeHolders(name, wasBlocked).then((who) =>
        reject(new StoreError('blocked', `"${name}" was not deleted, and is unchanged: ${who}`)),
      );
    }, timeoutMs);
    const fail = (e: unknown) => {
      clearTimeout(timer);
      if (!gaveUp) reject(e);
    };
    void currentVersion(name).then((version) => {
      if (version === undefined) {
        clearTimeout(timer);
        resolve();
        return;
      }
      if (gaveUp) return;
      const open = indexedDB.open(name, version + 1);
      open.onblocked = () => (wasBlocked = true);
      open.onupgradeneeded = () => {
        const tx = open.transaction as IDBTransaction;
        if (gaveUp) {
          tx.abort();
          return;
        }
        // Granted: no connection holds it any more, and the wait is over. Emptying the stores
        // takes what the data needs (1.9 s for 200,000 ops here), however long: giving up now
        // would report the data untouched while the clearing went on and removed it.
        clearTimeout(timer);
        for (const store of Array.from(tx.objectStoreNames)) tx.objectStore(store).clear();
        if (tx.objectStoreNames.contains(STORES.meta)) {
          const tombstone: StorageRecord = { deleted: true };
          tx.objectStore(STORES.meta).put(tombstone, STORAGE_KEY);
        }
      };
      open.onerror = (event) => {
        event.preventDefault();
        fail(open.error);
      };
      open.onsuccess = () => {
        open.result.close();
        clearTimeout(timer);
        if (gaveUp) return;
        // The data is gone already; this removes the empty database. Should another
        // connection open it in between, larder's close on `versionchange`, and others find it
        // empty, so there is nothing to wait for.
        const del = indexedDB.deleteDatabase(name);
        del.onsuccess = () => resolve();
        del.onerror = () => resolve();
        del.onblocked = () => resolve();
      };
    }, fail);
  });
}

/** The version of database `name`, or `undefined` when there is none. */
function currentVersion(name: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onupgradeneeded = () => {
      // It did not exist: abort so that asking does not create it.
      (open.transaction as IDBTransaction).abort();
    };
    open.onsuccess = () => {
      const version = open.result.version;
      open.result.close();
      resolve(version);
    };
    open.onerror = (event) => {
      event.preventDefault();
      if (open.error?.name === 'AbortError') resolve(undefined);
      else reject(open.error);
    };
  });
}

/** Says what holds database `name`, from the Web Locks larder engines hold while they live. */
async function describeHolders(name: string, wasBlocked: boolean): Promise<string> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  const prefix = `larder:life:${name}:`;
  let engines = 0;
  if (locks !== undefined) {
    const { held = [] } = await locks.query();
    engines = new Set(held.filter((l) => l.name?.startsWith(prefix)).map((l) => l.clientId)).size;
  }
  if (engines > 0) {
    return (
      `${engines} larder store(s) open in other tabs or workers did not let go ` +
      '(a frozen or busy tab); close them, or retry once they are active'
    );
  }
  return wasBlocked
    ? "a connection that is not larder's (raw IndexedDB or another library) will not close"
    : 'another connection holds it and did not answer (a frozen tab?)';
}
