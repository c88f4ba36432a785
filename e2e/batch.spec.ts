import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// API.md section 5: tables and batches are cases of the log tracker contract
// (src/testing/batch-cases.ts, run by e2e/contracts.spec.ts). What stays here pairs the worker
// engine with the inline one on one database, which a contract case, given one setup, cannot.

const PEER = '3d0f7e1a-5b2c-4c8d-9e6f-1a2b3c4d5e01';

for (const engine of ENGINES) {
  test.describe(`batch and tables (${engine})`, () => {
    test.beforeEach(async ({ page }) => openHarness(page));

    test('a committed batch is visible to a connection of the other engine', async ({ page }) => {
      const other = engine === 'worker' ? ('inline' as const) : ('worker' as const);
      const out = await page.evaluate(
        async ({ name, engine, other, PEER }) => {
          const writer = await window.larder.openStore(name, { engine });
          const reader = await window.larder.openStore(name, { engine: other });
          try {
            // The reader opened its connection first, so it must see the write, not a snapshot.
            const readerLog = await reader.logTracker('shared');
            const before = await reader.table('t').getAll();
            const log = await writer.logTracker('shared');
            const batch = writer.batch().put('t', 'k', { v: 1 });
            log.trackOne(PEER, 41n, 7n, undefined, 'op', batch);
            await batch.commit();
            return {
              before,
              after: await reader.table('t').getAll(),
              cursors: [...(await readerLog.allCursors())],
            };
          } finally {
            await writer.close();
            await reader.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('batch-shared'), engine, other, PEER },
      );
      expect(out.before).toEqual([]);
      expect(out.after).toEqual([['k', { v: 1 }]]);
      expect(out.cursors).toEqual([[PEER, 42n]]);
    });
  });
}
