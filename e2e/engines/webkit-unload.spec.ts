import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import type { WebDriverContext, WebDriverPage } from './webdriver-page.js';

// WebKit's side of e2e/unload.spec.ts, which WebKit does not run (engine-suites.ts): WebKit never
// commits an IndexedDB transaction that starts during pagehide, so a write still in the
// write-behind buffer when the tab goes is lost unless something commits it earlier. What larder
// promises there is what this asserts: a write followed by flush() survives every way of leaving.
// How many unflushed writes survived is printed, per way of leaving, for docs/engines.md.

const ROUNDS = 3;

/** The ways a tab goes away: as Playwright's close, as a person closing it, a reload, a link. */
const LEAVES = ['close', 'close-as-person', 'reload', 'link'] as const;
type Leave = (typeof LEAVES)[number];

async function leave(page: WebDriverPage, context: WebDriverContext, how: Leave): Promise<WebDriverPage> {
  if (how === 'close' || how === 'close-as-person') {
    await page.close({ runBeforeUnload: how === 'close-as-person' });
    const next = await context.newPage();
    await next.goto('/e2e/harness.html');
    return next;
  }
  if (how === 'reload') await page.reload();
  else {
    // A click on a same-origin link, the commonest way a page of an app is left.
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = '/e2e/harness.html?next';
      document.body.append(a);
      a.click();
    });
    await page.waitForFunction(() => location.search === '?next');
  }
  return page;
}

for (const engine of ENGINES) {
  for (const how of LEAVES) {
    test(`WebKit, ${how}: a write flushed before the tab goes is kept; unflushed ones are counted (${engine})`, async ({
      context,
    }) => {
      test.setTimeout(120_000);
      const pages = context as unknown as WebDriverContext;
      let keptUnflushed = 0;
      for (const flush of [true, false]) {
        const name = uniqueName(`wk-unload-${how}`);
        let page = await pages.newPage();
        await page.goto('/e2e/harness.html');
        const counts: number[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
          await page.waitForFunction(() => typeof window.larder !== 'undefined');
          await page.evaluate(
            async ({ name, engine, round, flush }) => {
              const store = await window.larder.openStore(name, {
                engine,
                writeBehind: { maxDelayMs: 60_000 },
              });
              (window as unknown as { keep: unknown }).keep = store;
              await store.persister('doc').insertChanges([['actor', round, new Uint8Array([round])]]);
              if (flush) await store.flush();
            },
            { name, engine, round, flush },
          );
          page = await leave(page, pages, how);
          await page.waitForFunction(() => typeof window.larder !== 'undefined');
          counts.push(
            await page.evaluate(
              async ({ name, engine }) => {
                const store = await window.larder.openStore(name, { engine });
                const n = (await store.persister('doc').getChanges()).length;
                await store.close();
                return n;
              },
              { name, engine },
            ),
          );
        }
        await page.evaluate((name) => window.larder.deleteStore(name), name);
        await page.close();
        if (flush) expect(counts, 'flushed writes').toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
        else keptUnflushed = counts[ROUNDS - 1] ?? 0;
      }
      console.log(`webkit unload, ${how} (${engine}): ${keptUnflushed} of ${ROUNDS} unflushed writes kept`);
    });
  }
}
