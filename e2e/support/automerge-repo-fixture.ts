import type { Page } from '@playwright/test';
import type * as RepoPage from './automerge-repo-page.js';

declare global {
  interface Window {
    /** The page-side helpers of the automerge-repo adapter suite. */
    amr: typeof RepoPage;
  }
}

/** Loads the page-side helpers as `window.amr` into a page that shows the test harness. */
export async function loadRepoHelpers(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const url = '/e2e/support/automerge-repo-page.ts';
    window.amr = (await import(url)) as typeof window.amr;
  });
}
