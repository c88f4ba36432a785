import { expect, test } from '@playwright/test';
import { SCHEMA_VERSION } from '../src/engine/schema.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// A second tab opens the database with a newer schema version, as a newer larder would after
// a deploy. The old tab must flush its buffered writes and step aside, not lose them, and must
// not leave the new tab blocked.

for (const engine of ENGINES) {
  test(`a newer schema version in another tab gets the old tab's pending writes (${engine})`, async ({
    context,
  }) => {
    const name = uniqueName('vchange');
    const oldTab = await context.newPage();
    await openHarness(oldTab);
    const pending = await oldTab.evaluate(
      async ({ name, engine }) => {
        const store = await window.larder.openStore(name, {
          engine,
          writeBehind: { maxDelayMs: 600_000, maxBytes: 1 << 30 },
          flushOnHide: false,
        });
        (window as unknown as { store: typeof store }).store = store;
        const p = store.persister('doc');
        const batch: Array<[string, number, Uint8Array]> = [];
        for (let i = 0; i < 100; i++) batch.push(['a', i, new Uint8Array([i, i, i])]);
        await p.insertChanges(batch);
        await p.setDocument(new Uint8Array([9, 9]));
        return (await store.stats()).pendingBytes;
      },
      { name, engine },
    );
    expect(pending).toBe(302);

    const newTab = await context.newPage();
    await openHarness(newTab);
    const seenByNewVersion = await newTab.evaluate(
      async ({ dbName, version }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open(dbName, version);
          req.onupgradeneeded = () => req.result.createObjectStore('addedByNewerVersion');
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
          req.onblocked = () => reject(new Error('blocked'));
        });
        const tx = db.transaction(['changes', 'documents'], 'readonly');
        const get = <T>(r: IDBRequest<T>) =>
          new Promise<T>(
            (resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = reject)),
          );
        const chunks = await get(tx.objectStore('changes').getAll());
        const doc = await get(tx.objectStore('documents').get('doc'));
        db.close();
        const changes = chunks.reduce((n: number, c: { putSeqs: Float64Array }) => n + c.putSeqs.length, 0);
        // A document is stored with its checksum: `{ bytes, crc }`.
        return { version: db.version, changes, doc: Array.from((doc as { bytes: Uint8Array }).bytes) };
      },
      { dbName: `larder:${name}`, version: SCHEMA_VERSION + 1 },
    );
    expect(seenByNewVersion).toEqual({ version: SCHEMA_VERSION + 1, changes: 100, doc: [9, 9] });

    // The old tab reopens on next use and keeps working on the upgraded database.
    const after = await oldTab.evaluate(async () => {
      const store = (window as unknown as { store: Awaited<ReturnType<typeof window.larder.openStore>> })
        .store;
      const p = store.persister('doc');
      await p.insertChanges([['b', 1, new Uint8Array([7])]]);
      await store.flush();
      const changes = await p.getChanges();
      const pendingBytes = (await store.stats()).pendingBytes;
      await store.close();
      return { count: changes.length, pendingBytes };
    });
    expect(after).toEqual({ count: 101, pendingBytes: 0 });
    await oldTab.evaluate((name) => window.larder.deleteStore(name), name);
  });
}

for (const engine of ENGINES) {
  test(`openStore rejects with 'blocked', not hang, when an old connection will not close; the upgrade keeps v1 data (${engine})`, async ({
    page,
  }) => {
    await openHarness(page);
    const name = uniqueName('blocked');
    const result = await page.evaluate(
      async ({ name, engine }) => {
        // A store as larder's schema version 1 laid it out, with a document in it, held by a
        // connection that ignores versionchange (an old page that never learned to close).
        const old = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open(`larder:${name}`, 1);
          req.onupgradeneeded = () => {
            const db = req.result;
            db.createObjectStore('changes', { keyPath: 'id', autoIncrement: true }).createIndex('doc', 'doc');
            db.createObjectStore('documents').put(new Uint8Array([5]), 'from-v1');
            db.createObjectStore('syncStates');
          };
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        let code: string;
        try {
          await window.larder.openStore(name, { engine });
          code = 'opened';
        } catch (e) {
          code = window.larder.isStoreError(e) ? e.code : String(e);
        }
        old.close();
        // Once the old connection is gone, the store opens and upgrades.
        const store = await window.larder.openStore(name, { engine });
        const p = store.persister('d');
        await p.setDocument(new Uint8Array([1]));
        await store.flush();
        const doc = Array.from((await p.getDocument()) ?? []);
        // The upgrade to the current version kept what version 1 stored.
        const fromV1 = Array.from((await store.persister('from-v1').getDocument()) ?? []);
        await store.close();
        await window.larder.deleteStore(name);
        return { code, doc, fromV1 };
      },
      { name, engine },
    );
    expect(result).toEqual({ code: 'blocked', doc: [1], fromV1: [5] });
  });
}
