import Dexie, { type Table } from 'dexie';
import type { Contender } from './change-store.js';
import { StrictBarrier } from './idb-util.js';

interface ChangeRow {
  actor: string;
  seq: number;
  bytes: Uint8Array;
}

/**
 * Dexie 4 with a compound primary key `[actor+seq]`: `put` for one change, `bulkPut` for a
 * batch, at Dexie's default durability; `commit` passes a {@link StrictBarrier} on a spare table.
 */
export const dexie: Contender = {
  name: 'dexie',
  async open(name) {
    const db = new Dexie(name);
    db.version(1).stores({ changes: '[actor+seq]', documents: '', meta: '' });
    await db.open();
    const changes = db.table('changes') as Table<ChangeRow, [string, number]>;
    const documents = db.table('documents') as Table<Uint8Array, string>;
    const barrier = new StrictBarrier(name, 'meta', ['changes', 'documents']);
    return {
      async write(batch) {
        const [one] = batch;
        if (batch.length === 1 && one !== undefined) await changes.put(one);
        else await changes.bulkPut(batch);
      },
      commit: () => barrier.pass(),
      async readAll() {
        const rows = await changes.toArray();
        return rows.map((r) => r.bytes);
      },
      async putDocument(data) {
        await documents.put(data, 'doc');
        await barrier.pass();
      },
      getDocument: () => documents.get('doc'),
      async close() {
        await barrier.close();
        db.close();
      },
    };
  },
  remove: (name) => Dexie.delete(name),
};
