/**
 * Fault: the store's database is deleted or cleared under an open store (another tab's
 * deleteStore, a raw deleteDatabase, "clear site data"), or between sessions (eviction, the
 * user). larder must say so ('storage-lost': an event, and every later call rejecting) and
 * never recreate the database silently: today the open store reads empty and writes into a
 * fresh database (issue 12, finding 6).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { dbNameOf, openFaultPage, report } from './support/fault-fixture.js';

/** How long a call may take to settle after the loss. */
const SETTLE_MS = 5000;

type Loss =
  | 'deleteStore in another tab'
  | 'raw deleteDatabase in another tab'
  | 'clear site data: indexeddb'
  | 'clear site data: all';
const LOSSES: Loss[] = [
  'deleteStore in another tab',
  'raw deleteDatabase in another tab',
  'clear site data: indexeddb',
  'clear site data: all',
];

/** Deletes or clears the store's database from outside the page that holds it. */
async function loseStorage(context: BrowserContext, other: Page, name: string, loss: Loss) {
  if (loss === 'deleteStore in another tab') {
    return other.evaluate((name) => window.fp.settle(window.larder.deleteStore(name), 10_000), name);
  }
  if (loss === 'raw deleteDatabase in another tab') {
    return other.evaluate((dbName) => window.fp.settle(window.fp.deleteRaw(dbName), 10_000), dbNameOf(name));
  }
  // What the browser's "clear site data" does, through DevTools.
  const cdp = await context.newCDPSession(other);
  await cdp.send('Storage.clearDataForOrigin', {
    origin: new URL(other.url()).origin,
    storageTypes: loss === 'clear site data: all' ? 'all' : 'indexeddb',
  });
  await cdp.detach();
  return { state: 'resolved', value: 'cleared' };
}

for (const engine of ENGINES) {
  for (const loss of LOSSES) {
    test(`${loss} under an open store: 'storage-lost', nothing recreated (${engine})`, async ({
      context,
    }) => {
      const name = uniqueName('lost-under');
      const holder = await context.newPage();
      const other = await context.newPage();
      await openFaultPage(holder);
      await openFaultPage(other);
      const pendingBytes = await holder.evaluate(
        async ({ name, engine }) => {
          const { fp, larder } = window;
          const store = await larder.openStore(name, {
            engine: engine as 'worker' | 'inline',
            writeBehind: { maxDelayMs: 600_000, maxBytes: 1 << 30 },
            flushOnHide: false,
          });
          const events: unknown[] = [];
          store.on('storage-lost', (e) => events.push(JSON.parse(JSON.stringify(e))));
          fp.kept.set('store', store);
          fp.kept.set('events', events);
          const p = store.persister('doc');
          const changes = (from: number) =>
            [0, 1, 2, 3, 4].map(
              (i) => ['a', from + i, fp.pattern(from + i, 32)] as [string, number, Uint8Array],
            );
          await p.insertChanges(changes(0));
          await store.flush();
          // Buffered when the loss comes: the finding committed these alone to a new database.
          await p.insertChanges(changes(10));
          return (await store.stats()).pendingBytes;
        },
        { name, engine },
      );
      expect(pendingBytes).toBeGreaterThan(0);

      const lost = await loseStorage(context, other, name, loss);

      const after = await holder.evaluate(async (within) => {
        const { fp } = window;
        const store = fp.kept.get('store') as import('../../src/index.js').Store;
        const p = store.persister('doc');
        // At once, as an app would: a write may race the news of the loss into the buffer, but
        // then it must be listed in the event's lostWrites; the read must see the loss.
        const first = await fp.settleAll(
          {
            insertChanges: p.insertChanges([['a', 20, fp.pattern(20, 32)]]),
            getChanges: p.getChanges(),
          },
          within,
        );
        // Later calls, of every kind, once the store has had its chance to notice.
        const later = await fp.settleAll(
          {
            getChanges: p.getChanges(),
            insertChanges: p.insertChanges([['a', 21, fp.pattern(21, 32)]]),
            flush: store.flush(),
            'consensus.compareAndSet': store
              .consensus()
              .compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) }),
            'table.getAll': store.table('t').getAll(),
          },
          within,
        );
        const events = fp.kept.get('events') as Array<{
          error: { code?: string };
          lostWrites: Array<{ method: string; target: string }>;
        }>;
        return { first, later, events };
      }, SETTLE_MS);
      const recreated = await other.evaluate((dbName) => window.fp.databaseExists(dbName), dbNameOf(name));
      report(`${loss} (${engine})`, { lost, ...after, recreated });

      const isLost = (o: (typeof after.later)[string]) =>
        o.state === 'rejected' && o.error.code === 'storage-lost';
      expect(after.events.length, "a 'storage-lost' event").toBeGreaterThanOrEqual(1);
      expect(after.events[0]?.error.code).toBe('storage-lost');
      const read = after.first['getChanges'];
      expect(read !== undefined && isLost(read), "the next read rejects 'storage-lost'").toBe(true);
      const racing = after.first.insertChanges;
      if (racing !== undefined && !isLost(racing)) {
        expect(racing.state, "a racing write rejects 'storage-lost' or resolves").toBe('resolved');
        const listed = after.events
          .flatMap((e) => e.lostWrites)
          .some((w) => w.method === 'insertChanges' && w.target === 'doc');
        expect(listed, 'a racing write that resolved is listed in lostWrites').toBe(true);
      }
      const notLost = Object.entries(after.later).filter(([, o]) => !isLost(o));
      expect(notLost, "every later call rejects 'storage-lost'").toEqual([]);
      expect(recreated, 'the database is not recreated').toBe(false);

      await holder.evaluate(async () => {
        const store = window.fp.kept.get('store') as import('../../src/index.js').Store;
        await window.fp.settle(store.close(), 5000);
      });
      await other.evaluate((name) => window.fp.settle(window.larder.deleteStore(name), 5000), name);
    });
  }
}

/** Opens `name` with `options`, writes a change, reads the storage id, and closes it. */
async function session(page: Page, name: string, options: Record<string, unknown>) {
  return page.evaluate(
    async ({ name, options, dbName }) => {
      const { fp, larder } = window;
      let info: { storageId: string; changes: number } | undefined;
      const opened = await fp.settle(
        larder.openStore(name, options as import('../../src/index.js').StoreOptions).then(async (store) => {
          const p = store.persister('doc');
          const changes = (await p.getChanges()).length;
          await p.insertChanges([['a', changes, fp.pattern(changes, 32)]]);
          await store.flush();
          info = { storageId: store.storageId, changes };
          await store.close();
        }),
        10_000,
      );
      return { opened, ...info, exists: await fp.databaseExists(dbName) };
    },
    { name, options, dbName: dbNameOf(name) },
  );
}

for (const engine of ENGINES) {
  test.describe(`storage lost between sessions (${engine})`, () => {
    test.beforeEach(async ({ page }) => openFaultPage(page));

    test("a database deleted between sessions: openStore rejects 'storage-lost'; acceptStorageLoss opens it empty", async ({
      page,
    }) => {
      const name = uniqueName('lost-between');
      const first = await session(page, name, { engine });
      await page.evaluate((dbName) => window.fp.deleteRaw(dbName), dbNameOf(name));
      const second = await session(page, name, { engine });
      const accepted = await session(page, name, { engine, acceptStorageLoss: true });
      report(`deleted between sessions (${engine})`, { first, second, accepted });

      expect(first.opened.state).toBe('resolved');
      expect(first.storageId, 'a new database gets a storage id').toMatch(/\S/);
      expect(second.opened.state).toBe('rejected');
      if (second.opened.state === 'rejected') expect(second.opened.error.code).toBe('storage-lost');
      expect(second.exists, 'the rejected open creates nothing').toBe(false);
      expect(accepted.opened.state).toBe('resolved');
      expect(accepted.changes, 'acceptStorageLoss opens an empty store').toBe(0);
      expect(accepted.storageId, 'with a new storage id').not.toBe(first.storageId);
      await page.evaluate((name) => window.larder.deleteStore(name), name);
    });

    test("expectStorageId: the same database opens, a lost and recreated one rejects 'storage-lost'", async ({
      page,
      context,
    }) => {
      const name = uniqueName('lost-expect');
      const first = await session(page, name, { engine });
      const again = await session(page, name, { engine, expectStorageId: first.storageId });
      // Everything of the origin goes, larder's own marker included: only the app's id is left.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.clearDataForOrigin', {
        origin: new URL(page.url()).origin,
        storageTypes: 'all',
      });
      await cdp.detach();
      const expecting = await session(page, name, { engine, expectStorageId: first.storageId });
      const fresh = await session(page, name, { engine });
      const neverSeen = await session(page, uniqueName('lost-never'), {
        engine,
        expectStorageId: 'never-seen',
      });
      report(`expectStorageId (${engine})`, { first, again, expecting, fresh, neverSeen });

      expect(first.storageId).toMatch(/\S/);
      expect(again.opened.state).toBe('resolved');
      expect(again.storageId, 'the storage id is kept across sessions').toBe(first.storageId);
      expect(again.changes).toBe(1);
      expect(expecting.opened.state).toBe('rejected');
      if (expecting.opened.state === 'rejected') expect(expecting.opened.error.code).toBe('storage-lost');
      expect(expecting.exists, 'the rejected open creates nothing').toBe(false);
      expect(fresh.opened.state, 'with no marker and no expectation, a first visit').toBe('resolved');
      expect(fresh.storageId).not.toBe(first.storageId);
      expect(neverSeen.opened.state).toBe('rejected');
      if (neverSeen.opened.state === 'rejected') expect(neverSeen.opened.error.code).toBe('storage-lost');
      expect(neverSeen.exists, 'the rejected open creates nothing').toBe(false);
      await page.evaluate((name) => window.larder.deleteStore(name), name);
    });

    test("deleteStore forgets the store: the next open starts empty, without 'storage-lost'", async ({
      page,
    }) => {
      const name = uniqueName('lost-forgotten');
      const first = await session(page, name, { engine });
      const deleted = await page.evaluate(
        (name) => window.fp.settle(window.larder.deleteStore(name), 10_000),
        name,
      );
      const second = await session(page, name, { engine });
      report(`deleteStore then open (${engine})`, { first, deleted, second });

      expect(deleted.state).toBe('resolved');
      expect(second.opened.state).toBe('resolved');
      expect(second.changes).toBe(0);
      expect(second.storageId).not.toBe(first.storageId);
      await page.evaluate((name) => window.larder.deleteStore(name), name);
    });
  });
}
