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

export * from 'playwright/test';

export const test = base.extend<object, { webkit: WebKitBrowser }>({
  // One WebKit per Playwright worker, on a data directory of its own.
  webkit: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'larder-webkit-'));
      const webkit = await launchWebKit(dataDir);
      await use(webkit);
      await webkit.close();
      rmSync(dataDir, { recursive: true, force: true });
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
    await use(context as unknown as BrowserContext);
    await context.close();
  },
  page: async ({ context }, use) => {
    await use((await context.newPage()) as unknown as Page);
  },
});
