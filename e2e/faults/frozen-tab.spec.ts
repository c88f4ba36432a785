/**
 * Fault: a tab that holds the store is frozen (CDP `Page.setWebLifecycleState`, as Chromium
 * freezes background tabs), so its connection answers no `versionchange`, while other tabs
 * write, upgrade the schema and delete the store. Chromium then fires no `blocked` at all.
 * Nothing larder does may hang on it: deleteStore answers within a bounded time, and when it
 * gives up, the data is still there once the frozen tab thaws (issue 12, finding 5).
 *
 * The tabs live in a browser that Playwright does not drive (see bare-browser.ts): Playwright
 * keeps its pages visible, and Chromium does not freeze a visible page.
 */
import { expect, test } from '@playwright/test';
import { SCHEMA_VERSION } from '../../src/engine/schema.js';
import { uniqueName } from '../support/harness.js';
import { makeProfile, removeProfile } from '../support/real-browser.js';
import { launchBareBrowser, type BareBrowser, type BareTab } from './support/bare-browser.js';
import { dbNameOf, report } from './support/fault-fixture.js';

/** How long a call in an unfrozen tab may take while another tab is frozen. */
const ANSWER_MS = 10_000;

let profile: string;
let browser: BareBrowser;
let harness: string;
test.beforeEach(async ({ baseURL }) => {
  profile = makeProfile();
  browser = await launchBareBrowser(profile);
  harness = `${baseURL}/e2e/harness.html`;
});
test.afterEach(async () => {
  await browser.close();
  removeProfile(profile);
});

/** A tab that opened the store, wrote X (changes 0..4) and flushed, and is now frozen. */
interface Frozen {
  tab: BareTab;
  /** Timer ticks the page ran while frozen: 0 when the freeze is real. */
  ticksWhileFrozen(): Promise<number>;
  thaw(): Promise<void>;
}

async function openFrozenHolder(name: string, engine: 'worker' | 'inline'): Promise<Frozen> {
  const tab = await browser.openHarness(harness);
  await tab.evaluate(
    async ({ name, engine }) => {
      const { fp, larder } = window;
      const store = await larder.openStore(name, { engine });
      fp.kept.set('store', store);
      await store
        .persister('doc')
        .insertChanges(
          [0, 1, 2, 3, 4].map((i) => ['a', i, fp.pattern(i, 32)] as [string, number, Uint8Array]),
        );
      await store.flush();
      // A timer that proves the freeze: it stops while the page is frozen.
      fp.kept.set('ticks', 0);
      setInterval(() => fp.kept.set('ticks', (fp.kept.get('ticks') as number) + 1), 10);
    },
    { name, engine },
  );
  await tab.send('Page.setWebLifecycleState', { state: 'frozen' });
  const frozenAt = await tab.evaluate(() => window.fp.kept.get('ticks') as number, null);
  return {
    tab,
    async ticksWhileFrozen() {
      return (await tab.evaluate(() => window.fp.kept.get('ticks') as number, null)) - frozenAt;
    },
    async thaw() {
      await tab.send('Page.setWebLifecycleState', { state: 'active' });
    },
  };
}

/** After the thaw: the frozen tab's own calls settle, and close() does. */
async function frozenTabAfterThaw(frozen: Frozen) {
  return frozen.tab.evaluate(async (within) => {
    const { fp } = window;
    const store = fp.kept.get('store') as import('../../src/index.js').Store;
    const outcomes = await fp.settleAll(
      {
        getChanges: store.persister('doc').getChanges(),
        insertChanges: store.persister('doc').insertChanges([['a', 9, fp.pattern(9, 32)]]),
        flush: store.flush(),
      },
      within,
    );
    const close = await fp.settle(store.close(), within);
    return { outcomes, close };
  }, ANSWER_MS);
}

/** Which of X's changes (0..4), and of `extra`, a fresh store of `name` reads in `tab`. */
async function readSeqs(tab: BareTab, name: string, extra: number[] = []) {
  return tab.evaluate(
    async ({ name, extra, within }) => {
      const { fp, larder } = window;
      const seqs: number[] = [];
      const opened = await fp.settle(
        larder.openStore(name).then(async (store) => {
          for (const c of await store.persister('doc').getChanges()) {
            seqs.push([0, 1, 2, 3, 4, ...extra].find((i) => fp.isPattern(c, i, 32)) ?? -1);
          }
          await store.close();
        }),
        within,
      );
      return { opened, seqs: seqs.sort((a, b) => a - b) };
    },
    { name, extra, within: ANSWER_MS },
  );
}

const ENGINES = ['worker', 'inline'] as const;

for (const engine of ENGINES) {
  test.describe(`a frozen tab holds the store (${engine})`, () => {
    test('another tab writes and reads: every call settles, and the frozen tab sees it after thawing', async () => {
      const name = uniqueName('frozen-write');
      const frozen = await openFrozenHolder(name, engine);
      const other = await browser.openHarness(harness);
      const wrote = await other.evaluate(
        async ({ name, within }) => {
          const { fp, larder } = window;
          return fp.settle(
            larder.openStore(name).then(async (store) => {
              await store.persister('doc').insertChanges([['a', 5, fp.pattern(5, 32)]]);
              await store.flush();
              await store.consensus().compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) });
              const n = (await store.persister('doc').getChanges()).length;
              await store.close();
              return n;
            }),
            within,
          );
        },
        { name, within: ANSWER_MS },
      );
      const ticks = await frozen.ticksWhileFrozen();
      await frozen.thaw();
      const thawed = await frozenTabAfterThaw(frozen);
      const after = await readSeqs(other, name, [5, 9]);
      report(`frozen holder (${engine}), other tab writes`, { ticks, wrote, thawed, after });

      expect(ticks, 'the holder was really frozen').toBe(0);
      expect(wrote.state, 'the other tab writes while one is frozen').toBe('resolved');
      expect(Object.values(thawed.outcomes).map((o) => o.state)).toEqual([
        'resolved',
        'resolved',
        'resolved',
      ]);
      expect(thawed.close.state).toBe('resolved');
      expect(after.seqs).toEqual([0, 1, 2, 3, 4, 5, 9]);
      await other.evaluate((name) => window.larder.deleteStore(name), name);
    });

    test('another tab upgrades the schema: open stores in other tabs do not hang, and no data is lost', async () => {
      const name = uniqueName('frozen-upgrade');
      const frozen = await openFrozenHolder(name, engine);
      // A tab with the store open, not frozen: it must step aside for the upgrade and keep answering.
      const bystander = await browser.openHarness(harness);
      await bystander.evaluate(async (name) => {
        window.fp.kept.set('store', await window.larder.openStore(name));
      }, name);
      const upgrader = await browser.openHarness(harness);
      // A newer larder, as after a deploy: it adds a store. Its open waits for every old connection.
      await upgrader.evaluate(
        ({ dbName, version }) => {
          const { fp } = window;
          fp.kept.set(
            'upgrade',
            fp
              .openRaw(dbName, version, (db) => db.createObjectStore('addedByNewerVersion'))
              .then((db) => {
                const v = db.version;
                db.close();
                return v;
              }),
          );
        },
        { dbName: dbNameOf(name), version: SCHEMA_VERSION + 1 },
      );
      const { outcomes: whileFrozen, settledInOrder } = await bystander.evaluate(async (within) => {
        const { fp } = window;
        const store = fp.kept.get('store') as import('../../src/index.js').Store;
        // In the order they settle: a flush covers the write called before it, so it may not
        // resolve before that write did.
        const settledInOrder: string[] = [];
        const noted = <T>(label: string, p: Promise<T>) => p.finally(() => settledInOrder.push(label));
        const outcomes = await fp.settleAll(
          {
            getChanges: store.persister('doc').getChanges(),
            insertChanges: noted(
              'insertChanges',
              store.persister('doc').insertChanges([['a', 6, fp.pattern(6, 32)]]),
            ),
            flush: noted('flush', store.flush()),
          },
          within,
        );
        return { outcomes, settledInOrder };
      }, ANSWER_MS);
      const upgradeWhileFrozen = await upgrader.evaluate(
        () => window.fp.settle(window.fp.kept.get('upgrade') as Promise<unknown>, 1000),
        null,
      );
      const ticks = await frozen.ticksWhileFrozen();
      await frozen.thaw();
      const upgrade = await upgrader.evaluate(
        (within) => window.fp.settle(window.fp.kept.get('upgrade') as Promise<unknown>, within),
        ANSWER_MS,
      );
      const thawed = await frozenTabAfterThaw(frozen);
      const bystanderClose = await bystander.evaluate(async (within) => {
        const store = window.fp.kept.get('store') as import('../../src/index.js').Store;
        return window.fp.settle(store.close(), within);
      }, ANSWER_MS);
      const after = await readSeqs(upgrader, name, [6, 9]);
      report(`frozen holder (${engine}), other tab upgrades`, {
        ticks,
        whileFrozen,
        settledInOrder,
        upgradeWhileFrozen,
        upgrade,
        thawed,
        bystanderClose,
        after,
      });

      expect(ticks, 'the holder was really frozen').toBe(0);
      const pending = Object.entries(whileFrozen).filter(([, o]) => o.state === 'pending');
      expect(
        pending,
        'calls of an open store in another tab while the upgrade waits on a frozen tab',
      ).toEqual([]);
      // A call may give up ('blocked'); any other failure is a bug.
      for (const [label, o] of Object.entries(whileFrozen)) {
        if (o.state === 'rejected') expect(o.error.code, label).toBe('blocked');
      }
      if (whileFrozen['flush']?.state === 'resolved' && whileFrozen['insertChanges']?.state === 'resolved') {
        expect(settledInOrder, 'flush() resolves after the write called before it').toEqual([
          'insertChanges',
          'flush',
        ]);
      }
      expect(upgrade.state, 'the upgrade completes once the frozen tab thaws').toBe('resolved');
      for (const [label, o] of Object.entries(thawed.outcomes)) expect(o.state, label).not.toBe('pending');
      expect(thawed.close.state).not.toBe('pending');
      expect(bystanderClose.state).not.toBe('pending');
      expect(after.opened.state, 'larder opens the upgraded database').toBe('resolved');
      // X was flushed before the freeze; every write whose flush resolved must be there too.
      const want = [0, 1, 2, 3, 4];
      if (whileFrozen.flush?.state === 'resolved') want.push(6);
      if (thawed.outcomes.flush?.state === 'resolved') want.push(9);
      expect(after.seqs.filter((s) => want.includes(s))).toEqual(want.sort((a, b) => a - b));
      await upgrader.evaluate((name) => window.fp.settle(window.larder.deleteStore(name), 5000), name);
    });

    test('another tab calls deleteStore: it answers in bounded time, and a refusal leaves the data', async () => {
      const name = uniqueName('frozen-delete');
      const frozen = await openFrozenHolder(name, engine);
      const deleter = await browser.openHarness(harness);
      const deleted = await deleter.evaluate(
        ({ name, within }) => window.fp.settle(window.larder.deleteStore(name), within),
        { name, within: ANSWER_MS },
      );
      const ticks = await frozen.ticksWhileFrozen();
      await frozen.thaw();
      const thawed = await frozenTabAfterThaw(frozen);
      // Before anything opens the store again, which would create it.
      const exists = await deleter.evaluate((dbName) => window.fp.databaseExists(dbName), dbNameOf(name));
      const after = await readSeqs(deleter, name, [9]);
      report(`frozen holder (${engine}), other tab deletes`, { ticks, deleted, thawed, exists, after });

      expect(ticks, 'the holder was really frozen').toBe(0);
      expect(deleted.state, `deleteStore ${deleted.state} after ${deleted.ms} ms`).not.toBe('pending');
      for (const [label, o] of Object.entries(thawed.outcomes)) expect(o.state, label).not.toBe('pending');
      expect(thawed.close.state).not.toBe('pending');
      if (deleted.state === 'rejected') {
        expect(deleted.error).toMatchObject({ isStoreError: true, code: 'blocked' });
        // Refused: nothing deleted, then or later.
        expect(exists, 'a refused delete leaves the database').toBe(true);
        expect(after.opened.state).toBe('resolved');
        expect(
          after.seqs.filter((s) => s !== 9),
          'X survives a refused delete',
        ).toEqual([0, 1, 2, 3, 4]);
      } else {
        // Deleted: the frozen tab's store must learn it, not write into a new database.
        for (const [label, o] of Object.entries(thawed.outcomes)) {
          expect(o.state === 'rejected' && o.error.code, label).toBe('storage-lost');
        }
        expect(exists, 'the frozen tab recreated nothing').toBe(false);
      }
      await deleter.evaluate((name) => window.fp.settle(window.larder.deleteStore(name), 5000), name);
    });
  });
}
