import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// API.md section 5, tables and atomic batches, over the worker engine and the inline one.

const PEER = '3d0f7e1a-5b2c-4c8d-9e6f-1a2b3c4d5e01';
const SERVER_USER = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c02';

for (const engine of ENGINES) {
  test.describe(`batch and tables (${engine})`, () => {
    test.beforeEach(async ({ page }) => openHarness(page));

    test('tables hold any cloneable value under any key, read back in key order', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine });
          try {
            const date = new Date(86_400_000);
            const binKey = new Uint8Array([1, 2, 3]);
            const arrKey = ['x', 1];
            const value = {
              map: new Map<string, unknown>([['k', new Set([1, 2])]]),
              big: 2n ** 70n,
              bytes: new Uint8Array([7, 8]),
              nested: { list: [null, undefined, 'ß', -0] },
            };
            const batch = store.batch();
            const chained = batch
              .put('t', 'b', 'string b')
              .put('t', 10, 'ten')
              .put('t', 2, 'two')
              .put('t', arrKey, 'array')
              .put('t', binKey, 'binary')
              .put('t', date, 'date')
              .put('t', 'a', value)
              .put('t', 'undef', undefined);
            // Changed after enqueueing: the batch holds what was passed.
            binKey[0] = 99;
            arrKey.push('changed');
            value.nested.list.push('changed');
            await batch.commit();
            const table = store.table('t');
            const all = await table.getAll();
            const describeKey = (k: IDBValidKey): unknown =>
              k instanceof ArrayBuffer
                ? { bytes: Array.from(new Uint8Array(k)) }
                : k instanceof Date
                  ? { date: k.getTime() }
                  : k;
            const a = (await table.get('a')) as typeof value;
            return {
              chainedIsBatch: chained === batch,
              keys: all.map(([k]) => describeKey(k)),
              values: all.map(([, v]) => (v === value || typeof v !== 'string' ? typeof v : v)),
              a: {
                map: [...a.map].map(([k, v]) => [k, [...(v as Set<number>)]]),
                big: a.big,
                bytes: Array.from(a.bytes),
                nested: a.nested,
                negZero: Object.is(a.nested.list[3], -0),
              },
              binary: await table.get(new Uint8Array([1, 2, 3])),
              array: await table.get(['x', 1]),
              date: await table.get(new Date(86_400_000)),
              absent: await table.get('absent'),
              undef: await table.get('undef'),
              undefPresent: all.some(([k]) => k === 'undef'),
              otherTable: await store.table('u').getAll(),
            };
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('batch-values'), engine },
      );
      expect(out.chainedIsBatch).toBe(true);
      // IndexedDB key order: numbers, dates, strings, binary, arrays.
      expect(out.keys).toEqual([
        2,
        10,
        { date: 86_400_000 },
        'a',
        'b',
        'undef',
        { bytes: [1, 2, 3] },
        ['x', 1],
      ]);
      expect(out.values).toEqual([
        'two',
        'ten',
        'date',
        'object',
        'string b',
        'undefined',
        'binary',
        'array',
      ]);
      expect(out.a).toEqual({
        map: [['k', [1, 2]]],
        big: 2n ** 70n,
        bytes: [7, 8],
        nested: { list: [null, undefined, 'ß', -0] },
        negZero: true,
      });
      expect(out.binary).toBe('binary');
      expect(out.array).toBe('array');
      expect(out.date).toBe('date');
      expect(out.absent).toBeUndefined();
      expect(out.undef).toBeUndefined();
      expect(out.undefPresent).toBe(true);
      expect(out.otherTable).toEqual([]);
    });

    test('tables never see each other, whatever their names share', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine });
          try {
            const names = ['a', 'a\u0000', 'a\u0000b', 'ab', '', 'b'];
            const batch = store.batch();
            for (const t of names) batch.put(t, 1, `${t}:1`).put(t, [t], `${t}:array`);
            await batch.commit();
            const views: Array<[string, unknown]> = [];
            for (const t of names) views.push([t, await store.table(t).getAll()]);
            return views;
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('batch-names'), engine },
      );
      for (const [t, rows] of out) {
        expect(rows, JSON.stringify(t)).toEqual([
          [1, `${t}:1`],
          [[t], `${t}:array`],
        ]);
      }
      expect(out).toHaveLength(6);
    });

    test('ops apply in order; the batch empties at commit and can be reused', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine });
          try {
            const t = store.table('t');
            const batch = store.batch();
            const emptyCommit = await batch.commit();
            batch.put('t', 'x', 1).put('t', 'x', 2); // last put wins
            batch.put('t', 'gone', 1).delete('t', 'gone'); // put then delete: absent
            batch.delete('t', 'back').put('t', 'back', 'here'); // delete then put: present
            batch.delete('t', 'never-there'); // deleting an absent key is fine
            await batch.commit();
            const first = await t.getAll();
            batch.delete('t', 'x');
            await batch.commit();
            await batch.commit(); // nothing left: a no-op
            return { emptyCommit, first, second: await t.getAll() };
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('batch-order'), engine },
      );
      expect(out.emptyCommit).toBeUndefined();
      expect(out.first).toEqual([
        ['back', 'here'],
        ['x', 2],
      ]);
      expect(out.second).toEqual([['back', 'here']]);
    });

    test('bad keys, tables and values are rejected before anything is enqueued', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, isStoreError, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          try {
            const batch = store.batch();
            const codes: Record<string, string> = {};
            const attempt = (label: string, fn: () => unknown) => {
              try {
                fn();
                codes[label] = 'no throw';
              } catch (e) {
                codes[label] = isStoreError(e) ? e.code : `not a StoreError: ${String(e)}`;
              }
            };
            const put = (t: unknown, k: unknown, v: unknown) => batch.put(t as string, k as IDBValidKey, v);
            attempt('object key', () => put('t', { a: 1 }, 1));
            attempt('boolean key', () => put('t', true, 1));
            attempt('NaN key', () => put('t', NaN, 1));
            attempt('null key', () => put('t', null, 1));
            attempt('invalid date key', () => put('t', new Date(NaN), 1));
            attempt('array with an object', () => put('t', [1, {}], 1));
            attempt('table not a string', () => put(7, 'k', 1));
            attempt('uncloneable value', () => put('t', 'k', () => 1));
            attempt('delete with bad key', () => batch.delete('t', {} as unknown as IDBValidKey));
            attempt('table() with a number', () => store.table(1 as unknown as string));
            await batch.commit();
            let getCode = 'resolved';
            try {
              await store.table('t').get({} as unknown as IDBValidKey);
            } catch (e) {
              getCode = isStoreError(e) ? e.code : String(e);
            }
            return { codes, getCode, rows: await store.table('t').getAll() };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('batch-bad'), engine },
      );
      for (const [label, code] of Object.entries(out.codes)) expect(code, label).toBe('invalid-argument');
      expect(Object.keys(out.codes)).toHaveLength(10);
      expect(out.getCode).toBe('invalid-argument');
      expect(out.rows).toEqual([]);
    });

    test('a committed batch is visible to another connection', async ({ page }) => {
      const other = engine === 'worker' ? ('inline' as const) : ('worker' as const);
      const out = await page.evaluate(
        async ({ name, engine, other, PEER }) => {
          const writer = await window.larder.openStore(name, { engine });
          const reader = await window.larder.openStore(name, { engine: other });
          try {
            // The reader opened its connection first, so it must see the write, not a snapshot.
            const readerLog = await reader.logTracker('shared');
            const before = await reader.table('t').getAll();
            const log = await writer.logTracker('shared');
            const batch = writer.batch().put('t', 'k', { v: 1 });
            log.trackOne(PEER, 41n, 7n, undefined, 'op', batch);
            await batch.commit();
            return {
              before,
              after: await reader.table('t').getAll(),
              cursors: [...(await readerLog.allCursors())],
            };
          } finally {
            await writer.close();
            await reader.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('batch-shared'), engine, other, PEER },
      );
      expect(out.before).toEqual([]);
      expect(out.after).toEqual([['k', { v: 1 }]]);
      expect(out.cursors).toEqual([[PEER, 42n]]);
    });

    test('a max-register reducer stays consistent with its log', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER, SERVER_USER }) => {
          const { openStore, isStoreError, deleteStore } = window.larder;
          type Op = { set: number };
          const store = await openStore(name, { engine });
          try {
            const log = await store.logTracker<Op>('register');
            const registers = store.table('registers');
            const hlc = (millis: bigint, counter: bigint) => (millis << 16n) | counter;
            // The app's reducer: apply one entry and record it, atomically.
            const apply = async (idx: bigint, ts: bigint, user: string | undefined, op: Op) => {
              const current = ((await registers.get('max')) as number | undefined) ?? -Infinity;
              const batch = store.batch();
              log.trackOne(PEER, idx, ts, user, op, batch);
              batch.put('registers', 'max', Math.max(current, op.set));
              batch.put(
                'registers',
                'applied',
                (((await registers.get('applied')) as number | undefined) ?? 0) + 1,
              );
              await batch.commit();
            };
            await apply(0n, hlc(1000n, 0n), undefined, { set: 5 });
            await apply(1n, hlc(1000n, 1n), SERVER_USER, { set: 3 });
            await apply(2n, hlc(1001n, 0n), undefined, { set: 9 });
            const afterThree = await registers.getAll();

            // Replaying entry 1 with a larger value must not touch the register.
            let replay = 'committed';
            try {
              await apply(1n, hlc(1002n, 0n), undefined, { set: 100 });
            } catch (e) {
              replay = isStoreError(e) ? e.code : String(e);
            }
            const afterReplay = await registers.getAll();

            // Entries 3 and 4 were expunged upstream: only their hashes are recorded.
            const markers = store.batch();
            log.trackExpunged(PEER, 3n, new Uint8Array([0xab, 0xcd]), markers);
            log.trackExpunged(PEER, 4n, new Uint8Array([0xef]), markers);
            await markers.commit();
            const cursor = (await log.allCursors()).get(PEER);

            // Resuming from the cursor, as a sync loop would.
            await apply(cursor ?? 0n, hlc(1003n, 0n), undefined, { set: 7 });

            const rows = await log.readEntries(PEER, 1n, 4);
            return {
              afterThree,
              replay,
              afterReplay,
              cursor,
              final: await registers.getAll(),
              finalCursor: (await log.allCursors()).get(PEER),
              rows: rows.map(([i, e]) =>
                e.kind === 'entry'
                  ? { i, kind: e.kind, ts: e.timestamp, user: e.serverUserId, op: e.op }
                  : { i, kind: e.kind, hash: Array.from(e.hash), keys: Object.keys(e).sort() },
              ),
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('batch-reducer'), engine, PEER, SERVER_USER },
      );
      expect(out.afterThree).toEqual([
        ['applied', 3],
        ['max', 9],
      ]);
      expect(out.replay).toBe('conflict');
      expect(out.afterReplay).toEqual(out.afterThree);
      expect(out.cursor).toBe(5n);
      expect(out.final).toEqual([
        ['applied', 4],
        ['max', 9],
      ]);
      expect(out.finalCursor).toBe(6n);
      expect(out.rows).toEqual([
        { i: 1n, kind: 'entry', ts: (1000n << 16n) | 1n, user: SERVER_USER, op: { set: 3 } },
        { i: 2n, kind: 'entry', ts: 1001n << 16n, user: undefined, op: { set: 9 } },
        { i: 3n, kind: 'expunged', hash: [0xab, 0xcd], keys: ['hash', 'kind'] },
        { i: 4n, kind: 'expunged', hash: [0xef], keys: ['hash', 'kind'] },
      ]);
    });
  });
}
