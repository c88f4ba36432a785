import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readDataSet, WHOLE_DATA_SET, writeDataSet } from './durability-data-set.js';
import { launchWebKit, type WebKitBrowser } from './webkit-browser.js';
import { WebDriverContext, type WebDriverPage } from './webdriver-page.js';

// Durability in WebKit with a real kill: SIGKILL to the driver's process group (the automation
// browser, its web process and its network process, which holds IndexedDB), then a new browser
// on the same data directory reads the store back.

async function openPage(webkit: WebKitBrowser, baseURL: string | undefined): Promise<WebDriverPage> {
  const page = await new WebDriverContext(webkit.session, webkit.anchor, baseURL).newPage();
  await page.goto('/e2e/harness.html');
  await page.waitForFunction(() => typeof window.larder !== 'undefined');
  return page;
}

test.describe('WebKit: durability across a SIGKILL of the browser', () => {
  let dataDir: string;
  let running: WebKitBrowser | undefined;
  test.beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'larder-webkit-durable-'));
  });
  test.afterEach(async () => {
    await running?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  test('everything written before flush() resolved survives', async ({ baseURL }) => {
    const name = `wk-durable-flush-${Date.now()}`;
    running = await launchWebKit(dataDir);
    expect(await writeDataSet(await openPage(running, baseURL), name, true)).toBe(0);
    await running.kill();

    running = await launchWebKit(dataDir);
    expect(await readDataSet(await openPage(running, baseURL), name)).toEqual(WHOLE_DATA_SET);
  });
});
