import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from '../support/harness.js';
import { openYjsHarness } from './open-yjs-harness.js';
import type { tests } from './y-indexeddb.tests.js';

// y-indexeddb's upstream suite, ported in e2e/yjs/y-indexeddb.tests.ts (what changed and why is
// at its top), run in Chromium against LarderPersistence on both engines.

const NAMES: Array<keyof typeof tests> = [
  'testPerf',
  'testIdbUpdateAndMerge',
  'testIdbConcurrentMerge',
  'testMetaStorage',
  'testEarlyDestroy',
];

for (const engine of ENGINES) {
  test.describe(`y-indexeddb's tests on LarderPersistence (${engine} engine)`, () => {
    for (const name of NAMES) {
      test(name, async ({ page }) => {
        await openYjsHarness(page);
        const tc = { testName: uniqueName(name), engine };
        const outcome = await page.evaluate(
          async ({ name, tc }) => {
            const port = window.yIndexeddbPort;
            try {
              await port.tests[name](tc);
              return 'passed';
            } catch (e) {
              return e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
            } finally {
              await port.closeStore(tc);
              await window.larder.deleteStore(tc.testName);
            }
          },
          { name, tc },
        );
        expect(outcome).toBe('passed');
      });
    }
  });
}
