import { expect, test } from '@playwright/test';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

// API.md section 3, over both engines. Each test runs in the page on its own store, which it
// deletes afterwards; failures come back as StoreError codes, checked with isStoreError.

const MAX = 2n ** 63n - 1n;

for (const engine of ENGINES) {
  test.describe(`consensus (${engine})`, () => {
    test.beforeEach(async ({ page }) => {
      await openHarness(page);
    });

    test('compareAndSet appends on a matching head and reports a mismatch otherwise', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const c = store.consensus();
          const headOf = async (k: string) => {
            const h = await c.head(k);
            return h === undefined ? undefined : { seqno: h.seqno, data: Array.from(h.data) };
          };
          const before = await headOf('k');
          const keysBefore = await c.listKeys();
          const first = await c.compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) });
          const afterFirst = await headOf('k');
          // The key has data now: expecting "no data" is a mismatch and writes nothing.
          const again = await c.compareAndSet('k', undefined, { seqno: 2n, data: new Uint8Array([2]) });
          // Seqnos need not be consecutive, only increasing.
          const jump = await c.compareAndSet('k', 1n, { seqno: 5n, data: new Uint8Array([5]) });
          const stale = await c.compareAndSet('k', 1n, { seqno: 6n, data: new Uint8Array([6]) });
          const ahead = await c.compareAndSet('k', 7n, { seqno: 8n, data: new Uint8Array([8]) });
          // Expecting a seqno on a key with no data is a mismatch too.
          const noData = await c.compareAndSet('other', 3n, { seqno: 4n, data: new Uint8Array([4]) });
          const afterAll = await headOf('k');
          const all = (await c.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno);
          const keys = await c.listKeys();
          const otherHead = await headOf('other');
          await store.close();
          await deleteStore(name);
          return {
            before,
            keysBefore,
            first,
            afterFirst,
            again,
            jump,
            stale,
            ahead,
            noData,
            afterAll,
            all,
            keys,
            otherHead,
          };
        },
        { name: uniqueName('cas'), engine },
      );
      expect(out.before).toBeUndefined();
      expect(out.keysBefore).toEqual([]);
      expect(out.first).toBe('committed');
      expect(out.afterFirst).toEqual({ seqno: 1n, data: [1] });
      expect(out.again).toBe('expectation-mismatch');
      expect(out.jump).toBe('committed');
      expect(out.stale).toBe('expectation-mismatch');
      expect(out.ahead).toBe('expectation-mismatch');
      expect(out.noData).toBe('expectation-mismatch');
      expect(out.afterAll).toEqual({ seqno: 5n, data: [5] });
      expect(out.all).toEqual([1n, 5n]);
      expect(out.keys).toEqual(['k']);
      expect(out.otherHead).toBeUndefined();
    });

    test('bad arguments reject with invalid-argument and write nothing', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, max }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const store = await openStore(name, { engine });
          const c = store.consensus();
          const bytes = new Uint8Array([7]);
          await c.compareAndSet('k', undefined, { seqno: 3n, data: bytes });
          const codeOf = async (f: () => Promise<unknown>) => {
            try {
              await f();
              return 'resolved';
            } catch (e) {
              return isStoreError(e, 'invalid-argument') ? 'invalid-argument' : `other:${String(e)}`;
            }
          };
          const bad = (v: unknown) => v as never;
          const codes = {
            // next.seqno <= expected is checked before storage: 'k' has head 3n, a match.
            seqnoEqualExpected: await codeOf(() => c.compareAndSet('k', 3n, { seqno: 3n, data: bytes })),
            seqnoBelowExpected: await codeOf(() => c.compareAndSet('k', 3n, { seqno: 2n, data: bytes })),
            // ...and would be a mismatch on storage, yet it is an error.
            seqnoBelowOnEmpty: await codeOf(() => c.compareAndSet('new', 9n, { seqno: 9n, data: bytes })),
            seqnoTooBig: await codeOf(() => c.compareAndSet('k', 3n, { seqno: max + 1n, data: bytes })),
            seqnoNumber: await codeOf(() => c.compareAndSet('k', 3n, { seqno: bad(4), data: bytes })),
            seqnoNegative: await codeOf(() => c.compareAndSet('new', undefined, { seqno: -1n, data: bytes })),
            expectedNumber: await codeOf(() => c.compareAndSet('k', bad(3), { seqno: 4n, data: bytes })),
            expectedNegative: await codeOf(() => c.compareAndSet('new', -1n, { seqno: 4n, data: bytes })),
            expectedTooBig: await codeOf(() => c.compareAndSet('k', max + 1n, { seqno: 4n, data: bytes })),
            keyNumber: await codeOf(() => c.compareAndSet(bad(1), 3n, { seqno: 4n, data: bytes })),
            dataArray: await codeOf(() => c.compareAndSet('k', 3n, { seqno: 4n, data: bad([1, 2]) })),
            dataBuffer: await codeOf(() =>
              c.compareAndSet('k', 3n, { seqno: 4n, data: bad(new ArrayBuffer(2)) }),
            ),
            nextMissing: await codeOf(() => c.compareAndSet('k', 3n, bad(undefined))),
            headKey: await codeOf(() => c.head(bad(undefined))),
            scanKey: await codeOf(() => c.scan(bad(5), 0n, 1)),
            scanFromNumber: await codeOf(() => c.scan('k', bad(0), 1)),
            scanFromNegative: await codeOf(() => c.scan('k', -1n, 1)),
            scanFromTooBig: await codeOf(() => c.scan('k', max + 1n, 1)),
            scanLimitFraction: await codeOf(() => c.scan('k', 0n, 1.5)),
            scanLimitNegative: await codeOf(() => c.scan('k', 0n, -1)),
            scanLimitBigint: await codeOf(() => c.scan('k', 0n, bad(1n))),
            scanLimitNaN: await codeOf(() => c.scan('k', 0n, NaN)),
            scanLimitUnsafe: await codeOf(() => c.scan('k', 0n, Number.MAX_SAFE_INTEGER + 1)),
            truncateNumber: await codeOf(() => c.truncate('k', bad(1))),
            truncateNegative: await codeOf(() => c.truncate('k', -1n)),
            truncateTooBig: await codeOf(() => c.truncate('k', max + 1n)),
            truncateKey: await codeOf(() => c.truncate(bad(null), 1n)),
          };
          // None of these may throw synchronously: they are all promises.
          let syncThrow = false;
          try {
            void c.compareAndSet(bad(1), bad('x'), bad(null)).catch(() => undefined);
          } catch {
            syncThrow = true;
          }
          const head = await c.head('k');
          const versions = (await c.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno);
          const keys = await c.listKeys();
          await store.close();
          await deleteStore(name);
          return { codes, syncThrow, head: head?.seqno, versions, keys };
        },
        { name: uniqueName('cas-bad'), engine, max: MAX },
      );
      for (const [what, code] of Object.entries(out.codes)) {
        expect(code, what).toBe('invalid-argument');
      }
      expect(out.syncThrow).toBe(false);
      expect(out.head).toBe(3n);
      expect(out.versions).toEqual([3n]);
      expect(out.keys).toEqual(['k']);
    });

    test('seqnos are bigints in numeric order up to 2^63 - 1', async ({ page }) => {
      const seqnos = [0n, 9n, 10n, 15n, 16n, 255n, 256n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 62n, MAX];
      const out = await page.evaluate(
        async ({ name, engine, seqnos }) => {
          const { openStore, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const c = store.consensus();
          const results: string[] = [];
          let expected: bigint | undefined;
          for (const seqno of seqnos) {
            results.push(
              await c.compareAndSet('k', expected, { seqno, data: new Uint8Array([results.length]) }),
            );
            expected = seqno;
          }
          const head = await c.head('k');
          const scanned = await c.scan('k', 0n, Number.MAX_SAFE_INTEGER);
          const fromMiddle = await c.scan('k', 2n ** 53n + 1n, Number.MAX_SAFE_INTEGER);
          // Nothing can follow the largest seqno.
          const pastMax = await c
            .compareAndSet('k', expected, { seqno: 2n ** 63n, data: new Uint8Array() })
            .then(
              () => 'resolved',
              (e: unknown) => (e as { code: string }).code,
            );
          await store.close();
          await deleteStore(name);
          return {
            results,
            head: head && { seqno: head.seqno, data: Array.from(head.data) },
            scanned: scanned.map((v) => [v.seqno, v.data[0]]),
            fromMiddle: fromMiddle.map((v) => v.seqno),
            types: scanned.map((v) => typeof v.seqno),
            pastMax,
          };
        },
        { name: uniqueName('cas-order'), engine, seqnos },
      );
      expect(out.results).toEqual(seqnos.map(() => 'committed'));
      expect(out.head).toEqual({ seqno: MAX, data: [seqnos.length - 1] });
      expect(out.scanned).toEqual(seqnos.map((s, i) => [s, i]));
      expect(out.fromMiddle).toEqual([2n ** 53n + 1n, 2n ** 62n, MAX]);
      expect(out.types.every((t) => t === 'bigint')).toBe(true);
      expect(out.pastMax).toBe('invalid-argument');
    });

    test('scan honours from and limit; unknown keys and from past the head give []', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const c = store.consensus();
          let expected: bigint | undefined;
          for (const s of [2n, 4n, 6n, 8n, 10n]) {
            await c.compareAndSet('k', expected, {
              seqno: s,
              data: new Uint8Array([Number(s), 0, Number(s)]),
            });
            expected = s;
          }
          // Keys that are prefixes of one another stay apart.
          await c.compareAndSet('k1', undefined, { seqno: 1n, data: new Uint8Array([99]) });
          await c.compareAndSet('', undefined, { seqno: 1n, data: new Uint8Array([98]) });
          const show = async (key: string, from: bigint, limit: number) =>
            (await c.scan(key, from, limit)).map((v) => [v.seqno, Array.from(v.data)]);
          const out = {
            all: await show('k', 0n, Number.MAX_SAFE_INTEGER),
            fromExact: await show('k', 4n, 2),
            fromBetween: await show('k', 5n, 10),
            limitOne: await show('k', 0n, 1),
            limitZero: await show('k', 0n, 0),
            fromHead: await show('k', 10n, 3),
            pastHead: await show('k', 11n, 3),
            unknown: await show('nope', 0n, 5),
            prefixKey: await show('k1', 0n, 5),
            emptyKey: await show('', 0n, 5),
            keys: (await c.listKeys()).sort(),
          };
          await store.close();
          await deleteStore(name);
          return out;
        },
        { name: uniqueName('scan'), engine },
      );
      const v = (s: number) => [BigInt(s), [s, 0, s]];
      expect(out.all).toEqual([v(2), v(4), v(6), v(8), v(10)]);
      expect(out.fromExact).toEqual([v(4), v(6)]);
      expect(out.fromBetween).toEqual([v(6), v(8), v(10)]);
      expect(out.limitOne).toEqual([v(2)]);
      expect(out.limitZero).toEqual([]);
      expect(out.fromHead).toEqual([v(10)]);
      expect(out.pastHead).toEqual([]);
      expect(out.unknown).toEqual([]);
      expect(out.prefixKey).toEqual([[1n, [99]]]);
      expect(out.emptyKey).toEqual([[1n, [98]]]);
      expect(out.keys).toEqual(['', 'k', 'k1']);
    });

    test('truncate deletes below the seqno, keeps the head and the key, and is idempotent', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const c = store.consensus();
          const codeOf = (p: Promise<unknown>) =>
            p.then(
              () => 'resolved',
              (e: unknown) => (window.larder.isStoreError(e) ? e.code : `other:${String(e)}`),
            );
          const seqnos = async (k: string) =>
            (await c.scan(k, 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno);
          let expected: bigint | undefined;
          for (let s = 1n; s <= 6n; s++) {
            await c.compareAndSet('k', expected, { seqno: s, data: new Uint8Array([Number(s)]) });
            expected = s;
          }
          await c.compareAndSet('k2', undefined, { seqno: 1n, data: new Uint8Array([1]) });
          const noData = await codeOf(c.truncate('empty', 0n));
          const pastHead = await codeOf(c.truncate('k', 7n));
          const afterErrors = await seqnos('k');
          const atZero = await c.truncate('k', 0n);
          const atThree = await c.truncate('k', 3n);
          const afterThree = await seqnos('k');
          const againThree = await c.truncate('k', 3n);
          const below = await c.truncate('k', 2n);
          const atHead = await c.truncate('k', 6n);
          const afterHead = await seqnos('k');
          const head = await c.head('k');
          const againHead = await c.truncate('k', 6n);
          const stillPastHead = await codeOf(c.truncate('k', 7n));
          const other = await seqnos('k2');
          const keys = (await c.listKeys()).sort();
          // Truncation never stops appends after the head.
          const next = await c.compareAndSet('k', 6n, { seqno: 7n, data: new Uint8Array([7]) });
          await store.close();
          await deleteStore(name);
          return {
            noData,
            pastHead,
            afterErrors,
            atZero,
            atThree,
            afterThree,
            againThree,
            below,
            atHead,
            afterHead,
            head: head && [head.seqno, Array.from(head.data)],
            againHead,
            stillPastHead,
            other,
            keys,
            next,
          };
        },
        { name: uniqueName('truncate'), engine },
      );
      expect(out.noData).toBe('invalid-argument');
      expect(out.pastHead).toBe('invalid-argument');
      expect(out.afterErrors).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
      expect(out.atZero).toBe(0);
      expect(out.atThree).toBe(2);
      expect(out.afterThree).toEqual([3n, 4n, 5n, 6n]);
      expect(out.againThree).toBe(0);
      expect(out.below).toBe(0);
      expect(out.atHead).toBe(3);
      expect(out.afterHead).toEqual([6n]);
      expect(out.head).toEqual([6n, [6]]);
      expect(out.againHead).toBe(0);
      expect(out.stillPastHead).toBe('invalid-argument');
      expect(out.other).toEqual([1n]);
      expect(out.keys).toEqual(['k', 'k2']);
      expect(out.next).toBe('committed');
    });

    test('data of any size round-trips exactly and never aliases the caller', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const store = await openStore(name, { engine });
          const c = store.consensus();
          const big = new Uint8Array(3 * 1024 * 1024 + 5);
          for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
          const parent = new Uint8Array([10, 11, 12, 13, 14, 15]);
          const view = parent.subarray(2, 4);
          const payloads = [new Uint8Array(), new Uint8Array([0]), view, big];
          const digest = (d: Uint8Array) => {
            let h = 0;
            for (let i = 0; i < d.length; i++) h = (h * 33 + (d[i] as number)) | 0;
            return [d.byteLength, h];
          };
          const sent = payloads.map(digest);
          let expected: bigint | undefined;
          for (const [i, data] of payloads.entries()) {
            await c.compareAndSet('k', expected, { seqno: BigInt(i), data });
            expected = BigInt(i);
          }
          // The caller's arrays are intact, and changing them now changes nothing stored.
          const intact = {
            parent: Array.from(parent),
            viewLength: view.byteLength,
            bigLength: big.byteLength,
          };
          parent.fill(0);
          big.fill(0);
          const scanned = (await c.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => digest(v.data));
          const head = await c.head('k');
          const headDigest = head && digest(head.data);
          // What comes back is the caller's to change: it does not alter what is stored.
          head?.data.fill(1);
          const headAgain = await c.head('k');
          await store.close();
          await deleteStore(name);
          return { sent, intact, scanned, headDigest, headAgain: headAgain && digest(headAgain.data) };
        },
        { name: uniqueName('sizes'), engine },
      );
      expect(out.intact).toEqual({
        parent: [10, 11, 12, 13, 14, 15],
        viewLength: 2,
        bigLength: 3 * 1024 * 1024 + 5,
      });
      expect(out.scanned).toEqual(out.sent);
      expect(out.sent[0]).toEqual([0, 0]);
      expect(out.sent[2]?.[0]).toBe(2);
      expect(out.headDigest).toEqual(out.sent[3]);
      expect(out.headAgain).toEqual(out.sent[3]);
    });

    test('of many concurrent compareAndSets with the same expectation exactly one commits', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          // Two stores of one name: two engines, two IndexedDB connections.
          const a = await openStore(name, { engine });
          const b = await openStore(name, { engine });
          const ca = a.consensus();
          const cb = b.consensus();
          await ca.compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) });
          const tries = Array.from({ length: 16 }, (_, i) =>
            (i % 2 === 0 ? ca : cb).compareAndSet('k', 1n, {
              seqno: 2n + BigInt(i),
              data: new Uint8Array([i]),
            }),
          );
          const results = await Promise.all(tries);
          const winner = results.indexOf('committed');
          const head = await cb.head('k');
          const versions = (await ca.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno);
          await a.close();
          await b.close();
          await deleteStore(name);
          return {
            committed: results.filter((r) => r === 'committed').length,
            mismatched: results.filter((r) => r === 'expectation-mismatch').length,
            winner,
            head: head && [head.seqno, head.data[0]],
            versions,
          };
        },
        { name: uniqueName('cas-race'), engine },
      );
      expect(out.committed).toBe(1);
      expect(out.mismatched).toBe(15);
      expect(out.head).toEqual([2n + BigInt(out.winner), out.winner]);
      expect(out.versions).toEqual([1n, 2n + BigInt(out.winner)]);
    });

    test('data and keys survive reopening; calls after close reject with closed', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const first = await openStore(name, { engine });
          const c1 = first.consensus();
          await c1.compareAndSet('a', undefined, { seqno: 1n, data: new Uint8Array([1]) });
          await c1.compareAndSet('a', 1n, { seqno: 2n, data: new Uint8Array([2]) });
          await c1.compareAndSet('b', undefined, { seqno: 7n, data: new Uint8Array([7]) });
          await c1.truncate('a', 2n);
          await first.close();
          const codeOf = (p: Promise<unknown>) =>
            p.then(
              () => 'resolved',
              (e: unknown) => (isStoreError(e, 'closed') ? 'closed' : `other:${String(e)}`),
            );
          const closed = [
            await codeOf(c1.head('a')),
            await codeOf(c1.listKeys()),
            await codeOf(c1.compareAndSet('a', 2n, { seqno: 3n, data: new Uint8Array() })),
            await codeOf(c1.scan('a', 0n, 1)),
            await codeOf(c1.truncate('a', 1n)),
          ];
          const second = await openStore(name, { engine });
          const c2 = second.consensus();
          const keys = (await c2.listKeys()).sort();
          const a = (await c2.scan('a', 0n, 10)).map((v) => [v.seqno, v.data[0]]);
          const b = await c2.head('b');
          await second.close();
          await deleteStore(name);
          return { closed, keys, a, b: b && [b.seqno, b.data[0]] };
        },
        { name: uniqueName('cas-reopen'), engine },
      );
      expect(out.closed).toEqual(['closed', 'closed', 'closed', 'closed', 'closed']);
      expect(out.keys).toEqual(['a', 'b']);
      expect(out.a).toEqual([[2n, 2]]);
      expect(out.b).toEqual([7n, 7]);
    });
  });
}
