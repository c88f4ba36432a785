import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// Two findings of the reliability review on the write-behind path, each as it showed:
// - flush() returned 0 without any strict commit when a background commit (past maxBytes) had
//   already taken the buffer;
// - the unload grace was per store and blind: every open store busy-waited 100 ms on pagehide
//   whenever its own counters said "maybe unsaved", also for a page entering the bfcache.

for (const engine of ENGINES) {
  test(`flush() after a commit that maxBytes started still covers it, strictly (${engine})`, async ({
    page,
  }) => {
    await openHarness(page);
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine, writeBehind: { maxBytes: 1024 } });
        const p = store.persister('doc');
        await p.setDocument(new Uint8Array(4096)); // past maxBytes: committed at once, relaxed
        const receipt = store.receipt();
        const flushed = await store.flush();
        const state = receipt.state;
        await store.close();
        await window.larder.deleteStore(name);
        return { flushed, state };
      },
      { name: uniqueName('flush-covers'), engine },
    );
    expect(out.flushed).toBe(4096);
    expect(out.state).toBe('strict');
  });
}

test('the unload grace is spent once per page, only for unsaved writes, never for the bfcache', async ({
  page,
}) => {
  await openHarness(page);
  const out = await page.evaluate(async () => {
    const { larder } = window;
    const a = await larder.openStore(`grace-a-${Math.random()}`, { writeBehind: { maxDelayMs: 60_000 } });
    const b = await larder.openStore(`grace-b-${Math.random()}`, { writeBehind: { maxDelayMs: 60_000 } });
    // Synthetic lifecycle events dispatch synchronously: their duration is the page's wait.
    const hide = (persisted: boolean) => {
      const t0 = performance.now();
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted }));
      return performance.now() - t0;
    };
    // A loaded machine can preempt the page in the middle of a measure: a rehearsal of
    // `.ci/run` once took 247 ms over one wait. So a measure outside its band is taken again,
    // up to three times in all, and the least kept. A wait that is there, or one that is
    // doubled, is in every try; a preemption is not.
    const least = async (measure: () => Promise<number> | number, inBand: (ms: number) => boolean) => {
      let best = Infinity;
      for (let i = 0; i < 3 && !inBand(best); i++) best = Math.min(best, await measure());
      return best;
    };
    const writeBoth = async (seq: number) => {
      await a.persister('d').insertChanges([['x', seq, new Uint8Array([seq])]]);
      await b.persister('d').insertChanges([['x', seq, new Uint8Array([seq])]]);
    };
    // Nothing written: no wait.
    const clean = await least(
      () => hide(false),
      (ms) => ms < 100,
    );
    let seq = 0;
    await writeBoth(++seq);
    // Unsaved, but the page is kept: no wait.
    const bfcache = await least(
      () => hide(true),
      (ms) => ms < 100,
    );
    // Unsaved in two stores: one wait, not two. Each try writes anew: a hide flushes.
    const unsavedTwoStores = await least(
      async () => {
        await writeBoth(++seq);
        return hide(false);
      },
      (ms) => ms < 200,
    );
    await a.flush();
    await b.flush();
    await a.receipt().strict();
    await b.receipt().strict();
    // Everything committed: no wait.
    const saved = await least(
      () => hide(false),
      (ms) => ms < 100,
    );
    await a.close();
    await b.close();
    await larder.deleteStore(a.name);
    await larder.deleteStore(b.name);
    return { clean, bfcache, unsavedTwoStores, saved };
  });
  // The grace is a busy-wait of at least 100 ms: below that, no wait happened (the margins are
  // for a loaded machine that preempts the page); two waits would take 200 ms or more.
  expect(out.clean).toBeLessThan(100);
  expect(out.bfcache).toBeLessThan(100);
  expect(out.unsavedTwoStores).toBeGreaterThanOrEqual(100);
  expect(out.unsavedTwoStores).toBeLessThan(200);
  expect(out.saved).toBeLessThan(100);
});
