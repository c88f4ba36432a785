import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { LogStateWriteOps, Store } from '../src/index.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// Consensus and LogStatePersistence across tabs: several real pages of one browser context,
// each with its own store (with the worker engine, its own worker), on one database.

declare global {
  interface Window {
    tabStore?: Store;
    tabWriteOps?: LogStateWriteOps;
  }
}

async function openTabs(context: BrowserContext, n: number): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: n }, () => context.newPage()));
  await Promise.all(pages.map((p) => openHarness(p)));
  return pages;
}

/** Opens the store in every page first, so the timed part starts with every tab ready. */
async function openStores(pages: Page[], name: string, engine: string): Promise<void> {
  await Promise.all(
    pages.map((p) =>
      p.evaluate(
        async ({ name, engine }) => {
          window.tabStore = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
          // Opening is lazy: touch the database now, so every tab has its connection.
          await window.tabStore.consensus().listKeys();
        },
        { name, engine },
      ),
    ),
  );
}

async function closeAll(pages: Page[], name: string): Promise<void> {
  await Promise.all(pages.map((p) => p.evaluate(() => window.tabStore?.close())));
  await pages[0]?.evaluate((name) => window.larder.deleteStore(name), name);
  await Promise.all(pages.map((p) => p.close()));
}

for (const engine of ENGINES) {
  test(`four tabs increment one consensus key 25 times each (${engine})`, async ({ context }) => {
    const name = uniqueName('tabs-cas');
    const pages = await openTabs(context, 4);
    await openStores(pages, name, engine);
    await Promise.all(
      pages.map((p, tab) =>
        p.evaluate(async (tab) => {
          const c = window.tabStore!.consensus();
          for (let done = 0; done < 25;) {
            const head = await c.head('counter');
            const expected = head?.seqno;
            const seqno = (expected ?? 0n) + 1n;
            const data = new Uint8Array([tab, done]);
            const result = await c.compareAndSet('counter', expected, { seqno, data });
            if (result === 'committed') done += 1;
          }
        }, tab),
      ),
    );
    const out = await pages[0]!.evaluate(async () => {
      const c = window.tabStore!.consensus();
      const head = await c.head('counter');
      const all = await c.scan('counter', 0n, Number.MAX_SAFE_INTEGER);
      return {
        head: head?.seqno,
        seqnos: all.map((v) => v.seqno),
        writes: all.map((v) => Array.from(v.data)),
        keys: await c.listKeys(),
      };
    });
    await closeAll(pages, name);

    expect(out.head).toBe(100n);
    expect(out.seqnos).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i + 1)));
    expect(out.keys).toEqual(['counter']);
    // Every tab's 25 commits are there, once each, in the order that tab made them.
    for (let tab = 0; tab < 4; tab++) {
      const mine = out.writes.filter((w) => w[0] === tab).map((w) => w[1]);
      expect(mine).toEqual(Array.from({ length: 25 }, (_, i) => i));
    }
  });

  test(`write ops opened in many tabs at once: one set wins, the others conflict (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('tabs-ls');
    const size = 256 * 1024;
    const pages = await openTabs(context, 5);
    await openStores(pages, name, engine);
    await pages[0]!.evaluate(async () => {
      const seed = await window.tabStore!.logState().writeOps('witness');
      await seed.set(new Uint8Array([0]));
    });
    // Every tab opens its write op (and so its snapshot) before any tab sets.
    await Promise.all(
      pages.map((p) =>
        p.evaluate(async () => {
          window.tabWriteOps = await window.tabStore!.logState().writeOps('witness');
        }),
      ),
    );
    const results = await Promise.all(
      pages.map((p, tab) =>
        p.evaluate(
          async ({ tab, size }) => {
            try {
              await window.tabWriteOps!.set(new Uint8Array(size).fill(tab + 1));
              return 'ok';
            } catch (e) {
              return window.larder.isStoreError(e, 'conflict') ? 'conflict' : `other:${String(e)}`;
            }
          },
          { tab, size },
        ),
      ),
    );
    const stored = await pages[4]!.evaluate(async () => {
      const value = await (await window.tabStore!.logState().readOps('witness')).getLatest();
      return { length: value.byteLength, first: value[0], uniform: value.every((b) => b === value[0]) };
    });
    // No tab closed its write op, and every tab keeps its store open: nothing is held, so a
    // new writer in another tab opens, sets and is read back at once.
    await pages[0]!.evaluate(async () => {
      window.tabWriteOps = await window.tabStore!.logState().writeOps('witness');
      await window.tabWriteOps.set(new Uint8Array([7, 7]));
    });
    const after = await pages[3]!.evaluate(async () =>
      Array.from(await (await window.tabStore!.logState().readOps('witness')).getLatest()),
    );
    await closeAll(pages, name);

    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'conflict')).toHaveLength(4);
    const winner = results.indexOf('ok');
    expect(stored).toEqual({ length: size, first: winner + 1, uniform: true });
    expect(after).toEqual([7, 7]);
  });
}
