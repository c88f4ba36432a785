/**
 * LarderStorageAdapter under a real automerge-repo `Repo` where the upstream suite and the
 * vitest tests cannot go: a page reload, two tabs on one store, a prefix delete racing saves in
 * another tab, and a SIGKILL of the whole browser after `flush()`.
 */
import { expect, test, type Page } from '@playwright/test';
import { loadRepoHelpers } from './support/automerge-repo-fixture.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';
import { launchRealBrowser, makeProfile, removeProfile } from './support/real-browser.js';

async function openRepoPage(page: Page): Promise<void> {
  await openHarness(page);
  await loadRepoHelpers(page);
}

async function deleteStore(page: Page, name: string): Promise<void> {
  await page.evaluate((n) => window.larder.deleteStore(n), name);
}

const lines = (label: string, count: number) => Array.from({ length: count }, (_, i) => `${label} ${i}`);

for (const engine of ENGINES) {
  test.describe(`automerge-repo on larder, engine '${engine}'`, () => {
    test('a Repo edits, the page reloads, and a new Repo finds every document', async ({ page }) => {
      const name = uniqueName('am-reload');
      await openRepoPage(page);
      const urls = await page.evaluate(
        async ({ name, engine }) => {
          const { amr } = window;
          await amr.openRepo('a', name, engine);
          const urls = [amr.createNotes('a', 60, 'first'), amr.createNotes('a', 5, 'second')];
          await amr.save('a');
          await amr.appendNotes('a', urls[0] as (typeof urls)[0], 20, 'more');
          await amr.save('a');
          return urls;
        },
        { name, engine },
      );
      await page.reload();
      await loadRepoHelpers(page);
      const found = await page.evaluate(
        async ({ name, engine, urls }) => {
          const { amr } = window;
          await amr.openRepo('b', name, engine);
          const out = await Promise.all(urls.map((url) => amr.readNotes('b', url)));
          await amr.closeRepo('b');
          return out;
        },
        { name, engine, urls },
      );
      expect(found).toEqual([[...lines('first', 60), ...lines('more', 20)], lines('second', 5)]);
      await deleteStore(page, name);
    });

    test('two tabs on one store: each finds what the other saved, and both edits survive', async ({
      page,
      context,
    }) => {
      const name = uniqueName('am-tabs');
      const other = await context.newPage();
      await openRepoPage(page);
      await openRepoPage(other);
      const url = await page.evaluate(
        async ({ name, engine }) => {
          const { amr } = window;
          await amr.openRepo('a', name, engine);
          const url = amr.createNotes('a', 30, 'tab A');
          await amr.save('a');
          return url;
        },
        { name, engine },
      );
      // The second tab's own Repo and engine, on the same database.
      const seenByB = await other.evaluate(
        async ({ name, engine, url }) => {
          const { amr } = window;
          await amr.openRepo('b', name, engine);
          const seen = await amr.readNotes('b', url);
          await amr.appendNotes('b', url, 10, 'tab B');
          await amr.save('b');
          return seen;
        },
        { name, engine, url },
      );
      expect(seenByB).toEqual(lines('tab A', 30));
      // Tab A, with a fresh Repo (Repos without a network share nothing in memory), reads
      // the chunks both tabs saved.
      const merged = await page.evaluate(
        async ({ name, engine, url }) => {
          const { amr } = window;
          await amr.closeRepo('a');
          await amr.openRepo('a2', name, engine);
          const out = await amr.readNotes('a2', url);
          await amr.closeRepo('a2');
          return out;
        },
        { name, engine, url },
      );
      expect(merged).toEqual([...lines('tab A', 30), ...lines('tab B', 10)]);
      await other.evaluate(() => window.amr.closeRepo('b'));
      await other.close();
      await deleteStore(page, name);
    });

    test('removeRange in one tab: another tab never sees half of it, and its later saves survive', async ({
      page,
      context,
    }) => {
      const name = uniqueName('am-race');
      const other = await context.newPage();
      await openRepoPage(page);
      await openRepoPage(other);
      const CHUNKS = 300;
      await page.evaluate(
        async ({ name, engine, n }) => {
          const { amr } = window;
          await amr.openRepo('a', name, engine);
          const adapter = amr.adapterOf('a');
          for (let i = 0; i < n; i++) await adapter.save(['doc', 'incremental', `a${i}`], amr.chunk(i));
          await adapter.flush();
        },
        { name, engine, n: CHUNKS },
      );
      // Tab B reads the range over and over while tab A removes it.
      await other.evaluate(
        async ({ name, engine }) => {
          const { amr } = window;
          await amr.openRepo('b', name, engine);
          amr.startPolling('b', ['doc']);
        },
        { name, engine },
      );
      await page.evaluate(async () => {
        // Let tab B read a few times first.
        await new Promise((r) => setTimeout(r, 200));
        await window.amr.adapterOf('a').removeRange(['doc']);
      });
      const seen = await other.evaluate(async () => {
        const lengths = await window.amr.stopPolling();
        // Saved after the removal resolved (in the other tab): it must survive.
        const adapter = window.amr.adapterOf('b');
        await adapter.save(['doc', 'incremental', 'after'], window.amr.chunk(999));
        await adapter.flush();
        return lengths;
      });
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.filter((n) => n !== 0 && n !== CHUNKS)).toEqual([]);
      expect(seen.at(-1)).toBe(0);
      const left = await page.evaluate(async () => {
        const chunks = await window.amr.adapterOf('a').loadRange(['doc']);
        return chunks.map((c) => ({
          key: c.key,
          ok: c.data !== undefined && window.amr.isChunk(c.data, 999),
        }));
      });
      expect(left).toEqual([{ key: ['doc', 'incremental', 'after'], ok: true }]);
      await other.evaluate(() => window.amr.closeRepo('b'));
      await other.close();
      await page.evaluate(() => window.amr.closeRepo('a'));
      await deleteStore(page, name);
    });

    test('saves racing a removeRange in another tab: what survives is a suffix, all saved after it', async ({
      page,
      context,
    }) => {
      const name = uniqueName('am-race-saves');
      const other = await context.newPage();
      await openRepoPage(page);
      await openRepoPage(other);
      const SAVES = 80;
      await page.evaluate(({ name, engine }) => window.amr.openRepo('a', name, engine), { name, engine });
      // Tab B saves chunk after chunk, each committed before the next; it notes which save it
      // was at when tab A announced that its removeRange had resolved.
      await other.evaluate(
        async ({ name, engine, n }) => {
          const { amr } = window;
          await amr.openRepo('b', name, engine);
          const adapter = amr.adapterOf('b');
          const state = { next: 0, firstAfter: -1, done: Promise.resolve() };
          new BroadcastChannel('am-race').onmessage = () => (state.firstAfter = state.next);
          state.done = (async () => {
            for (; state.next < n; state.next++) {
              await adapter.save(
                ['doc', 'incremental', `b${String(state.next).padStart(3, '0')}`],
                amr.chunk(state.next),
              );
              await adapter.flush();
            }
          })();
          (window as unknown as { race: typeof state }).race = state;
        },
        { name, engine, n: SAVES },
      );
      await other.waitForFunction(() => (window as unknown as { race: { next: number } }).race.next >= 20);
      await page.evaluate(async () => {
        await window.amr.adapterOf('a').removeRange(['doc']);
        new BroadcastChannel('am-race').postMessage('removed');
      });
      const firstAfter = await other.evaluate(async () => {
        const race = (window as unknown as { race: { done: Promise<void>; firstAfter: number } }).race;
        await race.done;
        return race.firstAfter;
      });
      const left = await page.evaluate(async () =>
        (await window.amr.adapterOf('a').loadRange(['doc'])).map((c) => Number(c.key[2]?.slice(1))),
      );
      // The removal happened at one point of tab B's sequence of commits.
      expect(firstAfter).toBeGreaterThan(0);
      const from = left.length === 0 ? SAVES : Math.min(...left);
      expect([...left].sort((x, y) => x - y)).toEqual(
        Array.from({ length: SAVES - from }, (_, i) => from + i),
      );
      expect(from).toBeGreaterThan(0);
      expect(from).toBeLessThanOrEqual(firstAfter);
      await other.evaluate(() => window.amr.closeRepo('b'));
      await other.close();
      await page.evaluate(() => window.amr.closeRepo('a'));
      await deleteStore(page, name);
    });
  });
}

test.describe('automerge-repo on larder across a SIGKILL of the browser', () => {
  let profile: string;
  test.beforeEach(() => {
    profile = makeProfile();
  });
  test.afterEach(() => removeProfile(profile));

  for (const engine of ENGINES) {
    test(`engine '${engine}': everything saved before flush() resolved survives`, async ({ baseURL }) => {
      const name = `am-kill-${engine}-${Date.now()}`;
      const first = await launchRealBrowser(profile);
      const page = await first.openHarness(baseURL);
      await loadRepoHelpers(page);
      const url = await page.evaluate(
        async ({ name, engine }) => {
          const { amr } = window;
          await amr.openRepo('a', name, engine);
          const url = amr.createNotes('a', 200, 'line');
          const adapter = amr.adapterOf('a');
          for (let i = 0; i < 50; i++) await adapter.save(['raw', `${i}`], amr.chunk(i, 1000));
          await amr.save('a');
          return url;
        },
        { name, engine },
      );
      await first.kill();

      const second = await launchRealBrowser(profile);
      const again = await second.openHarness(baseURL);
      await loadRepoHelpers(again);
      const read = await again.evaluate(
        async ({ name, engine, url }) => {
          const { amr } = window;
          await amr.openRepo('b', name, engine);
          const notes = await amr.readNotes('b', url);
          const raw = await amr.adapterOf('b').loadRange(['raw']);
          const intact = raw.filter(
            (c) => c.data !== undefined && amr.isChunk(c.data, Number(c.key[1]), 1000),
          ).length;
          await amr.closeRepo('b');
          await window.larder.deleteStore(name);
          return { notes, raw: raw.length, intact };
        },
        { name, engine, url },
      );
      await second.close();
      expect(read.notes).toEqual(lines('line', 200));
      expect(read).toMatchObject({ raw: 50, intact: 50 });
    });
  }
});
