import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import type { Contender } from './change-store.js';
import { deleteDatabase, StrictBarrier } from './idb-util.js';

/** Opens a Y.Doc from its database: resolves once y-indexeddb has applied what is stored. */
async function load(name: string): Promise<[Y.Doc, IndexeddbPersistence]> {
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(name, doc);
  await persistence.whenSynced;
  return [doc, persistence];
}

/**
 * A real Y.Doc persisted by y-indexeddb: a change is a binary item pushed onto a Y.Array, a
 * batch is one `transact` (one Yjs update, which y-indexeddb writes as one record in its own
 * transaction, fire and forget). The document is a binary value in a Y.Map. `commit` passes a
 * {@link StrictBarrier} on y-indexeddb's `updates` store, which also waits for those writes.
 * Reading means loading the Y.Doc, as y-indexeddb offers no other read.
 */
export const yIndexeddb: Contender = {
  name: 'y-indexeddb',
  async open(name) {
    const [doc, persistence] = await load(name);
    const barrier = new StrictBarrier(name, 'custom', ['updates']);
    const changes = doc.getArray<Uint8Array>('changes');
    return {
      async write(batch) {
        doc.transact(() => changes.push(batch.map((c) => c.bytes)));
      },
      commit: () => barrier.pass(),
      async readAll() {
        return changes.toArray();
      },
      async putDocument(data) {
        doc.getMap<Uint8Array>('document').set('doc', data);
        await barrier.pass();
      },
      async getDocument() {
        const [other, otherPersistence] = await load(name);
        const data = other.getMap<Uint8Array>('document').get('doc');
        await otherPersistence.destroy();
        other.destroy();
        return data;
      },
      async close() {
        await barrier.close();
        await persistence.destroy();
        doc.destroy();
      },
    };
  },
  remove: deleteDatabase,
};
