import { expect, test, type Page } from '@playwright/test';
import { ENGINES } from '../support/harness.js';
import { launchRealBrowser, makeProfile, removeProfile } from '../support/real-browser.js';
import { openYjsHarness } from './open-yjs-harness.js';

// The stored-notification across a real kill: every process of the browser gets SIGKILL right
// after the provider said the updates are stored, then a new browser on the same profile loads
// the document. The updates are still buffered when the test starts waiting for the
// notification, so only the commit it reports can have saved them.

const TEXT = 'Durable typing, one Yjs update per character. '.repeat(10);

/** Types TEXT into a fresh document; resolves the write-behind's pending bytes before `notify`. */
async function typeThenNotify(page: Page, name: string, engine: string, notify: 'whenStored' | 'event') {
  return page.evaluate(
    async ({ name, engine, notify, text }) => {
      const { Y, larder, larderYjs, yjsKit } = window;
      // With 'whenStored', nothing else may commit first; the event waits for the store's own
      // commit, a second after typing, once the test has seen the updates still buffered.
      const store = await larder.openStore(name, {
        engine: engine as 'worker' | 'inline',
        writeBehind: { maxDelayMs: notify === 'event' ? 1000 : 600_000, maxBytes: 1 << 30 },
      });
      const doc = new Y.Doc();
      const provider = new larderYjs.LarderPersistence('doc', doc, {
        store,
        storeDelayMs: notify === 'event' ? 0 : 600_000,
      });
      await provider.whenSynced;
      const stored = new Promise<void>((resolve) => provider.once('stored', () => resolve()));
      yjsKit.type(doc, text);
      const pendingBefore = await yjsKit.untilHandedOver(store);
      if (notify === 'whenStored') await provider.whenStored();
      else await stored;
      return { pendingBefore, pendingAfter: (await store.stats()).pendingBytes };
    },
    { name, engine, notify, text: TEXT },
  );
}

async function load(page: Page, name: string, engine: string): Promise<string> {
  return page.evaluate(
    async ({ name, engine }) => {
      const { Y, larder, larderYjs } = window;
      const store = await larder.openStore(name, { engine: engine as 'worker' | 'inline' });
      const doc = new Y.Doc();
      const provider = new larderYjs.LarderPersistence('doc', doc, { store });
      await provider.whenSynced;
      await provider.destroy();
      await store.close();
      await larder.deleteStore(name);
      return doc.getText('t').toString();
    },
    { name, engine },
  );
}

test.describe('Yjs updates across a SIGKILL of the browser', () => {
  let profile: string;
  test.beforeEach(() => {
    profile = makeProfile();
  });
  test.afterEach(() => removeProfile(profile));

  test('without whenStored(), every update typed before the page became hidden survives', async ({
    baseURL,
  }) => {
    const name = `yjs-durable-hidden-${Date.now()}`;
    const first = await launchRealBrowser(profile);
    const page = await first.context.newPage();
    await openYjsHarness(page, baseURL);
    const pending = await page.evaluate(
      async ({ name, text }) => {
        const { yjsKit } = window;
        const { store, doc } = await yjsKit.openHeld(name, 'doc');
        yjsKit.type(doc, text);
        // The title tells the test, over HTTP and without attaching, that the page was hidden
        // and then that nothing is left unsaved (as e2e/durability.spec.ts does).
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState !== 'hidden') return;
          document.title = 'hidden';
          void (async () => {
            while ((await store.stats()).pendingBytes > 0) {
              // Messages to the worker, not timers: timers are throttled in hidden pages.
            }
            document.title = 'hidden, saved';
          })();
        });
        return yjsKit.untilHandedOver(store);
      },
      { name, text: TEXT },
    );
    expect(pending).toBeGreaterThan(0);
    await first.hideCurrentTab();
    await expect
      .poll(async () => (await first.titles()).includes('hidden, saved'), { timeout: 15_000 })
      .toBe(true);
    await first.kill();

    const second = await launchRealBrowser(profile);
    const again = await second.context.newPage();
    await openYjsHarness(again, baseURL);
    expect(await load(again, name, 'worker')).toBe(TEXT);
    await second.close();
  });

  for (const engine of ENGINES) {
    for (const notify of ['whenStored', 'event'] as const) {
      const what = notify === 'whenStored' ? 'whenStored() resolved' : "the 'stored' event fired";
      test(`every update typed before ${what} survives (${engine} engine)`, async ({ baseURL }) => {
        const name = `yjs-durable-${notify}-${engine}-${Date.now()}`;
        const first = await launchRealBrowser(profile);
        const page = await first.context.newPage();
        await openYjsHarness(page, baseURL);
        const { pendingBefore, pendingAfter } = await typeThenNotify(page, name, engine, notify);
        // Updates were still buffered (or held back in the page) until the notification: only
        // the commit it reports can have saved them.
        expect(pendingBefore).toBeGreaterThan(0);
        expect(pendingAfter).toBe(0);
        await first.kill();

        const second = await launchRealBrowser(profile);
        const again = await second.context.newPage();
        await openYjsHarness(again, baseURL);
        expect(await load(again, name, engine)).toBe(TEXT);
        await second.close();
      });
    }
  }
});
