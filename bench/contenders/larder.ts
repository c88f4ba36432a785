import { deleteStore, openStore } from '../../src/index.js';
import type { Contender } from './change-store.js';

/**
 * larder's Persister, with the engine in its own worker (the default) or inline. Writes go to
 * the write-behind buffer; `commit` is `flush()`, which commits with `strict` durability.
 */
export function larder(engine: 'worker' | 'inline'): Contender {
  return {
    name: `larder ${engine}`,
    async open(db) {
      const store = await openStore(db, { engine });
      const persister = store.persister('doc');
      return {
        write: (changes) => persister.insertChanges(changes.map((c) => [c.actor, c.seq, c.bytes] as const)),
        commit: async () => void (await store.flush()),
        readAll: () => persister.getChanges(),
        async putDocument(data) {
          await persister.setDocument(data);
          await persister.flush();
        },
        getDocument: () => persister.getDocument(),
        close: () => store.close(),
      };
    },
    remove: (db) => deleteStore(db),
  };
}
