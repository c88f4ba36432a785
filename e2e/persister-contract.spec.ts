/**
 * What the Persister contract's tests need beyond larder's public API, run over every engine:
 * raw looks at larder's IndexedDB records (commits, coalescing, compaction), which thread opens
 * IndexedDB, stores on a Worker or MessagePort of the caller's, and deleteStore held up by a
 * raw connection. The contract itself runs from `larder-kit/testing`
 * (src/testing/persister-contract.ts and store-contract.ts) over four engine kinds in
 * contracts.spec.ts. Everything runs inside the page; each test returns plain data and asserts
 * here.
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from './support/harness.js';
import { expectedSnapshot, openPersisterPage, sortLists } from './support/persister-fixture.js';

/** Write-behind that never fires by itself within a test: only flush() and close() commit. */
const HOLD = { maxDelayMs: 60_000, maxBytes: 64 * 1024 * 1024 };

const EMPTY = expectedSnapshot({});

for (const engine of ENGINES) {
  test.describe(`Persister contract, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openPersisterPage(page));

    // The rest of this test (the bytes each flush reports, what a second store of the name
    // reads) is a case of the kit's store contract (src/testing/store-contract.ts, same title,
    // run by contracts.spec.ts): here, the records the flush committed, counted raw.
    test('flush() returns the bytes it committed, 0 when nothing is pending, and the data is in IndexedDB', async ({
      page,
    }) => {
      const counts = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const p = store.persister('doc');
          await p.insertChanges([
            ['a', 1, pp.bytes(1, 2, 3)],
            ['a', 2, pp.bytes(4, 5, 6, 7)],
          ]);
          await p.setDocument(pp.bytes(1, 2, 3, 4, 5));
          await p.setSyncState(pp.bytes(1), pp.bytes(1, 2));
          await store.persister('other').insertChanges([['b', 1, new Uint8Array(1000).fill(1)]]);
          await p.flush();
          const counts = {
            changes: await pp.rawCount(name, 'changes'),
            documents: await pp.rawCount(name, 'documents'),
            syncStates: await pp.rawCount(name, 'syncStates'),
          };
          await pp.cleanup(name, store);
          return counts;
        },
        { name: uniqueName('flush'), engine, hold: HOLD },
      );
      expect(counts.changes).toBeGreaterThan(0);
      expect(counts.documents).toBe(1);
      expect(counts.syncStates).toBe(1);
    });

    test('many small insertChanges calls coalesce into few records', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const p = store.persister('doc');
          const n = 1000;
          for (let i = 0; i < n; i++) {
            await p.insertChanges([['actor', i, pp.bytes(i & 0xff, i >> 8, 7, 7, 7, 7, 7, 7)]]);
          }
          const flushed = await store.flush();
          const records = await pp.rawCount(name, 'changes');
          const second = await pp.open(name, 'inline');
          const changes = await second.persister('doc').getChanges();
          const distinct = new Set(changes.map((c) => `${c[0]}.${c[1]}`)).size;
          await second.close();
          await pp.cleanup(name, store);
          return { flushed, records, count: changes.length, distinct };
        },
        { name: uniqueName('coalesce'), engine, hold: HOLD },
      );
      expect(out.flushed).toBeGreaterThanOrEqual(8000);
      expect(out.count).toBe(1000);
      expect(out.distinct).toBe(1000);
      expect(out.records).toBeGreaterThan(0);
      expect(out.records).toBeLessThanOrEqual(10);
    });

    test('compaction after many flushes keeps getChanges exact and drops the chunk count', async ({
      page,
    }) => {
      const name = uniqueName('compact');
      const first = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          pp.kept.set(name, store);
          const p = store.persister('doc');
          await store.persister('other').insertChanges([['o', 1, pp.bytes(77)]]);
          const model = new Map<string, Uint8Array>();
          for (let r = 0; r < 70; r++) {
            const batch: Array<[string, number, Uint8Array]> = [];
            for (let i = 0; i < 10; i++) batch.push([`r${r}`, i, pp.bytes(r, i, 1)]);
            await p.insertChanges(batch);
            for (const [a, s, v] of batch) model.set(`${a}/${s}`, v);
            if (r > 0) {
              const gone: Array<[string, number]> = [0, 1, 2, 3, 4].map((i) => [`r${r - 1}`, i]);
              await p.removeChanges(gone);
              for (const [a, s] of gone) model.delete(`${a}/${s}`);
            }
            if (r > 1) {
              await p.insertChanges([[`r${r - 2}`, 9, pp.bytes(r, 99, 99, 99)]]);
              model.set(`r${r - 2}/9`, pp.bytes(r, 99, 99, 99));
            }
            await store.flush();
          }
          return { expected: pp.sorted([...model.values()]) };
        },
        { name, engine, hold: HOLD },
      );
      // Rounds 0..68 keep seqs 5..9 (the next round removes 0..4); round 69 keeps all ten.
      expect(first.expected.length).toBe(69 * 5 + 10);
      // 70 flushes of 'doc' wrote 70 chunks (and 'other' one): the commits themselves started
      // compaction (nothing read), so the count falls to compaction's limit of 64 or below.
      await expect
        .poll(() => page.evaluate((name) => window.pp.rawCount(name, 'changes'), name), { timeout: 15_000 })
        .toBeLessThanOrEqual(64);
      const after = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          const store = pp.kept.get(name);
          if (store === undefined) throw new Error('store not kept');
          const p = store.persister('doc');
          const compacted = pp.sorted(await p.getChanges());
          const sizes = await p.sizes();
          // Writes after compaction land on top of the rewritten chunks.
          await p.removeChanges([['r69', 0]]);
          await p.insertChanges([['r0', 9, pp.bytes(1, 2, 3)]]);
          await store.close();
          pp.kept.delete(name);
          const again = await pp.open(name, engine);
          const reopened = pp.sorted(await again.persister('doc').getChanges());
          const other = pp.sorted(await again.persister('other').getChanges());
          await pp.cleanup(name, again);
          return { compacted, sizes, reopened, other };
        },
        { name, engine },
      );
      expect(after.compacted).toEqual(first.expected);
      expect(after.sizes.changes).toBe(first.expected.reduce((n, c) => n + c.length, 0));
      const changed = first.expected
        .filter((c) => !(c[0] === 69 && c[1] === 0 && c.length === 3))
        .filter((c) => !(c.length === 4 && c[0] === 2 && c[1] === 99))
        .concat([[1, 2, 3]]);
      expect(changed).toHaveLength(first.expected.length - 1);
      expect(after.reopened).toEqual(sortLists(changed));
      expect(after.other).toEqual([[77]]);
    });

    test('reads never write: a document of 70 chunks reads without compacting, and its next commit compacts it', async ({
      page,
    }) => {
      const name = uniqueName('read-only');
      const read = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const first = await pp.open(name, engine, { writeBehind: hold });
          await first.persister('doc').insertChanges([['a', 1, pp.bytes(1, 2, 3)]]);
          await first.flush();
          await first.close();
          // More chunks than compaction tolerates, which no commit made: copies of that chunk.
          await pp.rawCopyChunk(name, 69);
          const before = await pp.rawText(name, 'changes');
          const store = await pp.open(name, engine, { writeBehind: hold });
          pp.kept.set(name, store);
          const p = store.persister('doc');
          const changes = pp.sorted(await p.getChanges());
          const sizes = await p.sizes();
          // Time for a compaction that a read might have started to commit.
          await new Promise((r) => setTimeout(r, 1500));
          return { changes, sizes, unchanged: (await pp.rawText(name, 'changes')) === before };
        },
        { name, engine, hold: HOLD },
      );
      expect(read.changes).toEqual([[1, 2, 3]]);
      expect(read.sizes.changes).toBe(3);
      expect(read.unchanged).toBe(true);
      expect(await page.evaluate((name) => window.pp.rawCount(name, 'changes'), name)).toBe(70);

      await page.evaluate(
        async ({ name }) => {
          const { pp } = window;
          const store = pp.kept.get(name);
          if (store === undefined) throw new Error('store not kept');
          await store.persister('doc').insertChanges([['a', 2, pp.bytes(4)]]);
          await store.flush();
        },
        { name },
      );
      await expect
        .poll(() => page.evaluate((name) => window.pp.rawCount(name, 'changes'), name), { timeout: 15_000 })
        .toBeLessThanOrEqual(2);
      const after = await page.evaluate(
        async ({ name }) => {
          const { pp } = window;
          const store = pp.kept.get(name);
          if (store === undefined) throw new Error('store not kept');
          const changes = pp.sorted(await store.persister('doc').getChanges());
          pp.kept.delete(name);
          await pp.cleanup(name, store);
          return changes;
        },
        { name },
      );
      expect(after).toEqual([[1, 2, 3], [4]]);
    });

    test('compaction after many dead bytes keeps getChanges exact', async ({ page }) => {
      const name = uniqueName('dead');
      const first = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          pp.kept.set(name, store);
          const p = store.persister('doc');
          const big: Array<[string, number, Uint8Array]> = [];
          for (let i = 0; i < 20; i++) big.push(['a', i, new Uint8Array(100 * 1024).fill(i)]);
          await p.insertChanges(big);
          await store.flush();
          await p.removeChanges(big.slice(1).map(([a, s]): [string, number] => [a, s]));
          await p.insertChanges([['b', 1, pp.bytes(5)]]);
          await store.flush();
          const lengths = (await p.getChanges()).map((c) => [c.byteLength, c[0]]);
          return { lengths };
        },
        { name, engine, hold: HOLD },
      );
      expect(first.lengths.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
        [1, 5],
        [100 * 1024, 0],
      ]);
      // The two flushes wrote two chunks, the first now 95% dead: the commit that removed the
      // changes started a compaction, which leaves one chunk with the two live changes.
      await expect
        .poll(() => page.evaluate((name) => window.pp.rawCount(name, 'changes'), name), { timeout: 15_000 })
        .toBe(1);
      const after = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          const store = pp.kept.get(name);
          if (store === undefined) throw new Error('store not kept');
          await store.close();
          pp.kept.delete(name);
          const again = await pp.open(name, engine);
          const p = again.persister('doc');
          const lengths = (await p.getChanges()).map((c) => [c.byteLength, c[0], c[c.byteLength - 1]]);
          const sizes = await p.sizes();
          await pp.cleanup(name, again);
          return { lengths, sizes };
        },
        { name, engine },
      );
      expect(after.lengths.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
        [1, 5, 5],
        [100 * 1024, 0, 0],
      ]);
      expect(after.sizes).toEqual({ changes: 100 * 1024 + 1, document: 0, syncStates: 0 });
    });

    // The rest of this test (the data is gone for a store opened after it, and the store that
    // was open rejects 'storage-lost') is a case of the kit's store contract
    // (src/testing/store-contract.ts, same title): here, the database itself, seen raw.
    test('deleteStore removes the data and makes an open store of the name let go', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const p = store.persister('doc');
          await p.insertChanges([['a', 1, pp.bytes(1)]]);
          await p.setDocument(pp.bytes(2));
          await p.setSyncState(pp.bytes(3), pp.bytes(4));
          await store.flush();
          await p.insertChanges([['a', 2, pp.bytes(5)]]); // still buffered
          const existedBefore = await pp.exists(`larder:${name}`);
          const deleted = await pp.outcome(() => window.larder.deleteStore(name));
          const existsAfter = await pp.exists(`larder:${name}`);
          await pp.cleanup(name, store);
          return { existedBefore, deleted: deleted.code, existsAfter };
        },
        { name: uniqueName('delete'), engine, hold: HOLD },
      );
      expect(out.existedBefore).toBe(true);
      expect(out.deleted).toBe('ok');
      expect(out.existsAfter).toBe(false);
    });

    test(`IndexedDB runs ${engine === 'worker' ? 'only in the worker' : 'in the calling thread'}`, async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp } = window;
          let opens = 0;
          let transactions = 0;
          const open = IDBFactory.prototype.open;
          const transaction = IDBDatabase.prototype.transaction;
          IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
            opens += 1;
            return open.apply(this, args);
          };
          IDBDatabase.prototype.transaction = function (
            this: IDBDatabase,
            ...args: Parameters<IDBDatabase['transaction']>
          ) {
            transactions += 1;
            return transaction.apply(this, args);
          };
          try {
            const store = await pp.open(name, engine);
            const p = store.persister('doc');
            await p.insertChanges([['a', 1, pp.bytes(1)]]);
            await p.setDocument(pp.bytes(2));
            await store.flush();
            const changes = pp.sorted(await p.getChanges());
            await store.close();
            return { opens, transactions, changes };
          } finally {
            IDBFactory.prototype.open = open;
            IDBDatabase.prototype.transaction = transaction;
            await pp.cleanup(name);
          }
        },
        { name: uniqueName('thread'), engine },
      );
      expect(out.changes).toEqual([[1]]);
      if (engine === 'worker') {
        expect(out).toEqual({ opens: 0, transactions: 0, changes: [[1]] });
      } else {
        expect(out.opens).toBeGreaterThan(0);
        expect(out.transactions).toBeGreaterThan(0);
      }
    });
  });
}

for (const kind of ['own-worker', 'message-port'] as const) {
  test(`a store on ${kind === 'own-worker' ? 'a Worker the caller started' : 'a MessagePort'} works the same`, async ({
    page,
  }) => {
    await openPersisterPage(page);
    const out = await page.evaluate(
      async ({ name, kind, hold }) => {
        const { pp } = window;
        const store = await pp.open(name, kind, { writeBehind: hold });
        const p = store.persister('doc');
        await p.insertChanges([
          ['a', 1, pp.bytes(1)],
          ['a', 1, pp.bytes(1, 1)],
          ['a', 2, pp.bytes(2)],
        ]);
        await p.removeChanges([['a', 2]]);
        await p.setDocument(new Uint8Array(0));
        await p.setSyncState(pp.bytes(0xff, 0x00), pp.bytes(3));
        const buffered = await pp.snapshot(p);
        const flushed = await store.flush();
        const nothing = await store.flush();
        const otherDoc = await pp.snapshot(store.persister('doc2'));
        const bad = await pp.outcome(() => p.insertChanges([['a', -1, pp.bytes(1)]]));
        await store.close();
        const closed = await pp.outcome(() => p.getChanges());
        const again = await pp.open(name, kind);
        const reopened = await pp.snapshot(again.persister('doc'));
        await pp.cleanup(name, again);
        return { buffered, flushed, nothing, otherDoc, bad, closed, reopened };
      },
      { name: uniqueName(kind), kind, hold: HOLD },
    );
    const held = expectedSnapshot({ changes: [[1, 1]], document: [], states: [[[0xff, 0x00], [3]]] });
    expect(out.buffered).toEqual(held);
    expect(out.flushed).toBeGreaterThanOrEqual(3);
    expect(out.nothing).toBe(0);
    expect(out.otherDoc).toEqual(EMPTY);
    expect(out.bad).toEqual({
      code: 'invalid-argument',
      isStoreError: true,
      isStoreErrorOfCode: true,
      isInstance: true,
      threwSynchronously: false,
    });
    expect(out.closed.code).toBe('closed');
    expect(out.reopened).toEqual(held);
  });
}

test("closing a store leaves a caller's Worker serving its other stores and new ones", async ({ page }) => {
  await openPersisterPage(page);
  const out = await page.evaluate(async (name) => {
    const { pp } = window;
    const { openStore } = window.larder;
    const worker = new Worker(new URL('/workers/larder.worker.ts', location.origin), { type: 'module' });
    const a = await openStore(`${name}-a`, { engine: worker });
    const b = await openStore(`${name}-b`, { engine: worker });
    await a.persister('doc').insertChanges([['a', 1, pp.bytes(1)]]);
    await a.close();
    await b.persister('doc').insertChanges([['b', 1, pp.bytes(2)]]);
    const bFlushed = await b.flush();
    // close() terminates only a worker the kit started; this one must still open stores.
    // A guard turns a hang into a result instead of a test timeout.
    const c = await Promise.race([
      openStore(`${name}-a`, { engine: worker }),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000)),
    ]);
    const reopened = c === 'hung' ? 'hung' : pp.sorted(await c.persister('doc').getChanges());
    if (c !== 'hung') await c.close();
    await b.close();
    worker.terminate();
    await pp.cleanup(`${name}-a`);
    await pp.cleanup(`${name}-b`);
    return { bFlushed, reopened };
  }, uniqueName('shared-worker'));
  expect(out.bFlushed).toBeGreaterThanOrEqual(1);
  expect(out.reopened).toEqual([[1]]);
});

test("deleteStore rejects with 'blocked' when another connection will not close", async ({ page }) => {
  await openPersisterPage(page);
  const out = await page.evaluate(async (name) => {
    const { pp } = window;
    const store = await pp.open(name, 'inline');
    await store.persister('doc').insertChanges([['a', 1, pp.bytes(1)]]);
    await store.close();
    // A raw connection with no versionchange handler never lets go by itself.
    const raw = await pp.rawOpen(`larder:${name}`);
    const blocked = await pp.outcome(() => window.larder.deleteStore(name));
    raw.close();
    const retried = await pp.outcome(() => window.larder.deleteStore(name));
    const existsAfter = await pp.exists(`larder:${name}`);
    return { blocked, retried: retried.code, existsAfter };
  }, uniqueName('blocked'));
  expect(out.blocked).toEqual({
    code: 'blocked',
    isStoreError: true,
    isStoreErrorOfCode: true,
    isInstance: true,
    threwSynchronously: false,
  });
  expect(out.retried).toBe('ok');
  expect(out.existsAfter).toBe(false);
});

// Found by the bench: deleting a store of 210,000 ops took longer than deleteStore's 3 s wait
// for other connections, and it rejected 'blocked', "is unchanged", while its clearing went on
// and removed the data. The wait is for other connections to let go; once the deletion has
// them all, it takes as long as the data needs. A clear() made slow (a busy loop, as a large
// store on a slow disk) stands in for the size.
test('deleteStore of a store that takes longer than the wait to clear succeeds, and removes it', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await openPersisterPage(page);
  const out = await page.evaluate(async (name) => {
    const { pp } = window;
    const store = await pp.open(name, 'inline');
    await store.persister('doc').insertChanges([['a', 1, pp.bytes(1)]]);
    await store.close();
    // The first clear() busies the thread for longer than deleteStore's 3 s wait.
    const clear = IDBObjectStore.prototype.clear;
    let slowed = false;
    IDBObjectStore.prototype.clear = function (this: IDBObjectStore) {
      const until = slowed ? 0 : performance.now() + 3500;
      slowed = true;
      while (performance.now() < until) {
        // Busy: the upgrade that deletes the data is under way and slow.
      }
      return clear.call(this);
    };
    let deleted;
    try {
      deleted = await pp.outcome(() => window.larder.deleteStore(name));
    } finally {
      IDBObjectStore.prototype.clear = clear;
    }
    const existsAfter = await pp.exists(`larder:${name}`);
    const reopened = await pp.open(name, 'inline');
    const changes = (await reopened.persister('doc').getChanges()).length;
    await reopened.close();
    return { deleted: deleted.code, existsAfter, changes };
  }, uniqueName('slow-delete'));
  expect(out).toEqual({ deleted: 'ok', existsAfter: false, changes: 0 });
});
