import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// API.md section 5, LogTracker rules, over the worker engine and the inline one.

const PEER_A = '6f1c1c3e-8d5a-4c5e-9b59-0a6f3f1f2a01';
const PEER_B = '0a9e4d52-1b7c-4f0e-8a3d-5e2c7b9f4c02';
const PEER_C = 'ffffffff-0000-4000-8000-000000000003';
const USER = 'c2a4e5b6-7d8f-4a1b-9c3d-2e4f6a8b0c04';
const MAX = 2n ** 63n - 1n;

for (const engine of ENGINES) {
  test.describe(`log tracker (${engine})`, () => {
    test.beforeEach(async ({ page }) => openHarness(page));

    test('tracks entries and expunged markers, reads them back in index order', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER_A, PEER_B, PEER_C, USER, MAX }) => {
          const store = await window.larder.openStore(name, { engine });
          try {
            type Op = { text: string; when: Date; tags: Map<string, number>; big: bigint; bytes: Uint8Array };
            const log = await store.logTracker<Op>('notes');
            const empty = [...(await log.allCursors())];
            const op = (i: number): Op => ({
              text: `op ${i}`,
              when: new Date(1_700_000_000_000 + i),
              tags: new Map([['n', i]]),
              big: BigInt(i) << 40n,
              bytes: new Uint8Array([i, i + 1]),
            });
            const batch = store.batch();
            // Out of order, across hex digit boundaries, and up to i64::MAX: order must be numeric.
            for (const i of [16n, 2n, 255n, 15n, 256n, 0n]) {
              log.trackOne(
                PEER_A,
                i,
                (1_700_000_000_000n << 16n) | i,
                USER.toUpperCase(),
                op(Number(i)),
                batch,
              );
            }
            log.trackExpunged(PEER_A, MAX, new Uint8Array([9, 8, 7]), batch);
            log.trackOne(PEER_B.toUpperCase(), 3n, MAX, undefined, op(3), batch);
            const nothingYet = [...(await log.allCursors())];
            await batch.commit();

            const cursors = [...(await log.allCursors())].sort();
            const all = await log.readEntries(PEER_A, 0n, Number.MAX_SAFE_INTEGER);
            const indexes = all.map(([i]) => i);
            const first = all[0];
            const marker = all.find(([, e]) => e.kind === 'expunged');
            const fromRange = (await log.readEntries(PEER_A, 15n, 3)).map(([i]) => i);
            const fromMissing = (await log.readEntries(PEER_A, 17n, 10)).map(([i]) => i);
            const pastEnd = await log.readEntries(PEER_A, MAX, 10);
            const zero = await log.readEntries(PEER_A, 0n, 0);
            const upper = await log.readEntries(PEER_B.toUpperCase(), 0n, 10);
            const unknownPeer = await log.readEntries(PEER_C, 0n, 10);
            return {
              empty,
              nothingYet,
              cursors,
              indexes,
              first:
                first && first[1].kind === 'entry'
                  ? {
                      idx: first[0],
                      timestamp: first[1].timestamp,
                      user: first[1].serverUserId,
                      text: first[1].op.text,
                      when: first[1].op.when.getTime(),
                      tags: [...first[1].op.tags],
                      big: first[1].op.big,
                      bytes: Array.from(first[1].op.bytes),
                      isDate: first[1].op.when instanceof Date,
                      isMap: first[1].op.tags instanceof Map,
                    }
                  : undefined,
              marker:
                marker && marker[1].kind === 'expunged'
                  ? { idx: marker[0], keys: Object.keys(marker[1]).sort(), hash: Array.from(marker[1].hash) }
                  : undefined,
              fromRange,
              fromMissing,
              pastEnd: pastEnd.map(([i]) => i),
              zero: zero.length,
              upper: upper.map(([i, e]) => [i, e.kind, e.kind === 'entry' ? e.serverUserId : 'x']),
              unknownPeer: unknownPeer.length,
            };
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('lt-read'), engine, PEER_A, PEER_B, PEER_C, USER, MAX },
      );
      expect(out.empty).toEqual([]);
      expect(out.nothingYet).toEqual([]);
      expect(out.cursors).toEqual([
        [PEER_B, 4n],
        [PEER_A, MAX + 1n],
      ]);
      expect(out.indexes).toEqual([0n, 2n, 15n, 16n, 255n, 256n, MAX]);
      expect(out.first).toEqual({
        idx: 0n,
        timestamp: 1_700_000_000_000n << 16n,
        user: USER,
        text: 'op 0',
        when: 1_700_000_000_000,
        tags: [['n', 0]],
        big: 0n,
        bytes: [0, 1],
        isDate: true,
        isMap: true,
      });
      expect(out.marker).toEqual({ idx: MAX, keys: ['hash', 'kind'], hash: [9, 8, 7] });
      expect(out.fromRange).toEqual([15n, 16n, 255n]);
      expect(out.fromMissing).toEqual([255n, 256n, MAX]);
      expect(out.pastEnd).toEqual([MAX]);
      expect(out.zero).toBe(0);
      expect(out.upper).toEqual([[3n, 'entry', undefined]]);
      expect(out.unknownPeer).toBe(0);
    });

    test('prefixes are independent logs and init keeps existing rows', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER_A }) => {
          const cursorsOf = async (
            s: Awaited<ReturnType<typeof window.larder.openStore>>,
            prefix: string,
          ) => [...(await (await s.logTracker(prefix)).allCursors())];
          let store = await window.larder.openStore(name, { engine });
          try {
            // Prefixes that share leading characters, and the empty one.
            const prefixes = ['a', 'ab', 'a\u0000', ''];
            const batch = store.batch();
            for (const [n, prefix] of prefixes.entries()) {
              const log = await store.logTracker(prefix);
              for (let i = 0; i <= n; i++)
                log.trackOne(PEER_A, BigInt(i), 1n, undefined, { prefix, i }, batch);
            }
            // The same (peer, entryIdx) in every prefix: no conflict across prefixes.
            await batch.commit();
            const before: Array<[string, unknown]> = [];
            for (const prefix of prefixes) before.push([prefix, await cursorsOf(store, prefix)]);
            const reads = await (await store.logTracker('ab')).readEntries(PEER_A, 0n, 100);

            // init again, and after reopening: idempotent, rows kept.
            await store.logTracker('a');
            await store.close();
            store = await window.larder.openStore(name, { engine });
            const after: Array<[string, unknown]> = [];
            for (const prefix of prefixes) after.push([prefix, await cursorsOf(store, prefix)]);
            return { before, after, reads: reads.map(([i, e]) => [i, e.kind === 'entry' ? e.op : null]) };
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('lt-prefix'), engine, PEER_A },
      );
      const expected = [
        ['a', [[PEER_A, 1n]]],
        ['ab', [[PEER_A, 2n]]],
        ['a\u0000', [[PEER_A, 3n]]],
        ['', [[PEER_A, 4n]]],
      ];
      expect(out.before).toEqual(expected);
      expect(out.after).toEqual(expected);
      expect(out.reads).toEqual([
        [0n, { prefix: 'ab', i: 0 }],
        [1n, { prefix: 'ab', i: 1 }],
      ]);
    });

    test('allCursors lists every peer with rows, and only those', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const store = await window.larder.openStore(name, { engine });
          try {
            const log = await store.logTracker('many');
            const other = await store.logTracker('man');
            const peers = Array.from({ length: 40 }, () => crypto.randomUUID());
            const batch = store.batch();
            const expected = new Map<string, bigint>();
            peers.forEach((peer, n) => {
              // Peers 0, 3, 6... only have an expunged marker; the rest have entries up to n.
              if (n % 3 === 0) log.trackExpunged(peer, BigInt(n * 1000), new Uint8Array([n]), batch);
              else for (let i = 0; i <= n; i += 2) log.trackOne(peer, BigInt(i), 0n, undefined, i, batch);
              expected.set(peer, n % 3 === 0 ? BigInt(n * 1000) + 1n : BigInt(n - (n % 2)) + 1n);
            });
            other.trackOne(crypto.randomUUID(), 7n, 0n, undefined, 'elsewhere', batch);
            await batch.commit();
            const got = await log.allCursors();
            return {
              size: got.size,
              mismatches: [...expected].filter(([p, c]) => got.get(p) !== c).length,
              isMap: got instanceof Map,
            };
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('lt-cursors'), engine },
      );
      expect(out).toEqual({ size: 40, mismatches: 0, isMap: true });
    });

    test('bad arguments throw invalid-argument synchronously and enqueue nothing', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER_A, USER, MAX }) => {
          const { openStore, isStoreError, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const otherName = `${name}-other`;
          const other = await openStore(otherName, { engine });
          try {
            const log = await store.logTracker('bad');
            const batch = store.batch();
            const bytes = new Uint8Array([1]);
            const syncCodes: Record<string, string> = {};
            const attempt = (label: string, fn: () => void) => {
              try {
                fn();
                syncCodes[label] = 'no throw';
              } catch (e) {
                syncCodes[label] = isStoreError(e) ? e.code : `not a StoreError: ${String(e)}`;
              }
            };
            const track = (
              peer: unknown,
              idx: unknown,
              ts: unknown,
              user: unknown,
              op: unknown,
              b: unknown,
            ) =>
              log.trackOne(
                peer as string,
                idx as bigint,
                ts as bigint,
                user as string,
                op,
                b as typeof batch,
              );
            attempt('idx above i64::MAX', () => track(PEER_A, MAX + 1n, 0n, undefined, 1, batch));
            attempt('negative idx', () => track(PEER_A, -1n, 0n, undefined, 1, batch));
            attempt('number idx', () => track(PEER_A, 1, 0n, undefined, 1, batch));
            attempt('timestamp above i64::MAX', () => track(PEER_A, 1n, 2n ** 64n - 1n, undefined, 1, batch));
            attempt('number timestamp', () => track(PEER_A, 1n, 5, undefined, 1, batch));
            attempt('malformed peer', () => track('not-a-uuid', 1n, 0n, undefined, 1, batch));
            attempt('peer with braces', () => track(`{${PEER_A}}`, 1n, 0n, undefined, 1, batch));
            attempt('peer not a string', () => track(42, 1n, 0n, undefined, 1, batch));
            attempt('malformed user', () => track(PEER_A, 1n, 0n, `${USER}0`, 1, batch));
            attempt('null user', () => track(PEER_A, 1n, 0n, null, 1, batch));
            attempt('uncloneable op', () => track(PEER_A, 1n, 0n, undefined, { f: () => 1 }, batch));
            attempt('not a batch', () => track(PEER_A, 1n, 0n, undefined, 1, { commit() {} }));
            attempt("another store's batch", () => track(PEER_A, 1n, 0n, undefined, 1, other.batch()));
            attempt('expunged idx above i64::MAX', () => log.trackExpunged(PEER_A, MAX + 1n, bytes, batch));
            attempt('expunged malformed peer', () => log.trackExpunged('x', 1n, bytes, batch));
            attempt('expunged hash not bytes', () =>
              log.trackExpunged(PEER_A, 1n, [1, 2] as unknown as Uint8Array, batch),
            );
            // The batch must still be empty: committing it writes nothing.
            await batch.commit();
            const cursors = [...(await log.allCursors())];

            const asyncCodes: Record<string, string> = {};
            const rejects = async (label: string, fn: () => Promise<unknown>) => {
              let p: Promise<unknown>;
              try {
                p = fn();
              } catch {
                asyncCodes[label] = 'threw synchronously';
                return;
              }
              try {
                await p;
                asyncCodes[label] = 'resolved';
              } catch (e) {
                asyncCodes[label] = isStoreError(e) ? e.code : `not a StoreError: ${String(e)}`;
              }
            };
            await rejects('readEntries number from', () =>
              log.readEntries(PEER_A, 0 as unknown as bigint, 1),
            );
            await rejects('readEntries negative from', () => log.readEntries(PEER_A, -1n, 1));
            await rejects('readEntries negative limit', () => log.readEntries(PEER_A, 0n, -1));
            await rejects('readEntries fractional limit', () => log.readEntries(PEER_A, 0n, 1.5));
            await rejects('readEntries bad peer', () => log.readEntries('nope', 0n, 1));
            await rejects('logTracker number prefix', () => store.logTracker(1 as unknown as string));
            return { syncCodes, asyncCodes, cursors };
          } finally {
            await store.close();
            await other.close();
            await deleteStore(name);
            await deleteStore(otherName);
          }
        },
        { name: uniqueName('lt-bad'), engine, PEER_A, USER, MAX },
      );
      for (const [label, code] of Object.entries(out.syncCodes)) {
        expect(code, label).toBe('invalid-argument');
      }
      expect(Object.keys(out.syncCodes)).toHaveLength(16);
      for (const [label, code] of Object.entries(out.asyncCodes)) {
        expect(code, label).toBe('invalid-argument');
      }
      expect(Object.keys(out.asyncCodes)).toHaveLength(6);
      expect(out.cursors).toEqual([]);
    });

    test('a duplicate (peer, entryIdx) rejects the whole batch with conflict', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER_A, PEER_B }) => {
          const { openStore, isStoreError, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          try {
            const log = await store.logTracker('dup');
            const table = store.table('state');
            const codeOf = async (p: Promise<unknown>) => {
              try {
                await p;
                return 'committed';
              } catch (e) {
                return isStoreError(e) ? e.code : `not a StoreError: ${String(e)}`;
              }
            };
            const setup = store.batch().put('state', 'kept', 'original').put('state', 'doomed', 'here');
            log.trackOne(PEER_A, 5n, 1n, undefined, 'five', setup);
            log.trackExpunged(PEER_B, 2n, new Uint8Array([2]), setup);
            const first = await codeOf(setup.commit());

            // The conflicting row is last: everything before it in the batch must roll back too.
            const replay = store.batch().put('state', 'kept', 'changed').delete('state', 'doomed');
            replay.put('state', 'new', 1);
            log.trackOne(PEER_A, 6n, 1n, undefined, 'six', replay);
            log.trackOne(PEER_B, 0n, 1n, undefined, 'b zero', replay);
            log.trackExpunged(PEER_A, 5n, new Uint8Array([5]), replay);
            const entryVsMarker = await codeOf(replay.commit());

            const markerVsEntry = store.batch();
            log.trackOne(PEER_B, 2n, 1n, undefined, 'two', markerVsEntry);
            const second = await codeOf(markerVsEntry.commit());

            // Two rows with the same index within one batch conflict as well.
            const within = store.batch().put('state', 'within', true);
            log.trackOne(PEER_A, 7n, 1n, undefined, 'seven', within);
            log.trackOne(PEER_A, 7n, 2n, undefined, 'seven again', within);
            const third = await codeOf(within.commit());

            // The batch is empty after a failed commit; a good one still commits.
            const emptyAgain = await codeOf(within.commit());
            log.trackOne(PEER_A, 7n, 1n, undefined, 'seven', within);
            const fourth = await codeOf(within.commit());

            return {
              codes: [first, entryVsMarker, second, third, emptyAgain, fourth],
              cursors: [...(await log.allCursors())].sort(),
              a: (await log.readEntries(PEER_A, 0n, 10)).map(([i, e]) => [
                i,
                e.kind === 'entry' ? e.op : 'x',
              ]),
              b: (await log.readEntries(PEER_B, 0n, 10)).map(([i, e]) => [i, e.kind]),
              table: await table.getAll(),
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('lt-dup'), engine, PEER_A, PEER_B },
      );
      expect(out.codes).toEqual(['committed', 'conflict', 'conflict', 'conflict', 'committed', 'committed']);
      expect(out.cursors).toEqual([
        [PEER_B, 3n],
        [PEER_A, 8n],
      ]);
      expect(out.a).toEqual([
        [5n, 'five'],
        [7n, 'seven'],
      ]);
      expect(out.b).toEqual([[2n, 'expunged']]);
      expect(out.table).toEqual([
        ['doomed', 'here'],
        ['kept', 'original'],
      ]);
    });

    test('caller buffers and values are copied, never kept', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER_A }) => {
          const store = await window.larder.openStore(name, { engine });
          try {
            const log = await store.logTracker('copy');
            const parent = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
            const hash = parent.subarray(2, 5);
            const op = { list: [1, 2] };
            const batch = store.batch();
            log.trackExpunged(PEER_A, 0n, hash, batch);
            log.trackOne(PEER_A, 1n, 0n, undefined, op, batch);
            // Changed after enqueueing, before the commit: the batch holds what was passed.
            hash[0] = 99;
            op.list.push(3);
            await batch.commit();
            const rows = await log.readEntries(PEER_A, 0n, 10);
            const [marker, entry] = rows;
            return {
              intact: parent.byteLength === 8 && Array.from(parent).join(),
              hash: marker?.[1].kind === 'expunged' ? Array.from(marker[1].hash) : null,
              hashBufferLength: marker?.[1].kind === 'expunged' ? marker[1].hash.buffer.byteLength : null,
              op: entry?.[1].kind === 'entry' ? entry[1].op : null,
            };
          } finally {
            await store.close();
            await window.larder.deleteStore(name);
          }
        },
        { name: uniqueName('lt-copy'), engine, PEER_A },
      );
      expect(out.intact).toBe('0,1,99,3,4,5,6,7');
      expect(out.hash).toEqual([2, 3, 4]);
      expect(out.hashBufferLength).toBe(3);
      expect(out.op).toEqual({ list: [1, 2] });
    });

    test('calls on a closed store reject with closed', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, PEER_A }) => {
          const { openStore, isStoreError, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const log = await store.logTracker('closed');
          const batch = store.batch();
          log.trackOne(PEER_A, 0n, 0n, undefined, 1, batch);
          await store.close();
          const codes: string[] = [];
          for (const call of [
            () => batch.commit(),
            () => log.allCursors(),
            () => log.readEntries(PEER_A, 0n, 1),
            () => store.logTracker('closed'),
            () => store.table('t').get(1),
            () => store.table('t').getAll(),
          ]) {
            try {
              await call();
              codes.push('resolved');
            } catch (e) {
              codes.push(isStoreError(e) ? e.code : String(e));
            }
          }
          const reopened = await openStore(name, { engine });
          const cursors = [...(await (await reopened.logTracker('closed')).allCursors())];
          await reopened.close();
          await deleteStore(name);
          return { codes, cursors };
        },
        { name: uniqueName('lt-closed'), engine, PEER_A },
      );
      expect(out.codes).toEqual(['closed', 'closed', 'closed', 'closed', 'closed', 'closed']);
      expect(out.cursors).toEqual([]);
    });
  });
}
