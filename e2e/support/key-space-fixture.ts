import type { Page } from '@playwright/test';
import type * as KeySpacePage from './key-space-page.js';
import { openPersisterPage } from './persister-fixture.js';

declare global {
  interface Window {
    /** The page-side helpers of the key-space suites. */
    ks: typeof KeySpacePage;
  }
}

/** Opens the harness page with `window.pp` (Persister helpers) and `window.ks` loaded. */
export async function openKeySpacePage(page: Page): Promise<void> {
  await openPersisterPage(page);
  await page.evaluate(async () => {
    const url = '/e2e/support/key-space-page.ts';
    window.ks = (await import(url)) as typeof window.ks;
  });
}
