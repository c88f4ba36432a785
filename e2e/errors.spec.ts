/**
 * Errors (API.md section 8) that need more than larder's public API: an engine error provoked
 * with a raw IndexedDB connection, a look at the browser's databases after a rejected open, and
 * engines that are not engines. The Persister's errors (bad arguments, calls on a closed store,
 * `isStoreError` and `instanceof`) and openStore's bad options run from `larder-kit/testing`
 * (src/testing/persister-error-cases.ts, store-contract.ts) over four engine kinds in
 * contracts.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from './support/harness.js';
import { openPersisterPage } from './support/persister-fixture.js';

/** How every rejection is expected to look: a `StoreError` with its code, as a Promise. */
function rejected(code: string) {
  return { code, isStoreError: true, isStoreErrorOfCode: true, isInstance: true, threwSynchronously: false };
}

/** `value` under every key of `results`: one comparison that shows every mismatching label. */
function everyKey<T>(results: Record<string, unknown>, value: T): Record<string, T> {
  return Object.fromEntries(Object.keys(results).map((label) => [label, value]));
}

for (const engine of ENGINES) {
  test.describe(`Persister errors, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openPersisterPage(page));

    test('an error raised inside the engine arrives as a StoreError with its code', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          // An old-version connection that never closes: the engine's upgrade is blocked, in
          // the worker for the worker engine.
          const raw = await new Promise<IDBDatabase>((resolve, reject) => {
            const req = indexedDB.open(`larder:${name}`, 1);
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(req.error ?? new Error('open failed'));
          });
          const opened = await pp.outcome(() => pp.open(name, engine));
          raw.close();
          await pp.cleanup(name);
          return opened;
        },
        { name: uniqueName('engine-error'), engine },
      );
      expect(out).toEqual(rejected('blocked'));
    });

    // That each of these options rejects with 'invalid-argument' is a case of the kit's store
    // contract (src/testing/store-contract.ts, same title): here, that none of them created
    // the database, seen raw.
    test("openStore rejects bad writeBehind options with 'invalid-argument' and creates nothing", async ({
      page,
    }) => {
      const created = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          const bad = (x: unknown) => x as never;
          const cases: Array<Parameters<typeof pp.open>[2]> = [
            { writeBehind: { maxDelayMs: -1 } },
            { writeBehind: { maxDelayMs: NaN } },
            { writeBehind: { maxDelayMs: Infinity } },
            { writeBehind: { maxDelayMs: bad('10') } },
            { writeBehind: { maxBytes: -1 } },
            { writeBehind: { maxBytes: NaN } },
            { writeBehind: bad(null) },
            { writeBehind: bad(5) },
            { flushOnHide: bad('yes') },
          ];
          for (const options of cases) await pp.outcome(() => pp.open(name, engine, options));
          const created = await pp.exists(`larder:${name}`);
          await pp.cleanup(name);
          return created;
        },
        { name: uniqueName('bad-options'), engine },
      );
      expect(created).toBe(false);
    });
  });
}

test("openStore rejects a bad engine or name with 'invalid-argument' and creates nothing", async ({
  page,
}) => {
  await openPersisterPage(page);
  const out = await page.evaluate(async (name) => {
    const { pp } = window;
    const { openStore } = window.larder;
    const bad = (x: unknown) => x as never;
    const cases: Record<string, () => Promise<unknown>> = {
      "engine 'nope'": () => openStore(name, { engine: bad('nope') }),
      "engine 'Worker'": () => openStore(name, { engine: bad('Worker') }),
      'engine a number': () => openStore(name, { engine: bad(1) }),
      'engine an object': () => openStore(name, { engine: bad({ postMessage() {} }) }),
      'engine null': () => openStore(name, { engine: bad(null) }),
      'options a string': () => openStore(name, bad('inline')),
      'options null': () => openStore(name, bad(null)),
      "name ''": () => openStore('', { engine: 'inline' }),
      'name a number': () => openStore(bad(1), { engine: 'inline' }),
    };
    const results: Record<string, unknown> = {};
    for (const [label, call] of Object.entries(cases)) results[label] = await pp.outcome(call);
    const created = await pp.exists(`larder:${name}`);
    return { results, created };
  }, uniqueName('bad-engine'));
  expect(Object.keys(out.results)).toHaveLength(9);
  expect(out.results).toEqual(everyKey(out.results, rejected('invalid-argument')));
  expect(out.created).toBe(false);
});
