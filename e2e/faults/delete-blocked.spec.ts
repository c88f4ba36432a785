/**
 * Fault: deleteStore meets a connection that will not close (a library that opened the
 * database with raw IndexedDB and ignores `versionchange`). deleteStore must answer 'blocked',
 * and then leave the data alone: today the delete request stays queued and deletes the
 * database, with everything written since, as soon as the blocker closes (issue 12, finding 5).
 */
import { expect, test, type Page } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { dbNameOf, openFaultPage, report } from './support/fault-fixture.js';

/** How long deleteStore may take to give up on a blocker. */
const ANSWER_MS = 10_000;

/** Opens the store on `engine`, writes and flushes X (changes 0..4), keeps the store open. */
async function openWithData(page: Page, name: string, engine: string): Promise<void> {
  await page.evaluate(
    async ({ name, engine }) => {
      const { fp, larder } = window;
      const store = await larder.openStore(name, { engine: engine as 'worker' | 'inline' });
      fp.kept.set('store', store);
      const p = store.persister('doc');
      await p.insertChanges(
        [0, 1, 2, 3, 4].map((i) => ['a', i, fp.pattern(i, 32)] as [string, number, Uint8Array]),
      );
      await store.flush();
    },
    { name, engine },
  );
}

/** Opens a raw connection to the store's database that ignores `versionchange`; kept as `blocker`. */
async function holdRawConnection(page: Page, name: string): Promise<void> {
  await page.evaluate(async (dbName) => {
    window.fp.kept.set('blocker', await window.fp.openRaw(dbName));
  }, dbNameOf(name));
}

/** Reads the changes of `doc` with a fresh store, and closes it. */
async function readSeqs(page: Page, name: string) {
  return page.evaluate(
    async ({ name, dbName }) => {
      const { fp, larder } = window;
      const exists = await fp.databaseExists(dbName);
      const opened = await fp.settle(
        larder.openStore(name).then(async (store) => {
          const changes = await store.persister('doc').getChanges();
          await store.close();
          fp.kept.set(
            'read',
            changes.map((c) => [0, 1, 2, 3, 4, 5, 6].find((i) => fp.isPattern(c, i, 32)) ?? -1),
          );
        }),
        10_000,
      );
      return { exists, opened, seqs: (fp.kept.get('read') as number[] | undefined) ?? [] };
    },
    { name, dbName: dbNameOf(name) },
  );
}

async function cleanup(page: Page, name: string) {
  await page.evaluate(async (name) => {
    const { fp, larder } = window;
    (fp.kept.get('blocker') as IDBDatabase | undefined)?.close();
    const store = fp.kept.get('store') as { close(): Promise<void> } | undefined;
    await fp.settle(store?.close() ?? Promise.resolve(), 5000);
    await fp.settle(larder.deleteStore(name), 5000);
  }, name);
}

const CASES = [
  ...ENGINES.map((engine) => ({ engine, blocker: 'the same tab' as const })),
  { engine: 'worker' as const, blocker: 'another tab' as const },
];

for (const { engine, blocker } of CASES) {
  test(`deleteStore blocked by a raw connection in ${blocker} rejects 'blocked' and deletes nothing (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('delete-blocked');
    const page = await context.newPage();
    await openFaultPage(page);
    const holder = blocker === 'the same tab' ? page : await context.newPage();
    if (holder !== page) await openFaultPage(holder);
    await openWithData(page, name, engine);
    await holdRawConnection(holder, name);

    const deleted = await page.evaluate(
      async ({ name, within }) => window.fp.settle(window.larder.deleteStore(name), within),
      { name, within: ANSWER_MS },
    );
    // Written after deleteStore gave up: the finding deleted these too, once the blocker closed.
    await page.evaluate(() => {
      const { fp } = window;
      const store = fp.kept.get('store') as import('../../src/index.js').Store;
      fp.kept.set(
        'later',
        store
          .persister('doc')
          .insertChanges([
            ['a', 5, fp.pattern(5, 32)],
            ['a', 6, fp.pattern(6, 32)],
          ])
          .then(() => store.flush()),
      );
    });
    await holder.evaluate(() => (window.fp.kept.get('blocker') as IDBDatabase).close());
    const later = await page.evaluate(
      async (within) => window.fp.settle(window.fp.kept.get('later') as Promise<unknown>, within),
      ANSWER_MS,
    );
    const after = await readSeqs(page, name);
    report(`deleteStore vs a raw connection in ${blocker} (${engine})`, { deleted, later, after });

    expect(deleted.state, `deleteStore ${deleted.state} after ${deleted.ms} ms`).toBe('rejected');
    if (deleted.state === 'rejected') {
      expect(deleted.error).toMatchObject({ isStoreError: true, code: 'blocked' });
    }
    expect(later.state, 'a write after the rejected delete settles').toBe('resolved');
    expect(after.exists, 'the database still exists after the blocker closed').toBe(true);
    expect(after.opened.state, 'the store opens again').toBe('resolved');
    expect([...after.seqs].sort(), 'every change written before and after the rejected delete').toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    await cleanup(page, name);
  });
}
