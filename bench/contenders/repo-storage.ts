import type { StorageAdapterInterface } from '@automerge/automerge-repo/slim';
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { deleteStore, openStore } from '../../src/index.js';
import { LarderStorageAdapter } from '../../src/automerge-repo/index.js';
import { deleteDatabase, StrictBarrier } from './idb-util.js';

/** A storage adapter for automerge-repo's `Repo`, open on one database. */
export interface OpenRepoStorage {
  adapter: StorageAdapterInterface;
  /** Resolves when everything the adapter has been given is committed durably. */
  commit(): Promise<void>;
  close(): Promise<void>;
}

/** One way to give a `Repo` its storage: how to open it on a database and how to delete it. */
export interface RepoStorage {
  name: string;
  open(db: string): Promise<OpenRepoStorage>;
  remove(db: string): Promise<void>;
}

/**
 * larder's adapter on the worker engine, constructed the way the README shows: from an open
 * store. Saves go to the write-behind buffer; `commit` is `store.flush()`, a strict commit.
 */
export const larderRepoStorage: RepoStorage = {
  name: 'larder worker',
  async open(db) {
    const store = await openStore(db, { engine: 'worker' });
    return {
      adapter: new LarderStorageAdapter(store),
      commit: async () => void (await store.flush()),
      close: () => store.close(),
    };
  },
  remove: (db) => deleteStore(db),
};

const IDB_STORE = 'documents';

/**
 * automerge-repo's own IndexedDB adapter, as its README constructs it. Each save is a
 * transaction of its own; the adapter has no durability option, so `commit` passes a
 * {@link StrictBarrier}.
 */
export const upstreamRepoStorage: RepoStorage = {
  name: 'automerge-repo IndexedDB',
  async open(db) {
    const adapter = new IndexedDBStorageAdapter(db, IDB_STORE);
    // The adapter never closes its connection (it has no close method), nor on versionchange.
    const connection = await (adapter as unknown as { dbPromise: Promise<IDBDatabase> }).dbPromise;
    connection.onversionchange = () => connection.close();
    const barrier = new StrictBarrier(db, IDB_STORE);
    return {
      adapter,
      commit: () => barrier.pass(),
      async close() {
        await barrier.close();
        connection.close();
      },
    };
  },
  remove: deleteDatabase,
};

/**
 * No storage at all: chunks kept in a Map. Not a contender but the floor: what the Repo itself
 * costs in a workload, which no storage can go below (in the typing workload only: nothing of
 * it survives a reload).
 */
export const memoryRepoStorage: RepoStorage = {
  name: 'in memory (the Repo alone)',
  async open() {
    const chunks = new Map<string, { key: string[]; data: Uint8Array }>();
    const id = (key: string[]) => JSON.stringify(key);
    const under = (prefix: string[]) =>
      [...chunks.values()].filter((c) => prefix.every((part, i) => c.key[i] === part));
    const adapter: StorageAdapterInterface = {
      load: async (key) => chunks.get(id(key))?.data,
      save: async (key, data) => void chunks.set(id(key), { key, data }),
      remove: async (key) => void chunks.delete(id(key)),
      loadRange: async (prefix) => under(prefix).map(({ key, data }) => ({ key, data })),
      removeRange: async (prefix) => {
        for (const c of under(prefix)) chunks.delete(id(c.key));
      },
    };
    return { adapter, commit: async () => undefined, close: async () => undefined };
  },
  remove: async () => undefined,
};
