import { expect, test } from '@playwright/test';
import { openBoard } from './support/demo-board.js';

/** The demo service worker's cache (demo/public/sw.js). */
const CACHE = 'larder-demo-v2';

test('the service worker keeps only the current version of each file, not every version it saw', async ({
  page,
}) => {
  await openBoard(page);
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');

  // Versions an earlier dev session or build left behind: the same files at other URLs.
  const planted = await page.evaluate(async (name) => {
    const cache = await caches.open(name);
    const urls = (await cache.keys()).map((r) => new URL(r.url));
    const dep = urls.find(
      (u) => u.pathname.startsWith('/node_modules/.vite/deps/') && u.searchParams.has('v'),
    );
    const module = urls.find((u) => u.pathname === '/demo/app.ts');
    if (dep === undefined || module === undefined)
      throw new Error(`nothing to plant next to: ${urls.join(' ')}`);
    const staleDep = new URL(dep);
    staleDep.searchParams.set('v', 'stale000');
    const staleModule = new URL(module);
    staleModule.searchParams.set('t', '1');
    // A file the page does not load on every visit (a chunk loaded on demand) stays.
    const unrelated = new URL('/demo/loaded-on-demand.js', module);
    for (const url of [staleDep, staleModule, unrelated]) {
      await cache.put(url.href, new Response('old', { headers: { 'Content-Type': 'text/javascript' } }));
    }
    return {
      stale: [staleDep.href, staleModule.href],
      current: [dep.href, module.href],
      unrelated: unrelated.href,
    };
  }, CACHE);

  await page.reload();
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
  const cached = await page.evaluate(
    async (name) => (await (await caches.open(name)).keys()).map((r) => r.url),
    CACHE,
  );
  for (const url of planted.stale) expect(cached, `${url} is pruned`).not.toContain(url);
  for (const url of planted.current) expect(cached, `${url} is kept`).toContain(url);
  expect(cached).toContain(planted.unrelated);
});
