/**
 * automerge-repo's own acceptance suite for storage adapters, unmodified, over the larder adapter
 * on each engine. Every test gets a fresh store, deleted afterwards.
 */
import { runStorageAdapterTests } from '@automerge/automerge-repo/helpers/tests/storage-adapter-tests.js';
import { describe } from 'vitest';
import { LarderStorageAdapter } from '../../src/automerge-repo/index.js';
import { deleteStore, openStore } from '../../src/index.js';

let counter = 0;

for (const engine of ['worker', 'inline'] as const) {
  describe(`LarderStorageAdapter, engine '${engine}'`, () => {
    runStorageAdapterTests(async () => {
      const name = `am-suite-${engine}-${Date.now().toString(36)}-${++counter}`;
      const store = await openStore(name, { engine });
      return {
        adapter: new LarderStorageAdapter(store),
        teardown: async () => {
          await store.close();
          await deleteStore(name);
        },
      };
    }, `larder, engine '${engine}'`);
  });
}
