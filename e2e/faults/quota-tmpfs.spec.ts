/**
 * Fault: the disk fills up. A Chromium profile on a 64 MiB tmpfs answers QuotaExceededError
 * after some 38 MiB. Filled through larder's write-behind (no flush), larder must tell the app
 * ('commit-error' with 'quota-exceeded'), keep the writes buffered, keep reads working, let the
 * app free space by compacting (removeChanges + flush) or by deleting another store, then
 * commit the buffer; and after a relaunch every acknowledged write is there (issue 12,
 * finding 3).
 */
import { expect, test, type Page } from '@playwright/test';
import { launchRealBrowser, type RealBrowser } from '../support/real-browser.js';
import { loadFaultHelpers, report } from './support/fault-fixture.js';
import { mountTmpfs, type Tmpfs } from './support/tmpfs.js';

const DISK_MIB = 64;
const MIB = 1024 * 1024;
/** Committed first in another store, deleted later to make room. */
const BALLAST_MIB = 8;
/** Committed first in the filled store, removed later to make room. */
const EARLY_MIB = 8;
/** More than the disk holds: filling stops at the first sign of a full disk, long before. */
const FILL_LIMIT_MIB = DISK_MIB + 16;
/** How long one call may take on a full disk. */
const CALL_MS = 30_000;

async function openPage(browser: RealBrowser, baseURL: string | undefined): Promise<Page> {
  const page = await browser.openHarness(baseURL);
  await loadFaultHelpers(page);
  return page;
}

test('a full disk (tmpfs): the app is told, reads work, freeing space commits the buffer, nothing acknowledged is lost', async ({
  baseURL,
}) => {
  test.setTimeout(240_000);
  const name = 'quota-fill';
  let disk: Tmpfs | undefined;
  let browser: RealBrowser | undefined;
  try {
    disk = mountTmpfs(DISK_MIB);
    browser = await launchRealBrowser(disk.dir);
    const page = await openPage(browser, baseURL);

    const filled = await page.evaluate(
      async ({ name, mib, ballast, early, limit, within }) => {
        const { fp, larder } = window;
        const change = (id: number): [string, number, Uint8Array] => ['a', id, fp.tagged(id, mib)];
        // A freshly launched browser loads the worker's modules with a cold cache: this test is
        // about a full disk, not start times.
        const ballastStore = await larder.openStore(`${name}-ballast`, { startTimeoutMs: 30_000 });
        for (let i = 0; i < ballast; i++) await ballastStore.persister('b').insertChanges([change(1000 + i)]);
        await ballastStore.flush();
        await ballastStore.close();

        const store = await larder.openStore(name);
        fp.kept.set('store', store);
        const errors: Array<{ code?: string; cause?: string; pendingBytes: number }> = [];
        store.on('commit-error', (e) =>
          errors.push({ ...fp.describeError(e.error), pendingBytes: e.pendingBytes }),
        );
        const p = store.persister('fill');
        for (let i = 0; i < early; i++) await p.insertChanges([change(i)]);
        await store.flush();

        // Write-behind only: each insert is acknowledged when it resolves; no flush.
        const acked: number[] = [];
        let rejected: unknown;
        let maxPending = 0;
        for (let id = early; id < limit && errors.length === 0; id++) {
          const outcome = await fp.settle(p.insertChanges([change(id)]), within);
          if (outcome.state === 'resolved') acked.push(id);
          else {
            rejected = outcome;
            break;
          }
          maxPending = Math.max(maxPending, (await store.stats()).pendingBytes);
        }
        // A background commit may still be failing: give it the time a commit takes.
        for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        fp.kept.set('acked', acked);
        return { acked: acked.length, rejected, maxPending, errors };
      },
      {
        name,
        mib: MIB,
        ballast: BALLAST_MIB,
        early: EARLY_MIB,
        limit: EARLY_MIB + FILL_LIMIT_MIB,
        within: CALL_MS,
      },
    );

    const whileFull = await page.evaluate(
      async ({ within }) => {
        const { fp } = window;
        const store = fp.kept.get('store') as import('../../src/index.js').Store;
        const p = store.persister('fill');
        const flush = await fp.settle(store.flush(), within);
        const pendingBytes = (await store.stats()).pendingBytes;
        const reads = await fp.settleAll(
          {
            sizes: p.sizes(),
            getChanges: p.getChanges(),
            'consensus.head': store.consensus().head('k'),
            'other persister': store.persister('other').getDocument(),
          },
          within,
        );
        return { flush, pendingBytes, reads };
      },
      { within: CALL_MS },
    );

    const freeing = await page.evaluate(
      async ({ name, early, within }) => {
        const { fp, larder } = window;
        const store = fp.kept.get('store') as import('../../src/index.js').Store;
        const p = store.persister('fill');
        const ids = Array.from({ length: early }, (_, i) => i);
        // Compaction: the app drops changes it no longer needs, while the disk is full.
        const removed = await fp.settle(
          p.removeChanges(ids.map((id) => ['a', id] as [string, number])),
          within,
        );
        const compacted = await fp.settle(store.flush(), within);
        const deletedOther = await fp.settle(larder.deleteStore(`${name}-ballast`), within);
        const flushed = await fp.settle(store.flush(), within);
        const pendingBytes = (await store.stats()).pendingBytes;
        const closed = await fp.settle(store.close(), within);
        return { removed, compacted, deletedOther, flushed, pendingBytes, closed };
      },
      { name, early: EARLY_MIB, within: CALL_MS },
    );
    const acked = await page.evaluate(() => window.fp.kept.get('acked') as number[]);

    await browser.kill();
    browser = await launchRealBrowser(disk.dir);
    const again = await openPage(browser, baseURL);
    const held = await again.evaluate(async (name) => {
      const { fp, larder } = window;
      const store = await larder.openStore(name, { startTimeoutMs: 30_000 });
      const ids = (await store.persister('fill').getChanges()).map((c) => fp.taggedId(c));
      await store.close();
      await larder.deleteStore(name);
      return ids;
    }, name);
    const heldSet = new Set(held);
    const lost = acked.filter((id) => !heldSet.has(id));
    report('full disk', {
      filled,
      whileFull,
      freeing,
      afterRelaunch: {
        acknowledged: acked.length,
        held: held.length,
        damaged: held.filter((id) => id < 0).length,
        lost,
      },
    });

    expect(filled.errors.length, "a 'commit-error' event once the disk is full").toBeGreaterThan(0);
    expect(filled.errors[0]).toMatchObject({ isStoreError: true, code: 'quota-exceeded' });
    expect(filled.errors[0]?.pendingBytes, 'the failed writes stay buffered').toBeGreaterThan(0);
    expect(whileFull.flush.state, 'an explicit flush on a full disk').toBe('rejected');
    if (whileFull.flush.state === 'rejected') {
      expect(whileFull.flush.error).toMatchObject({
        code: 'quota-exceeded',
        causeName: 'QuotaExceededError',
      });
    }
    expect(whileFull.pendingBytes, 'the buffer is kept').toBeGreaterThan(0);
    for (const [label, o] of Object.entries(whileFull.reads))
      expect(o.state, `read ${label}`).toBe('resolved');
    expect(freeing.removed.state, 'removeChanges on a full disk').toBe('resolved');
    // Compacting alone may not make enough room for the whole buffer; it must not be refused
    // for any other reason than that.
    if (freeing.compacted.state === 'rejected') expect(freeing.compacted.error.code).toBe('quota-exceeded');
    expect(freeing.compacted.state).not.toBe('pending');
    expect(freeing.deletedOther.state, 'deleting another store frees space').toBe('resolved');
    expect(freeing.flushed.state, 'with space freed, the buffer commits').toBe('resolved');
    expect(freeing.pendingBytes).toBe(0);
    expect(lost, 'acknowledged writes missing after the relaunch').toEqual([]);
    expect(
      held.filter((id) => id < 0),
      'damaged changes',
    ).toEqual([]);
    expect(
      held.filter((id) => id < EARLY_MIB),
      'removed changes stay removed',
    ).toEqual([]);
  } finally {
    await browser?.kill();
    disk?.unmount();
  }
});
