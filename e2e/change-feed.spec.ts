import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';
import { installFeedRecorder } from './support/feed-page.js';
import { installOpFixtures } from './support/op-fixtures.js';

// A worker's start is not what these tests are about; on a loaded machine (a CI runner, agents
// sharing two cores) it can take longer than the default 2 s.
const START_MS = 20_000;

// Change feeds across real tabs: pages of one browser context, each with its own store (with
// the worker engine, its own worker) on one database, hearing each other's commits.

const PEER = '6f2b4a9e-1c3d-4e5f-8a7b-9c0d1e2f3a4b';

async function openTab(context: BrowserContext, name: string, engine: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(installFeedRecorder);
  await page.addInitScript(installOpFixtures);
  await openHarness(page);
  await page.evaluate(
    async ({ name, engine, startTimeoutMs }) => {
      window.stores['main'] = await window.larder.openStore(name, {
        engine: engine as 'worker' | 'inline',
        startTimeoutMs,
      });
    },
    { name, engine, startTimeoutMs: START_MS },
  );
  return page;
}

async function closeTabs(pages: Page[], name: string): Promise<void> {
  const open = pages.filter((p) => !p.isClosed());
  await Promise.all(
    open.map((p) => p.evaluate(() => Promise.all(Object.values(window.stores).map((s) => s.close())))),
  );
  await open[0]?.evaluate((name) => window.larder.deleteStore(name), name);
  await Promise.all(open.map((p) => p.close()));
}

for (const engine of ENGINES) {
  test(`a commit is heard in this tab and in another, naming what it changed (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('feed-all');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    await a.evaluate(() => void window.recordFeed(window.stores['main']!, 'a'));
    await b.evaluate(() => void window.recordFeed(window.stores['main']!, 'b'));

    await a.evaluate(async (peer) => {
      const store = window.stores['main']!;
      const doc = store.persister('doc-1');
      await doc.insertChanges([['actor', 1, new Uint8Array([1, 2, 3])]]);
      await doc.setDocument(new Uint8Array([9]));
      await store.keySpace('space').put(['dir', 'file'], new Uint8Array([4]));
      await store.flush();
      await store.consensus().compareAndSet('counter', undefined, { seqno: 3n, data: new Uint8Array([1]) });
      const log = await store.logTracker('log');
      const batch = store.batch().put('settings', 'theme', 'dark');
      log.trackOne(peer, 0n, 1n, undefined, { op: 1 }, batch);
      await batch.commit();
      const w = await store.logState().writeOps('witness');
      await w.set(new Uint8Array([7]));
      const fx = window.opFx;
      await store.opStore('dht').processIncomingOps([fx.op(fx.idAt(5, 1), 1000)]);
      await doc.setSyncState(new Uint8Array([0xaa]), new Uint8Array([1]));
      await store.flush();
    }, PEER);
    // Everything above has committed; wait for the last commit's notice in both tabs.
    const heard = (recorder: string) =>
      (recorder === 'a' ? a : b).evaluate(async (recorder) => {
        await window.awaitFeed(recorder, (c) => c.documents.some(([, d]) => d.syncStates));
        return window.feeds[recorder]!;
      }, recorder);
    const [inA, inB] = [await heard('a'), await heard('b')];
    await closeTabs([a, b], name);

    for (const [feed, local] of [
      [inA, true],
      [inB, false],
    ] as const) {
      expect(feed.every((c) => c.local === local)).toBe(true);
      const docs = feed.flatMap((c) => c.documents);
      expect(docs.some(([id, d]) => id === 'doc-1' && d.changes && d.document)).toBe(true);
      expect(docs.some(([id, d]) => id === 'doc-1' && d.syncStates)).toBe(true);
      expect(feed.flatMap((c) => c.consensus)).toEqual([['counter', '3']]);
      expect(feed.flatMap((c) => c.keySpaces)).toEqual([['space', [['dir', 'file']]]]);
      expect(feed.flatMap((c) => c.logs)).toEqual(['log']);
      expect(feed.flatMap((c) => c.tables)).toEqual(['settings']);
      expect(feed.flatMap((c) => c.logStates)).toEqual(['witness']);
      expect(feed.flatMap((c) => c.opSpaces)).toEqual(['dht']);
    }
  });

  test(`each contract's subscribe hears its own target only, until unsubscribed (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('feed-contract');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    await b.evaluate(() => {
      const store = window.stores['main']!;
      const heard: string[] = [];
      (window as unknown as { heard: string[] }).heard = heard;
      const stops = [
        store
          .persister('mine')
          .subscribe((c) => heard.push(`doc changes=${c.changes} document=${c.document}`)),
        store.consensus().subscribe((c) => heard.push(`cas ${c.key}@${c.seqno}`)),
        store.keySpace('ks').subscribe((c) => heard.push(`ks ${JSON.stringify(c.prefixes)}`)),
        store.table('t').subscribe(() => heard.push('table t')),
        store.opStore('dht').subscribe(() => heard.push('ops dht')),
        store.logState().subscribe((c) => heard.push(`checkpoint ${c.logId}`)),
      ];
      (window as unknown as { stops: Array<() => void> }).stops = stops;
      void window.recordFeed(store, 'all');
    });
    await b.evaluate(async () => {
      (window as unknown as { log: unknown }).log = await window.stores['main']!.logTracker('lg');
    });
    await b.evaluate(() => {
      const log = (window as unknown as { log: { subscribe(l: () => void): () => void } }).log;
      const heard = (window as unknown as { heard: string[] }).heard;
      (window as unknown as { stops: Array<() => void> }).stops.push(
        log.subscribe(() => heard.push('log lg')),
      );
    });

    const writeRound = (round: number) =>
      a.evaluate(
        async ({ round, peer }) => {
          const store = window.stores['main']!;
          // Targets the subscriptions do not name, then the ones they do.
          await store.persister('other').insertChanges([['x', round, new Uint8Array([1])]]);
          await store.keySpace('other-ks').put(['k'], new Uint8Array([1]));
          await store.flush();
          await store.persister('mine').insertChanges([['x', round, new Uint8Array([1])]]);
          await store.keySpace('ks').put(['a', String(round)], new Uint8Array([1]));
          await store.flush();
          const c = store.consensus();
          await c.compareAndSet('k', round === 1 ? undefined : BigInt(round - 1), {
            seqno: BigInt(round),
            data: new Uint8Array([round]),
          });
          await store.batch().put('t', round, 'v').put('not-t', round, 'v').commit();
          const log = await store.logTracker('lg');
          const batch = store.batch();
          log.trackOne(peer, BigInt(round), 1n, undefined, round, batch);
          await batch.commit();
          const fx = window.opFx;
          await store.opStore('dht').processIncomingOps([fx.op(fx.idAt(round, round), 1000 + round)]);
          await store.opStore('other-dht').processIncomingOps([fx.op(fx.idAt(round, round), 1000 + round)]);
          const w = await store.logState().writeOps('cp');
          await w.set(new Uint8Array([round]));
          // A marker that every subscription above ignores: once it is heard, all before it was.
          await store.consensus().compareAndSet(`marker-${round}`, undefined, {
            seqno: 1n,
            data: new Uint8Array([0]),
          });
        },
        { round, peer: PEER },
      );
    const awaitMarker = (round: number) =>
      b.evaluate(async (round) => {
        await window.awaitFeed('all', (c) => c.consensus.some(([k]) => k === `marker-${round}`));
        return [...(window as unknown as { heard: string[] }).heard];
      }, round);

    await writeRound(1);
    const first = await awaitMarker(1);
    await b.evaluate(() => (window as unknown as { stops: Array<() => void> }).stops.forEach((s) => s()));
    await writeRound(2);
    const second = await awaitMarker(2);
    await closeTabs([a, b], name);

    expect(first.filter((h) => !h.startsWith('cas marker'))).toEqual([
      'doc changes=true document=false',
      'ks [["a","1"]]',
      'cas k@1',
      'table t',
      'log lg',
      'ops dht',
      'checkpoint cp',
    ]);
    expect(first.filter((h) => h.startsWith('cas marker'))).toEqual(['cas marker-1@1']);
    // Unsubscribed: round 2 added nothing.
    expect(second).toEqual(first);
  });

  test(`no notice for a failed or rolled-back write, nor a mismatched compare-and-set (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('feed-rollback');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    await b.evaluate(() => void window.recordFeed(window.stores['main']!, 'b'));
    const results = await a.evaluate(async (peer) => {
      const store = window.stores['main']!;
      const c = store.consensus();
      await c.compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) });
      const log = await store.logTracker('lg');
      const first = store.batch();
      log.trackOne(peer, 0n, 1n, undefined, 'first', first);
      await first.commit();
      await c.compareAndSet('marker-1', undefined, { seqno: 1n, data: new Uint8Array([0]) });
      // Each of these fails or changes nothing.
      const mismatch = await c.compareAndSet('k', undefined, { seqno: 2n, data: new Uint8Array([2]) });
      // A duplicate (peer, entryIdx) fails the whole batch, its table write too.
      const dup = store.batch().put('rolled-back', 1, 'v');
      log.trackOne(peer, 0n, 1n, undefined, 'again', dup);
      const conflict = await dup.commit().then(
        () => 'committed',
        (e: unknown) => (window.larder.isStoreError(e, 'conflict') ? 'conflict' : String(e)),
      );
      await c.compareAndSet('marker-2', undefined, { seqno: 1n, data: new Uint8Array([0]) });
      return { mismatch, conflict };
    }, PEER);
    const feed = await b.evaluate(async () => {
      await window.awaitFeed('b', (c) => c.consensus.some(([k]) => k === 'marker-2'));
      return window.feeds['b']!;
    });
    const table = await b.evaluate(() => window.stores['main']!.table('rolled-back').getAll());
    await closeTabs([a, b], name);

    expect(results).toEqual({ mismatch: 'expectation-mismatch', conflict: 'conflict' });
    expect(table).toEqual([]);
    const marker1 = feed.findIndex((c) => c.consensus.some(([k]) => k === 'marker-1'));
    const before = feed.slice(0, marker1 + 1);
    const since = feed.slice(marker1 + 1);
    expect(before.flatMap((c) => c.consensus)).toEqual([
      ['k', '1'],
      ['marker-1', '1'],
    ]);
    expect(before.flatMap((c) => c.logs)).toEqual(['lg']);
    // After marker-1, only marker-2: the failed writes were never announced.
    expect(since).toHaveLength(1);
    expect(since[0]).toMatchObject({ consensus: [['marker-2', '1']], logs: [], tables: [] });
  });

  test(`a burst of concurrent commits is coalesced into fewer notices (${engine})`, async ({ context }) => {
    const name = uniqueName('feed-burst');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    await b.evaluate(() => void window.recordFeed(window.stores['main']!, 'b'));
    const n = 50;
    await a.evaluate(async (n) => {
      const c = window.stores['main']!.consensus();
      // Started together: each is its own transaction, all in flight at once.
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          c.compareAndSet(`key-${i}`, undefined, { seqno: BigInt(i + 1), data: new Uint8Array([i]) }),
        ),
      );
      await c.compareAndSet('marker', undefined, { seqno: 1n, data: new Uint8Array([0]) });
    }, n);
    const feed = await b.evaluate(async () => {
      await window.awaitFeed('b', (c) => c.consensus.some(([k]) => k === 'marker'));
      return window.feeds['b']!;
    });
    await closeTabs([a, b], name);

    const keys = new Map(feed.flatMap((c) => c.consensus));
    expect(keys.size).toBe(n + 1);
    for (let i = 0; i < n; i++) expect(keys.get(`key-${i}`)).toBe(String(i + 1));
    // One notice per commit would be n + 1.
    expect(feed.length).toBeLessThan(n);
  });

  test(`a tab that opens after a write hears no stale notice, only later commits (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('feed-late');
    const a = await openTab(context, name, engine);
    await a.evaluate(async () => {
      const store = window.stores['main']!;
      await store.persister('early').insertChanges([['x', 1, new Uint8Array([1])]]);
      await store.flush();
      await store.consensus().compareAndSet('early', undefined, { seqno: 1n, data: new Uint8Array([1]) });
    });
    const late = await openTab(context, name, engine);
    await late.evaluate(() => void window.recordFeed(window.stores['main']!, 'late'));
    await a.evaluate(() =>
      window.stores['main']!.consensus().compareAndSet('later', undefined, {
        seqno: 1n,
        data: new Uint8Array([2]),
      }),
    );
    const feed = await late.evaluate(async () => {
      await window.awaitFeed('late', (c) => c.consensus.length > 0);
      return window.feeds['late']!;
    });
    // The data written before is there to read; no notice announced it.
    const early = await late.evaluate(
      async () => (await window.stores['main']!.consensus().head('early'))?.seqno,
    );
    await closeTabs([a, late], name);

    expect(early).toBe(1n);
    expect(feed).toHaveLength(1);
    expect(feed[0]).toMatchObject({ local: false, consensus: [['later', '1']], documents: [] });
  });

  test(`a closed store hears nothing and lets go; a closed tab does not stop the others (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('feed-close');
    const a = await openTab(context, name, engine);
    const b = await openTab(context, name, engine);
    const c = await openTab(context, name, engine);
    const refused = await b.evaluate(
      async ({ name, engine, startTimeoutMs }) => {
        const open = async () =>
          window.larder.openStore(name, { engine: engine as 'worker' | 'inline', startTimeoutMs });
        window.stores['second'] = await open();
        void window.recordFeed(window.stores['main']!, 'closing');
        void window.recordFeed(window.stores['second'], 'open');
        await window.stores['main']!.close();
        const codeOf = (fn: () => unknown) => {
          try {
            fn();
            return 'no error';
          } catch (e) {
            return window.larder.isStoreError(e) ? e.code : String(e);
          }
        };
        return {
          closed: codeOf(() => window.stores['main']!.subscribe(() => undefined)),
          notAFunction: codeOf(() => window.stores['second']!.subscribe(42 as unknown as () => void)),
          persisterNotAFunction: codeOf(() =>
            window.stores['second']!.persister('d').subscribe('x' as unknown as () => void),
          ),
        };
      },
      { name, engine, startTimeoutMs: START_MS },
    );
    await c.evaluate(() => void window.recordFeed(window.stores['main']!, 'c'));
    await a.evaluate(() =>
      window.stores['main']!.consensus().compareAndSet('while-b', undefined, {
        seqno: 1n,
        data: new Uint8Array([1]),
      }),
    );
    const inB = await b.evaluate(async () => {
      // The open store of this tab heard it; the closed one, in the same tab, did not.
      await window.awaitFeed('open', (x) => x.consensus.some(([k]) => k === 'while-b'));
      return { open: window.feeds['open']!.length, closing: window.feeds['closing']!.length };
    });
    // Tab b goes away without closing its open store; tabs a and c carry on.
    await b.close();
    await a.evaluate(() =>
      window.stores['main']!.consensus().compareAndSet('after-b', undefined, {
        seqno: 1n,
        data: new Uint8Array([1]),
      }),
    );
    const inC = await c.evaluate(async () => {
      await window.awaitFeed('c', (x) => x.consensus.some(([k]) => k === 'after-b'));
      return window.feeds['c']!.flatMap((x) => x.consensus.map(([k]) => k));
    });
    await closeTabs([a, c], name);

    expect(refused).toEqual({
      closed: 'closed',
      notAFunction: 'invalid-argument',
      persisterNotAFunction: 'invalid-argument',
    });
    expect(inB).toEqual({ open: 1, closing: 0 });
    expect(inC).toEqual(['while-b', 'after-b']);
  });
}
