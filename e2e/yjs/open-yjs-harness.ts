import type { Page } from '@playwright/test';

/** The harness page of the Yjs specs. */
export const YJS_HARNESS = '/e2e/yjs/harness.html';

/** Opens the Yjs harness: larder, `larder/yjs`, Yjs and the y-indexeddb port on `window`. */
export async function openYjsHarness(page: Page, baseURL = ''): Promise<void> {
  await page.goto(`${baseURL}${YJS_HARNESS}`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
}
