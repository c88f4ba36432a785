import { expect, test, type Page } from '@playwright/test';
import { launchRealBrowser, makeProfile, removeProfile } from './support/real-browser.js';

// Durability with a real kill: every process of the browser gets SIGKILL, then a new browser
// starts on the same profile directory and reads the store back.

const CHANGES = 400;
const DOC_BYTES = 256 * 1024;

/** Writes a known data set through a Persister; resolves the write-behind's pending bytes. */
async function writeDataSet(page: Page, name: string, flush: boolean): Promise<number> {
  return page.evaluate(
    async ({ name, count, docBytes, flush }) => {
      // Change i is 200 bytes: its index, then bytes derived from it, so a reader can verify it.
      const change = (i: number) => {
        const b = new Uint8Array(200);
        new DataView(b.buffer).setUint32(0, i);
        for (let j = 4; j < b.length; j++) b[j] = (i * 31 + j * 7) & 0xff;
        return b;
      };
      // Huge write-behind limits: nothing reaches IndexedDB unless a flush is asked for.
      const store = await window.larder.openStore(name, {
        writeBehind: { maxDelayMs: 600_000, maxBytes: 1 << 30 },
      });
      (window as unknown as { store: unknown }).store = store;
      const p = store.persister('doc');
      for (let i = 0; i < count; i += 50) {
        const batch: Array<[string, number, Uint8Array]> = [];
        for (let k = i; k < i + 50; k++) batch.push([`actor${k % 3}`, k, change(k)]);
        await p.insertChanges(batch);
      }
      const doc = new Uint8Array(docBytes);
      for (let j = 0; j < doc.length; j++) doc[j] = (j * 13) & 0xff;
      await p.setDocument(doc);
      await p.setSyncState(new Uint8Array([0xff, 0x00, 0xfe]), new Uint8Array([1, 2, 3, 4]));
      if (flush) await store.flush();
      return (await store.stats()).pendingBytes;
    },
    { name, count: CHANGES, docBytes: DOC_BYTES, flush },
  );
}

/** Reads the data set back and reports what is intact. */
async function readDataSet(page: Page, name: string) {
  return page.evaluate(
    async ({ name, docBytes }) => {
      const store = await window.larder.openStore(name);
      const p = store.persister('doc');
      const changes = await p.getChanges();
      const seen = new Set<number>();
      let intact = 0;
      for (const c of changes) {
        const i = new DataView(c.buffer, c.byteOffset, c.byteLength).getUint32(0);
        let ok = c.byteLength === 200;
        for (let j = 4; ok && j < c.length; j++) ok = c[j] === ((i * 31 + j * 7) & 0xff);
        if (ok) intact++;
        seen.add(i);
      }
      const doc = await p.getDocument();
      let docOk = doc?.byteLength === docBytes;
      for (let j = 0; docOk && doc !== undefined && j < doc.length; j++) docOk = doc[j] === ((j * 13) & 0xff);
      const sync = await p.getSyncState(new Uint8Array([0xff, 0x00, 0xfe]));
      const sizes = await p.sizes();
      await store.close();
      await window.larder.deleteStore(name);
      return {
        count: changes.length,
        distinct: seen.size,
        intact,
        docOk,
        sync: sync && Array.from(sync),
        sizes,
      };
    },
    { name, docBytes: DOC_BYTES },
  );
}

function expectWholeDataSet(read: Awaited<ReturnType<typeof readDataSet>>) {
  expect(read.count).toBe(CHANGES);
  expect(read.distinct).toBe(CHANGES);
  expect(read.intact).toBe(CHANGES);
  expect(read.docOk).toBe(true);
  expect(read.sync).toEqual([1, 2, 3, 4]);
  expect(read.sizes).toEqual({ changes: CHANGES * 200, document: DOC_BYTES, syncStates: 4 });
}

test.describe('durability across a SIGKILL of the browser', () => {
  let profile: string;
  test.beforeEach(() => {
    profile = makeProfile();
  });
  test.afterEach(() => removeProfile(profile));

  test('everything written before flush() resolved survives', async ({ baseURL }) => {
    const name = `durable-flush-${Date.now()}`;
    const first = await launchRealBrowser(profile);
    const page = await first.openHarness(baseURL);
    const pendingAfterFlush = await writeDataSet(page, name, true);
    expect(pendingAfterFlush).toBe(0);
    await first.kill();

    const second = await launchRealBrowser(profile);
    const again = await second.openHarness(baseURL);
    expectWholeDataSet(await readDataSet(again, name));
    await second.close();
  });

  test('without flush(), everything written before the page became hidden survives', async ({ baseURL }) => {
    const name = `durable-hidden-${Date.now()}`;
    const first = await launchRealBrowser(profile);
    const page = await first.openHarness(baseURL);
    const pending = await writeDataSet(page, name, false);
    // The writes are only in the write-behind buffer: the test proves the hide flush, not a timer.
    expect(pending).toBeGreaterThan(CHANGES * 200);
    // The page reports in its title, which the DevTools endpoint lists without attaching to it,
    // that it became hidden, and then when nothing is left unsaved. Only the hide can have
    // started that commit (no flush() call, a ten-minute write-behind delay); the kill waits for
    // it because a commit takes a few milliseconds that no kill "right after hiding" can beat.
    await page.evaluate(() => {
      const store = (window as unknown as { store: { stats(): Promise<{ pendingBytes: number }> } }).store;
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState !== 'hidden') return;
        const hiddenAt = performance.now();
        document.title = 'hidden';
        void (async () => {
          while ((await store.stats()).pendingBytes > 0) {
            // Messages to the worker, not timers: timers are throttled in hidden pages.
          }
          document.title = `hidden, saved ${Math.round(performance.now() - hiddenAt)} ms later`;
        })();
      });
    });
    await first.hideCurrentTab();
    await expect
      .poll(async () => (await first.titles()).find((t) => t.startsWith('hidden, saved')), {
        timeout: 15_000,
      })
      .toBeDefined();
    console.log(`durability: ${(await first.titles()).find((t) => t.startsWith('hidden, saved'))}`);
    await first.kill();

    const second = await launchRealBrowser(profile);
    const again = await second.openHarness(baseURL);
    expectWholeDataSet(await readDataSet(again, name));
    await second.close();
  });
});
