import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// store.health(): the origin's storage as the browser reports it, and what the store's
// Persister data takes from counters the engine keeps, checked against sizes() (which reads
// every chunk) after writes, overwrites, removals, compaction, other tabs' writes, and a
// database written before there were counters.

test.beforeEach(async ({ page }) => {
  await openHarness(page);
});

for (const engine of ENGINES) {
  test(`kept counters match what sizes() reads, per document and for the store (${engine})`, async ({
    page,
  }) => {
    const name = uniqueName('health-counters');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
        const a = store.persister('a');
        const b = store.persister('b');
        await a.insertChanges([
          ['x', 1, bytes(100, 1)],
          ['x', 2, bytes(50, 2)],
        ]);
        await a.setDocument(bytes(300, 3));
        await a.setSyncState(bytes(4, 9), bytes(20, 4));
        await a.setSyncState(bytes(5, 9), bytes(30, 5));
        await b.insertChanges([['y', 1, bytes(7, 6)]]);
        await store.flush();
        // Overwrites and removals in later commits.
        await a.setDocument(bytes(120, 7));
        await a.setSyncState(bytes(4, 9), bytes(10, 8));
        await a.removeSyncStates([bytes(5, 9)]);
        await a.insertChanges([['x', 3, bytes(25, 9)]]);
        await store.flush();
        const health = await store.health({ docId: 'a' });
        const other = await store.health({ docId: 'b' });
        const none = await store.health({ docId: 'never-written' });
        const sizes = { a: await a.sizes(), b: await b.sizes() };
        await store.close();
        await window.larder.deleteStore(name);
        return { health, other: other.document, none: none.document, sizes };
      },
      { name, engine },
    );
    const { a, b } = out.sizes;
    expect(out.health.document).toEqual({ ...a, total: a.changes + a.document + a.syncStates });
    expect(out.other).toEqual({ ...b, total: b.changes + b.document + b.syncStates });
    expect(out.none).toEqual({ changes: 0, document: 0, syncStates: 0, total: 0 });
    expect(a).toEqual({ changes: 175, document: 120, syncStates: 10 });
    expect(out.health.store).toEqual({
      changes: a.changes + b.changes,
      document: a.document,
      syncStates: a.syncStates,
      total: a.changes + b.changes + a.document + a.syncStates,
      documents: 2,
    });
    expect(typeof out.health.origin.usage).toBe('number');
    expect(typeof out.health.origin.quota).toBe('number');
    expect(out.health.origin.available).toBe(out.health.origin.quota! - out.health.origin.usage!);
    expect(typeof out.health.origin.persisted).toBe('boolean');
    expect(typeof out.health.lowSpace).toBe('boolean');
  });

  test(`counters follow compaction and another tab's writes (${engine})`, async ({ page, context }) => {
    const name = uniqueName('health-compact');
    await page.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const doc = store.persister('doc');
        // One chunk per flush: 60, then one of removals, then 10 more. The commit that leaves
        // more than 64 chunks starts a compaction in the background, which drops the removed.
        const write = async (seq: number) => {
          await doc.insertChanges([['actor', seq, new Uint8Array(10).fill(seq)]]);
          await store.flush();
        };
        for (let seq = 0; seq < 60; seq++) await write(seq);
        await doc.removeChanges(Array.from({ length: 30 }, (_, seq) => ['actor', seq] as const));
        await store.flush();
        for (let seq = 60; seq < 70; seq++) await write(seq);
        (window as unknown as { store: typeof store }).store = store;
      },
      { name, engine },
    );
    const stored = () =>
      page.evaluate(async () => {
        const store = (window as unknown as { store: import('../src/index.js').Store }).store;
        return (await store.health({ docId: 'doc' })).document!.changes;
      });
    // 700 bytes were stored; the removed changes take their space until compaction drops them
    // (no read needed: the commits start it), and then the counters say so: 40 changes of 10 bytes.
    await expect.poll(stored).toBe(400);

    const other = await context.newPage();
    await openHarness(other);
    await other.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        await store.persister('doc').setDocument(new Uint8Array(1000));
        await store.persister('second').insertChanges([['b', 1, new Uint8Array(5)]]);
        await store.close();
      },
      { name, engine },
    );
    const after = await page.evaluate(async (name) => {
      const store = (window as unknown as { store: import('../src/index.js').Store }).store;
      const health = await store.health({ docId: 'doc' });
      const sizes = await store.persister('doc').sizes();
      await store.close();
      await window.larder.deleteStore(name);
      return { health, sizes };
    }, name);
    expect(after.health.document).toEqual({ changes: 400, document: 1000, syncStates: 0, total: 1400 });
    expect(after.sizes).toEqual({ changes: 400, document: 1000, syncStates: 0 });
    expect(after.health.store).toMatchObject({ changes: 405, document: 1000, documents: 2, total: 1405 });
  });

  test(`a database written before counters is counted once, on upgrade (${engine})`, async ({ page }) => {
    const name = uniqueName('health-upgrade');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        // larder's schema v5, as that version laid it out, with data of two documents.
        await new Promise<void>((resolve, reject) => {
          const req = indexedDB.open(`larder:${name}`, 5);
          req.onupgradeneeded = () => {
            const db = req.result;
            const changes = db.createObjectStore('changes', { keyPath: 'id', autoIncrement: true });
            changes.createIndex('doc', 'doc');
            changes.add({
              doc: 'old',
              actors: ['a'],
              putActors: new Uint32Array([0, 0]),
              putSeqs: new Float64Array([1, 2]),
              putEnds: new Uint32Array([30, 50]),
              bytes: new Uint8Array(50).fill(1),
              delActors: new Uint32Array(0),
              delSeqs: new Float64Array(0),
            });
            db.createObjectStore('documents').put(new Uint8Array(80), 'old');
            db.createObjectStore('syncStates').put(new Uint8Array(12), ['other', new Uint8Array([1]).buffer]);
            for (const store of ['consensus', 'consensusKeys', 'logState', 'logEntries', 'tables']) {
              db.createObjectStore(store);
            }
            const ops = db.createObjectStore('ops');
            ops.createIndex('stored', ['space', 'storedAt']);
            ops.createIndex('loc', ['space', 'loc', 'storedAt']);
            for (const store of ['opData', 'sliceHashes', 'meta']) db.createObjectStore(store);
            db.createObjectStore('keyValues', { keyPath: 'key' });
          };
          req.onsuccess = () => {
            req.result.close();
            resolve();
          };
          req.onerror = () => reject(req.error ?? new Error('open failed'));
        });
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const health = await store.health({ docId: 'old' });
        const sizes = await store.persister('old').sizes();
        // Written after the upgrade: counted as it is written.
        await store.persister('old').insertChanges([['a', 3, new Uint8Array(5)]]);
        await store.flush();
        const later = await store.health({ docId: 'old' });
        await store.close();
        await window.larder.deleteStore(name);
        return { health, sizes, later };
      },
      { name, engine },
    );
    expect(out.sizes).toEqual({ changes: 50, document: 80, syncStates: 0 });
    expect(out.health.document).toEqual({ changes: 50, document: 80, syncStates: 0, total: 130 });
    expect(out.health.store).toEqual({ changes: 50, document: 80, syncStates: 12, total: 142, documents: 2 });
    expect(out.later.document).toEqual({ changes: 55, document: 80, syncStates: 0, total: 135 });
  });

  test(`canFit, requestPersistence and bad arguments (${engine})`, async ({ page }) => {
    const name = uniqueName('health-fit');
    const out = await page.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, { engine: engine as 'worker' | 'inline' });
        const { origin } = await store.health();
        const codeOf = (p: Promise<unknown>) =>
          p.then(
            () => 'resolved',
            (e: unknown) => (window.larder.isStoreError(e) ? e.code : String(e)),
          );
        const out = {
          small: await store.canFit(1024),
          tooBig: await store.canFit(origin.available! + 1),
          persisted: typeof (await store.requestPersistence()),
          negative: await codeOf(store.canFit(-1)),
          fraction: await codeOf(store.canFit(1.5)),
          badDocId: await codeOf(store.health({ docId: 5 as unknown as string })),
          badOptions: await codeOf(store.health('doc' as unknown as { docId: string })),
        };
        await store.close();
        const closed = await codeOf(store.health());
        await window.larder.deleteStore(name);
        return { ...out, closed };
      },
      { name, engine },
    );
    expect(out).toEqual({
      small: true,
      tooBig: false,
      persisted: 'boolean',
      negative: 'invalid-argument',
      fraction: 'invalid-argument',
      badDocId: 'invalid-argument',
      badOptions: 'invalid-argument',
      closed: 'closed',
    });
  });
}
