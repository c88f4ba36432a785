/**
 * What of the KeySpace contract cannot run in `larder-kit/testing` (src/testing/key-space-contract.ts,
 * run on four engine kinds by contracts.spec.ts): the upgrade of a database that raw IndexedDB
 * calls lay out as larder's schema v4 did.
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from './support/harness.js';
import { openKeySpacePage } from './support/key-space-fixture.js';

for (const engine of ENGINES) {
  test.describe(`KeySpace contract, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openKeySpacePage(page));

    test('a database from before key spaces (schema v4) upgrades: its data stays, the key space works', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp, ks } = window;
          // larder's schema v1 to v4, as those versions laid it out, with a document stored.
          await new Promise<void>((resolve, reject) => {
            const req = indexedDB.open(`larder:${name}`, 4);
            req.onupgradeneeded = () => {
              const db = req.result;
              db.createObjectStore('changes', { keyPath: 'id', autoIncrement: true }).createIndex(
                'doc',
                'doc',
              );
              db.createObjectStore('documents').put(new Uint8Array([4, 4]), 'from-v4');
              for (const store of [
                'syncStates',
                'consensus',
                'consensusKeys',
                'logState',
                'logEntries',
                'tables',
              ]) {
                db.createObjectStore(store);
              }
              const ops = db.createObjectStore('ops');
              ops.createIndex('stored', ['space', 'storedAt']);
              ops.createIndex('loc', ['space', 'loc', 'storedAt']);
              for (const store of ['opData', 'sliceHashes', 'meta']) db.createObjectStore(store);
            };
            req.onsuccess = () => {
              req.result.close();
              resolve();
            };
            req.onerror = () => reject(req.error ?? new Error('open failed'));
          });
          const store = await pp.open(name, engine);
          const s = store.keySpace('after-upgrade');
          await s.put(['k'], ks.pattern(1, 3));
          await store.flush();
          const doc = Array.from((await store.persister('from-v4').getDocument()) ?? []);
          await store.close();
          const again = await pp.open(name, engine);
          const value = await ks.value(again.keySpace('after-upgrade'), ['k']);
          await pp.cleanup(name, again);
          return { doc, value };
        },
        { name: uniqueName('ks-upgrade'), engine },
      );
      expect(out).toEqual({ doc: [4, 4], value: [31 & 0xff, (31 + 7) & 0xff, (31 + 14) & 0xff] });
    });
  });
}
