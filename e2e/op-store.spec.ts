/**
 * What of the OpStore contract cannot run in `larder-kit/testing` (src/testing/op-store-contract.ts,
 * run on four engine kinds by contracts.spec.ts): the op clock across engines of its own choice,
 * a worker whose clock lags and a page clock mocked ahead.
 */
import { expect, test } from '@playwright/test';
import { installOpFixtures } from './support/op-fixtures.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

/** The full arc: every location. */
const ARCS = { full: [0, 2 ** 32 - 1] } as const;

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installOpFixtures);
  await openHarness(page);
});

for (const engine of ENGINES) {
  test.describe(`op store (${engine})`, () => {
    test('storedAt keeps increasing across a reopen and a new worker with a clock behind', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op } = window.opFx;
          const realNow = Date.now;
          const workers: Worker[] = [];
          // A worker running the kit's entry whose wall clock reads 1 ms after the epoch.
          const laggingWorker = () => {
            const src =
              `import { serveEngine } from '${location.origin}/src/worker-host.ts';\n` +
              `Date.now = () => 1;\nserveEngine(self);\n`;
            const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
            const w = new Worker(url, { type: 'module' });
            workers.push(w);
            return w;
          };
          // The storedAt of the op stored k-th (sizes are all 32, so the budget takes k ops).
          const storedAt = async (k: number) => {
            const store = await openStore(name, { engine: 'inline' });
            try {
              return (await store.opStore('space').retrieveOpIdsBounded(full, 0, 32 * k))[2];
            } finally {
              await store.close();
            }
          };
          const phases: Array<() => Promise<void>> = [];
          const storeOne = (k: number, opts: Parameters<typeof openStore>[1], now?: () => number) =>
            phases.push(async () => {
              if (now !== undefined) Date.now = now;
              try {
                const store = await openStore(name, opts);
                await store.opStore('space').processIncomingOps([op(idAt(k, k), k)]);
                await store.close();
              } finally {
                Date.now = realNow;
              }
            });
          try {
            const ahead = realNow() + 24 * 3600 * 1000;
            // The first op with a clock a day ahead: inline by mocking this page's clock.
            storeOne(0, { engine }, engine === 'inline' ? () => ahead : undefined);
            storeOne(1, { engine: laggingWorker() });
            storeOne(2, { engine: 'inline' }, () => 1);
            storeOne(3, { engine: 'worker' });
            storeOne(4, { engine });
            const times: number[] = [];
            for (let k = 0; k < phases.length; k++) {
              await phases[k]!();
              times.push(await storedAt(k));
            }
            return { times, ahead: engine === 'inline' ? ahead * 1000 : 0 };
          } finally {
            for (const w of workers) w.terminate();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-clock'), engine, full: ARCS.full },
      );
      expect(out.times).toHaveLength(5);
      expect(out.times[0]).toBeGreaterThanOrEqual(out.ahead);
      for (let i = 1; i < out.times.length; i++) expect(out.times[i]!).toBeGreaterThan(out.times[i - 1]!);
    });
  });
}
