import type { Page } from '@playwright/test';
import { openHarness } from './harness.js';
import type * as PersisterPage from './persister-page.js';

declare global {
  interface Window {
    /** The page-side helpers of the Persister suites. */
    pp: typeof PersisterPage;
  }
}

/** Opens the harness page and loads the page-side helpers as `window.pp`. */
export async function openPersisterPage(page: Page): Promise<void> {
  await openHarness(page);
  await page.evaluate(async () => {
    const url = '/e2e/support/persister-page.ts';
    window.pp = (await import(url)) as typeof window.pp;
  });
}

// What a persister should read as, computed as the kit's contract suites compute it.
export {
  compareLists,
  expectedSnapshot,
  sortLists,
  type Holding,
} from '../../src/testing/persister-snapshot.js';
