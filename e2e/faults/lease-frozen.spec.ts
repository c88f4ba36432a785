/**
 * Fault: the tab that holds a lease is frozen (CDP `Page.setWebLifecycleState`, as Chromium
 * freezes background tabs). It keeps its Web Lock but stops renewing its claim; another tab must
 * take the lease over once the claim expired (never before), and the frozen tab, once thawed,
 * must learn that it lost the lease rather than carry on as holder.
 *
 * The tabs live in a browser that Playwright does not drive (see bare-browser.ts): Playwright
 * keeps its pages visible, and Chromium does not freeze a visible page.
 */
import { expect, test } from '@playwright/test';
import { uniqueName } from '../support/harness.js';
import { makeProfile, removeProfile } from '../support/real-browser.js';
import { launchBareBrowser, type BareBrowser } from './support/bare-browser.js';
import { report } from './support/fault-fixture.js';

let profile: string;
let browser: BareBrowser;
let harness: string;
test.beforeEach(async ({ baseURL }) => {
  profile = makeProfile();
  browser = await launchBareBrowser(profile);
  harness = `${baseURL}/e2e/harness.html`;
});
test.afterEach(async () => {
  await browser.close();
  removeProfile(profile);
});

/** Short, so that the test does not wait long for the frozen claim to run out. */
const TTL_MS = 1000;

for (const engine of ['worker', 'inline'] as const) {
  test(`a frozen lease holder is taken over once its claim expires, and learns it on thawing (${engine})`, async () => {
    const name = uniqueName('lease-frozen');
    const holder = await browser.openHarness(harness);
    const first = await holder.evaluate(
      async ({ name, engine, ttlMs }) => {
        const { fp, larder } = window;
        const store = await larder.openStore(name, { engine });
        const held = await store.lease('job', { holder: 'frozen', ttlMs }).acquire();
        fp.kept.set('store', store);
        fp.kept.set('held', held);
        // A timer that proves the freeze: it stops while the page is frozen.
        fp.kept.set('ticks', 0);
        setInterval(() => fp.kept.set('ticks', (fp.kept.get('ticks') as number) + 1), 10);
        return String(held.token);
      },
      { name, engine, ttlMs: TTL_MS },
    );
    await holder.send('Page.setWebLifecycleState', { state: 'frozen' });
    const frozenAt = await holder.evaluate(() => window.fp.kept.get('ticks') as number, null);

    const other = await browser.openHarness(harness);
    const taken = await other.evaluate(
      async ({ name, engine, ttlMs }) => {
        const { fp, larder } = window;
        const store = await larder.openStore(name, { engine });
        fp.kept.set('store', store);
        const lease = store.lease('job', { holder: 'other', ttlMs });
        // The frozen holder's last claim: it renewed until the freeze, then stopped.
        const claimed = (await lease.read())!;
        // Taken at once if the claim has run out already, else once it does.
        const held = (await lease.tryAcquire()) ?? (await lease.acquire());
        const at = Date.now();
        fp.kept.set('held', held);
        const state = (await lease.read())!;
        return {
          at,
          claimEnds: claimed.expiresAt,
          claimHolder: claimed.holder,
          token: String(held.token),
          holder: state.holder,
          held: state.held,
        };
      },
      { name, engine, ttlMs: TTL_MS },
    );
    const ticks = (await holder.evaluate(() => window.fp.kept.get('ticks') as number, null)) - frozenAt;
    await holder.send('Page.setWebLifecycleState', { state: 'active' });
    const woke = await holder.evaluate(async () => {
      const held = window.fp.kept.get('held') as import('../../src/index.js').HeldLease;
      if (!held.signal.aborted) {
        await new Promise((resolve) => held.signal.addEventListener('abort', resolve, { once: true }));
      }
      const reason = held.signal.reason as unknown;
      const renewed = await held.renew();
      await (window.fp.kept.get('store') as import('../../src/index.js').Store).close();
      return { code: window.larder.isStoreError(reason) ? reason.code : String(reason), renewed };
    }, null);
    // The new holder is unaffected by the old one waking up.
    const after = await other.evaluate(async (name) => {
      const held = window.fp.kept.get('held') as import('../../src/index.js').HeldLease;
      const store = window.fp.kept.get('store') as import('../../src/index.js').Store;
      const renewed = await held.renew();
      const holder = (await store.lease('job').read())?.holder;
      await held.release();
      await store.close();
      await window.larder.deleteStore(name);
      return { renewed, holder };
    }, name);
    report(`frozen lease holder (${engine})`, { first, ticks, taken, woke, after });

    expect(ticks, 'the holder was really frozen').toBe(0);
    expect(taken.claimHolder).toBe('frozen');
    // A live claim is never taken, even from a frozen holder: only once it ran out.
    expect(taken.at).toBeGreaterThanOrEqual(taken.claimEnds);
    expect(taken).toMatchObject({ holder: 'other', held: true });
    expect(BigInt(taken.token)).toBeGreaterThan(BigInt(first));
    expect(woke).toEqual({ code: 'conflict', renewed: false });
    expect(after).toEqual({ renewed: true, holder: 'other' });
  });
}
