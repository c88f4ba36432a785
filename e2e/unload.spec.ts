import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// A write acknowledged just before the tab goes away must be there when the app comes back.
// The write-behind delay is a minute, so only the flush on pagehide can have saved it.

// LARDER_UNLOAD_ROUNDS runs more rounds, to measure a loss rate rather than catch one.
const ROUNDS = Number(process.env['LARDER_UNLOAD_ROUNDS'] ?? 8);

for (const engine of ENGINES) {
  for (const leave of ['close', 'reload'] as const) {
    test(`a write right before the tab ${leave === 'close' ? 'closes' : 'reloads'} is kept (${engine})`, async ({
      context,
    }) => {
      const name = uniqueName(`unload-${leave}`);
      let page = await context.newPage();
      await openHarness(page);
      const counts: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        await page.evaluate(
          async ({ name, engine, round }) => {
            const store = await window.larder.openStore(name, {
              engine,
              writeBehind: { maxDelayMs: 60_000 },
            });
            (window as unknown as { keep: unknown }).keep = store;
            await store.persister('doc').insertChanges([['actor', round, new Uint8Array([round])]]);
          },
          { name, engine, round },
        );
        if (leave === 'close') {
          await page.close();
          page = await context.newPage();
          await openHarness(page);
        } else {
          await page.reload();
          await page.waitForFunction(() => typeof window.larder !== 'undefined');
        }
        counts.push(
          await page.evaluate(
            async ({ name, engine }) => {
              const store = await window.larder.openStore(name, { engine });
              const changes = await store.persister('doc').getChanges();
              await store.close();
              return changes.length;
            },
            { name, engine },
          ),
        );
      }
      expect(counts).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
      await page.evaluate((name) => window.larder.deleteStore(name), name);
    });
  }
}
