/**
 * Error messages say what was wrong with the argument, as a user reads them: a string where a
 * number belongs shows as a quoted string, and an empty document id is refused like an empty
 * actor, before anything is written.
 */
import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

for (const engine of ENGINES) {
  test.describe(`error messages, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openHarness(page));

    test('a mistyped seq is shown as what it is, not as the number it looks like', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const p = store.persister('doc');
          const bad = (x: unknown) => x as never;
          const message = (promise: Promise<unknown>) =>
            promise.then(
              () => 'resolved',
              (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
            );
          const out = {
            insertString: await message(p.insertChanges([['a', bad('1'), new Uint8Array([1])]])),
            removeString: await message(p.removeChanges([['a', bad('7')]])),
            insertBigint: await message(p.insertChanges([['a', bad(1n), new Uint8Array([1])]])),
            insertNull: await message(p.insertChanges([['a', bad(null), new Uint8Array([1])]])),
            insertArray: await message(p.insertChanges([['a', bad([1]), new Uint8Array([1])]])),
            insertNegative: await message(p.insertChanges([['a', -1, new Uint8Array([1])]])),
            stored: (await p.getChanges()).length,
          };
          await store.close();
          await deleteStore(name);
          return out;
        },
        { name: uniqueName('messages'), engine },
      );
      expect(out).toEqual({
        insertString: 'invalid-argument: changes[0] seq must be a non-negative safe integer, got "1"',
        removeString: 'invalid-argument: changes[0] seq must be a non-negative safe integer, got "7"',
        insertBigint: 'invalid-argument: changes[0] seq must be a non-negative safe integer, got 1n',
        insertNull: 'invalid-argument: changes[0] seq must be a non-negative safe integer, got null',
        insertArray: 'invalid-argument: changes[0] seq must be a non-negative safe integer, got an array',
        insertNegative: 'invalid-argument: changes[0] seq must be a non-negative safe integer, got -1',
        stored: 0,
      });
    });

    test("an empty docId is refused with 'invalid-argument', like an empty actor", async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          let refused = 'accepted';
          try {
            store.persister('');
          } catch (e) {
            refused = isStoreError(e, 'invalid-argument') ? (e as Error).message : String(e);
          }
          // The same store keeps working for a real document id.
          const p = store.persister('doc');
          await p.insertChanges([['a', 1, new Uint8Array([1])]]);
          await store.flush();
          const stored = (await p.getChanges()).length;
          await store.close();
          await deleteStore(name);
          return { refused, stored };
        },
        { name: uniqueName('empty-doc'), engine },
      );
      expect(out).toEqual({ refused: 'docId must not be empty', stored: 1 });
    });
  });
}
