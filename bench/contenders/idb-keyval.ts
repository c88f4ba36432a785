import { get, set, setMany, values, type UseStore } from 'idb-keyval';
import type { Contender } from './change-store.js';
import { deleteDatabase, openDatabase, StrictBarrier } from './idb-util.js';

const STORE = 'keyval';
const DOC_KEY = ['~doc'];

/**
 * idb-keyval with a custom store (its documented `UseStore` shape) that keeps the connection,
 * so the benchmark can close it (`createStore` never does), with a spare store for the barrier's marker. `set` for one change, `setMany` for
 * a batch; idb-keyval has no durability option, so `commit` passes a {@link StrictBarrier}.
 */
export const idbKeyval: Contender = {
  name: 'idb-keyval',
  async open(name) {
    const db = await openDatabase(name, (d) => {
      d.createObjectStore(STORE);
      d.createObjectStore('meta');
    });
    const store: UseStore = (mode, callback) =>
      Promise.resolve(callback(db.transaction(STORE, mode).objectStore(STORE)));
    const barrier = new StrictBarrier(name, 'meta', [STORE]);
    return {
      async write(changes) {
        const [one] = changes;
        if (changes.length === 1 && one !== undefined) await set([one.actor, one.seq], one.bytes, store);
        else
          await setMany(
            changes.map((c) => [[c.actor, c.seq], c.bytes]),
            store,
          );
      },
      commit: () => barrier.pass(),
      readAll: () => values<Uint8Array>(store),
      async putDocument(data) {
        await set(DOC_KEY, data, store);
        await barrier.pass();
      },
      getDocument: () => get<Uint8Array>(DOC_KEY, store),
      async close() {
        await barrier.close();
        db.close();
      },
    };
  },
  remove: deleteDatabase,
};
