import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { HeldLease, Store } from '../src/index.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// A worker's start is not what these tests are about; on a loaded machine (a CI runner, agents
// sharing two cores) it can take longer than the default 2 s.
const START_MS = 20_000;

// Leases across real tabs: pages of one browser context, each with its own store on one
// database; a closed tab is a closed page. The frozen holder is in e2e/faults/lease-frozen.spec.ts:
// Chromium does not freeze the pages that Playwright drives.

declare global {
  interface Window {
    leaseStore: Store;
    held: Record<string, HeldLease>;
  }
}

async function openTab(context: BrowserContext, name: string, engine: string): Promise<Page> {
  const page = await context.newPage();
  await openHarness(page);
  await page.evaluate(
    async ({ name, engine, startTimeoutMs }) => {
      window.leaseStore = await window.larder.openStore(name, {
        engine: engine as 'worker' | 'inline',
        startTimeoutMs,
      });
      window.held = {};
    },
    { name, engine, startTimeoutMs: START_MS },
  );
  return page;
}

async function cleanUp(pages: Page[], name: string): Promise<void> {
  const open = pages.filter((p) => !p.isClosed());
  await Promise.all(open.map((p) => p.evaluate(() => window.leaseStore.close())));
  await open[0]?.evaluate((name) => window.larder.deleteStore(name), name);
  await Promise.all(open.map((p) => p.close()));
}

for (const engine of ENGINES) {
  test(`three tabs taking turns: one holder at a time, tokens always growing (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('lease-turns');
    // One after the other: three workers starting at once on a cold dev server can miss the start
    // timeout, which is not what this test is about.
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) pages.push(await openTab(context, name, engine));
    const rounds = 4;
    const runs = await Promise.all(
      pages.map((p, tab) =>
        p.evaluate(
          async ({ tab, rounds }) => {
            const store = window.leaseStore;
            const lease = store.lease('job', { holder: `tab-${tab}`, ttlMs: 5000 });
            const c = store.consensus();
            const out: Array<{ token: string; overlap: boolean }> = [];
            for (let i = 0; i < rounds; i++) {
              const held = await lease.acquire();
              // The critical section marks itself in a consensus key and checks, after a pause
              // in which others try to take the lease, that nobody else marked it meanwhile.
              const head = await c.head('occupant');
              const seqno = (head?.seqno ?? 0n) + 1n;
              const mine = await c.compareAndSet('occupant', head?.seqno, {
                seqno,
                data: new Uint8Array([tab]),
              });
              await new Promise((r) => setTimeout(r, 20));
              const still = await c.head('occupant');
              out.push({
                token: String(held.token),
                overlap: mine !== 'committed' || still?.seqno !== seqno || still.data[0] !== tab,
              });
              await held.release({ by: tab, round: i });
            }
            return out;
          },
          { tab, rounds },
        ),
      ),
    );
    const state = await pages[0]!.evaluate(async () => {
      const s = await window.leaseStore.lease('job').read();
      return s && { held: s.held, note: s.note, token: String(s.token) };
    });
    await cleanUp(pages, name);

    const all = runs.flat();
    expect(all).toHaveLength(3 * rounds);
    expect(all.filter((r) => r.overlap)).toEqual([]);
    const tokens = all.map((r) => BigInt(r.token));
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const tabRuns of runs) {
      const mine = tabRuns.map((r) => BigInt(r.token));
      expect([...mine].sort((x, y) => (x < y ? -1 : 1))).toEqual(mine);
    }
    expect(state?.held).toBe(false);
    expect(state?.note).toMatchObject({ round: rounds - 1 });
  });

  test(`a closed holder tab gives the lease up at once, before its claim expires (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('lease-closed');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    const first = await a.evaluate(async () => {
      const held = await window.leaseStore.lease('job', { holder: 'a', ttlMs: 60_000 }).acquire();
      window.held['job'] = held;
      const state = await window.leaseStore.lease('job').read();
      return { token: String(held.token), expiresAt: state!.expiresAt };
    });
    const busy = await b.evaluate(
      async () => (await window.leaseStore.lease('job').tryAcquire()) === undefined,
    );
    await a.close();
    const second = await b.evaluate(async () => {
      const held = await window.leaseStore.lease('job', { holder: 'b' }).acquire();
      const at = Date.now();
      await held.release();
      return { token: String(held.token), at };
    });
    // And a store closed in a live tab lets go the same way.
    const c = await openTab(context, name, engine);
    const dropped = await c.evaluate(async () => {
      const held = await window.leaseStore.lease('job', { holder: 'c', ttlMs: 60_000 }).acquire();
      const expiresAt = (await window.leaseStore.lease('job').read())!.expiresAt;
      await window.leaseStore.close();
      const reason = held.signal.reason as unknown;
      return {
        token: String(held.token),
        expiresAt,
        aborted: held.signal.aborted,
        code: window.larder.isStoreError(reason) ? reason.code : String(reason),
        renewed: await held.renew(),
      };
    });
    const third = await b.evaluate(async () => {
      const held = await window.leaseStore.lease('job', { holder: 'b' }).acquire();
      return { token: String(held.token), at: Date.now() };
    });
    await cleanUp([b], name);
    await c.close();

    expect(busy).toBe(true);
    expect(second.at).toBeLessThan(first.expiresAt);
    expect(BigInt(second.token)).toBeGreaterThan(BigInt(first.token));
    expect(dropped).toMatchObject({ aborted: true, code: 'closed', renewed: false });
    expect(third.at).toBeLessThan(dropped.expiresAt);
    expect(BigInt(third.token)).toBeGreaterThan(BigInt(dropped.token));
  });

  test(`bad arguments throw invalid-argument; a waiting acquire can be aborted (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('lease-args');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    const codes = await a.evaluate(async () => {
      const store = window.leaseStore;
      const codeOf = async (fn: () => unknown) => {
        try {
          await fn();
          return 'no error';
        } catch (e) {
          return window.larder.isStoreError(e) ? e.code : String(e);
        }
      };
      const held = await store.lease('job').acquire();
      window.held['job'] = held;
      return {
        emptyKey: await codeOf(() => store.lease('')),
        ttl: await codeOf(() => store.lease('k', { ttlMs: -1 })),
        holder: await codeOf(() => store.lease('k', { holder: 7 as unknown as string })),
        signal: await codeOf(() => store.lease('k').acquire({ signal: 'no' as unknown as AbortSignal })),
        note: await codeOf(() => held.release({ n: 1n })),
        stillHeld: !held.signal.aborted && (await held.renew()),
      };
    });
    const waiting = await b.evaluate(async () => {
      const controller = new AbortController();
      const lease = window.leaseStore.lease('job');
      const pending = lease.acquire({ signal: controller.signal }).then(
        () => 'acquired',
        (e: unknown) => (window.larder.isStoreError(e) ? e.code : String(e)),
      );
      controller.abort();
      return pending;
    });
    // An app's own value under a lease's consensus key is not taken for a lease.
    const foreign = await b.evaluate(async () => {
      await window.leaseStore
        .consensus()
        .compareAndSet('larder:lease:mine', undefined, { seqno: 1n, data: new Uint8Array([1]) });
      return window.leaseStore
        .lease('mine')
        .read()
        .then(
          () => 'read',
          (e: unknown) => (window.larder.isStoreError(e) ? e.code : String(e)),
        );
    });
    await cleanUp([a, b], name);

    expect(codes).toEqual({
      emptyKey: 'invalid-argument',
      ttl: 'invalid-argument',
      holder: 'invalid-argument',
      signal: 'invalid-argument',
      note: 'invalid-argument',
      stillHeld: true,
    });
    expect(waiting).toBe('aborted');
    expect(foreign).toBe('conflict');
  });
}
