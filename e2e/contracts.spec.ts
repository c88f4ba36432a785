import { expect, test } from '@playwright/test';
import { openHarness } from './support/harness.js';
import type * as ContractPage from './support/contract-page.js';
import type { EngineKind } from './support/persister-page.js';

// larder's own contract suites, run the way a user runs them: from `larder-kit/testing`
// (src/testing/), on each of the four engine kinds. One Playwright test per suite and kind runs
// every case in one page and reports each failing case by title; a case left unsettled fails
// after 30 s. Run one case again with LARDER_CONTRACT_CASE='<title>'.

declare global {
  interface Window {
    /** The page-side contract runner. */
    contractPage: typeof ContractPage;
  }
}

/** The suites `larder-kit/testing` exports: a suite added there must be added here. */
const CONTRACTS = [
  'store',
  'persister',
  'consensus',
  'log-state',
  'log-tracker',
  'op-store',
  'key-space',
] as const;
const KINDS: readonly EngineKind[] = ['worker', 'inline', 'own-worker', 'message-port'];
const only = process.env['LARDER_CONTRACT_CASE'];

async function openContractPage(page: import('@playwright/test').Page): Promise<void> {
  await openHarness(page);
  await page.evaluate(async () => {
    const url = '/e2e/support/contract-page.ts';
    window.contractPage = (await import(url)) as typeof window.contractPage;
  });
}

test('the kit exports exactly the suites this spec runs', async ({ page }) => {
  await openContractPage(page);
  expect(await page.evaluate(() => window.contractPage.contractNames())).toEqual([...CONTRACTS]);
});

for (const contract of CONTRACTS) {
  for (const kind of KINDS) {
    test(`${contract} contract (${kind})`, async ({ page }) => {
      test.setTimeout(300_000);
      await openContractPage(page);
      const results = await page.evaluate(
        ({ contract, kind, only }) => window.contractPage.runContract(contract, kind, only),
        { contract, kind, only: only === undefined ? undefined : [only] },
      );
      for (const r of results)
        test.info().annotations.push({
          type: r.error === '' ? 'passed' : 'failed',
          description: `${r.title} (${r.ms} ms)`,
        });
      expect(results.length, 'cases run').toBeGreaterThan(0);
      expect(results.filter((r) => r.error !== '').map((r) => `${r.title}: ${r.error}`)).toEqual([]);
    });
  }
}
