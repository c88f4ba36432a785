import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// API.md section 4, over both engines. The contract's cases are in src/testing/log-state-contract.ts
// (run by e2e/contracts.spec.ts); `await using` stays here, because the kit's code must parse in
// WebKit, which cannot parse it.

for (const engine of ENGINES) {
  test.describe(`log state (${engine})`, () => {
    test.beforeEach(async ({ page }) => {
      await openHarness(page);
    });

    test('await using closes the write op', async ({ page }) => {
      const name = uniqueName('ls-using');
      // A string, so the page runs `await using` itself: Playwright's transpiler would rewrite
      // it into helper calls that do not exist in the page. Chromium here supports it natively.
      const out = (await page.evaluate(`(async () => {
        const { openStore, deleteStore, isStoreError } = window.larder;
        const store = await openStore(${JSON.stringify(name)}, { engine: ${JSON.stringify(engine)} });
        const ls = store.logState();
        const codeOf = (p) => p.then(() => 'resolved', (e) => (isStoreError(e) ? e.code : 'other:' + e));
        let kept;
        {
          await using ops = await ls.writeOps('log');
          kept = ops;
          await ops.set(new Uint8Array([1, 2]));
        }
        const afterSet = await codeOf(kept.set(new Uint8Array([3])));
        let unset;
        {
          await using ops = await ls.writeOps('log');
          unset = ops;
        }
        const afterScope = await codeOf(unset.set(new Uint8Array([4])));
        const direct = await ls.writeOps('log');
        await direct[Symbol.asyncDispose]();
        const afterDispose = await codeOf(direct.set(new Uint8Array([5])));
        const stored = Array.from(await (await ls.readOps('log')).getLatest());
        await store.close();
        await deleteStore(${JSON.stringify(name)});
        return { afterSet, afterScope, afterDispose, stored };
      })()`)) as Record<string, unknown>;
      expect(out).toEqual({
        afterSet: 'closed',
        afterScope: 'closed',
        afterDispose: 'closed',
        stored: [1, 2],
      });
    });
  });
}
