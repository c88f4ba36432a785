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

/** An adapter over chunks kept in a Map. */
function mapAdapter(chunks: Map<string, { key: string[]; data: Uint8Array }>): StorageAdapterInterface {
  const id = (key: string[]) => JSON.stringify(key);
  const under = (prefix: string[]) =>
    [...chunks.values()].filter((c) => prefix.every((part, i) => c.key[i] === part));
  return {
    load: async (key) => chunks.get(id(key))?.data,
    save: async (key, data) => void chunks.set(id(key), { key, data }),
    remove: async (key) => void chunks.delete(id(key)),
    loadRange: async (prefix) => under(prefix).map(({ key, data }) => ({ key, data })),
    removeRange: async (prefix) => {
      for (const c of under(prefix)) chunks.delete(id(c.key));
    },
  };
}

/**
 * No storage at all: chunks kept in a Map. Not a contender but the floor: what the Repo itself
 * costs in a workload, which no storage can go below (in the typing workload only: nothing of
 * it survives a reload; see {@link memoryColdStorage} for cold start).
 */
export const memoryRepoStorage: RepoStorage = {
  name: 'in memory (the Repo alone)',
  async open() {
    return { adapter: mapAdapter(new Map()), commit: async () => undefined, close: async () => undefined };
  },
  remove: async () => undefined,
};

function toBase64(data: Uint8Array): string {
  let text = '';
  // In slices: spreading a large array into one call exceeds the argument limit.
  for (let i = 0; i < data.length; i += 8192) text += String.fromCharCode(...data.subarray(i, i + 8192));
  return btoa(text);
}

const sessionKey = (db: string) => `bench memory chunks ${db}`;

/**
 * The floor under cold start: chunks kept in a Map, carried over the reload in sessionStorage
 * (written on close, read back on open, a JSON list of keys and base64 bytes). The clock then
 * covers reading that back (about 0.6 MB of base64 for 100 documents) and the Repo's own work:
 * what a cold start costs with storage that answers at once.
 */
export const memoryColdStorage: RepoStorage = {
  name: 'in memory (the Repo alone)',
  async open(db) {
    const chunks = new Map<string, { key: string[]; data: Uint8Array }>();
    const saved = sessionStorage.getItem(sessionKey(db));
    if (saved !== null) {
      for (const [key, b64] of JSON.parse(saved) as Array<[string[], string]>) {
        chunks.set(JSON.stringify(key), { key, data: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) });
      }
    }
    return {
      adapter: mapAdapter(chunks),
      commit: async () => undefined,
      async close() {
        const list = [...chunks.values()].map(({ key, data }) => [key, toBase64(data)]);
        sessionStorage.setItem(sessionKey(db), JSON.stringify(list));
      },
    };
  },
  remove: async (db) => sessionStorage.removeItem(sessionKey(db)),
};
