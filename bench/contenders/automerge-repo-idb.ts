import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import type { Contender } from './change-store.js';
import { deleteDatabase, StrictBarrier } from './idb-util.js';

const DOC = 'bench-doc';
const STORE = 'documents';

/**
 * automerge-repo's IndexedDB storage adapter, used the way automerge-repo's StorageSubsystem
 * uses it: a change is a chunk saved under `[docId, 'incremental', <id>]` (automerge-repo
 * names it by a SHA-256 of the bytes; `actor.seq` here spares the hashing) in a transaction of
 * its own, a batch is all of them at once, the document is a snapshot chunk, and reading is
 * `loadRange([docId])`. The adapter has no durability option: `commit` passes a
 * {@link StrictBarrier}.
 */
export const automergeRepoIdb: Contender = {
  name: 'automerge-repo IndexedDB',
  async open(name) {
    const adapter = new IndexedDBStorageAdapter(name, STORE);
    // The adapter never closes its connection (it has no close method), nor on versionchange.
    const db = await (adapter as unknown as { dbPromise: Promise<IDBDatabase> }).dbPromise;
    db.onversionchange = () => db.close();
    const barrier = new StrictBarrier(name, STORE);
    return {
      async write(changes) {
        await Promise.all(
          changes.map((c) => adapter.save([DOC, 'incremental', `${c.actor}.${c.seq}`], c.bytes)),
        );
      },
      commit: () => barrier.pass(),
      async readAll() {
        const chunks = await adapter.loadRange([DOC]);
        return chunks.map((c) => c.data as Uint8Array);
      },
      async putDocument(data) {
        await adapter.save([DOC, 'snapshot', 'doc'], data);
        await barrier.pass();
      },
      getDocument: () => adapter.load([DOC, 'snapshot', 'doc']),
      async close() {
        await barrier.close();
        db.close();
      },
    };
  },
  remove: deleteDatabase,
};
