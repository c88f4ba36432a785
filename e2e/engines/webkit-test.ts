/**
 * What `@playwright/test` resolves to in the WebKit run (e2e/engines/webkit.config.ts maps it
 * here through tsconfig.webkit.json): Playwright Test itself, with `browser`, `context` and
 * `page` backed by WebKitGTK over WebDriver, since Playwright drives only its own WebKit build,
 * which cannot be had here. The specs run unchanged; only what their `page` is differs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page, type BrowserContext, type Browser } from 'playwright/test';
import { launchWebKit, type WebKitBrowser } from './webkit-browser.js';
import { WebDriverContext } from './webdriver-page.js';
import '../support/harness.js';

export * from 'playwright/test';

const warmed = new WeakSet<WebKitBrowser>();

/**
 * Starts a worker store once in a fresh browser before the first test. The first module worker
 * of a fresh WebKit, on a dev server that compiles each of its modules on request, took more than
 * openStore's 2 s start timeout under load here, failing whichever test came first; once the
 * modules are cached a worker starts in tens of milliseconds (docs/engines.md).
 */
async function warmUp(context: WebDriverContext): Promise<void> {
  const page = await context.newPage();
  await page.goto('/e2e/harness.html');
  await page.waitForFunction(() => typeof window.larder !== 'undefined');
  await page.evaluate(async () => {
    const store = await window.larder.openStore('larder-warm-up', {
      engine: 'worker',
      startTimeoutMs: 60_000,
    });
    await store.close();
    await window.larder.deleteStore('larder-warm-up');
  });
  await page.close();
}

export const test = base.extend<object, { webkit: WebKitBrowser }>({
  // One WebKit per Playwright worker, on a data directory of its own.
  webkit: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'larder-webkit-'));
      const webkit = await launchWebKit(dataDir);
      await use(webkit);
      await webkit.close();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
    { scope: 'worker' },
  ],
  browser: [
    async ({ webkit }, use) => {
      // Only what a spec may ask of a browser: its version, and new contexts.
      const browser = {
        version: () => webkit.version,
        newContext: async () => new WebDriverContext(webkit.session, webkit.anchor, undefined),
      };
      await use(browser as unknown as Browser);
    },
    { scope: 'worker' },
  ],
  context: async ({ webkit, baseURL }, use) => {
    const context = new WebDriverContext(webkit.session, webkit.anchor, baseURL);
    if (!warmed.has(webkit)) {
      warmed.add(webkit);
      await warmUp(context);
    }
    await use(context as unknown as BrowserContext);
    await context.close();
  },
  page: async ({ context }, use) => {
    await use((await context.newPage()) as unknown as Page);
  },
});
