/**
 * The KeySpace contract (src/contracts/key-space.ts), over every engine: key paths and prefix
 * ranges, reads that see buffered writes, prefix deletes in call order, the write-behind shared
 * with the Persister, hostile input. Everything runs inside the page; tests assert here.
 */
import { expect, test } from '@playwright/test';
import { ENGINES, uniqueName } from './support/harness.js';
import { openKeySpacePage } from './support/key-space-fixture.js';

/** Write-behind that never fires by itself within a test: only flush() and close() commit. */
const HOLD = { maxDelayMs: 60_000, maxBytes: 64 * 1024 * 1024 };

for (const engine of ENGINES) {
  test.describe(`KeySpace contract, engine '${engine}'`, () => {
    test.beforeEach(async ({ page }) => openKeySpacePage(page));

    test('put, get and delete read back byte-identical: buffered, flushed and reopened', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const space = store.keySpace('docs');
          const all = new Uint8Array(256).map((_, i) => i);
          await space.put(['doc', 'snapshot', 'h1'], all);
          await space.put(['doc', 'incremental', 'h2'], ks.pattern(2, 5));
          await space.put(['doc', 'incremental', 'h3'], new Uint8Array(0));
          await space.put(['gone'], ks.pattern(9, 3));
          await space.delete(['gone']);
          await space.delete(['never-there']);
          const read = async (s: typeof space) => ({
            all: await ks.value(s, ['doc', 'snapshot', 'h1']),
            h2: await ks.value(s, ['doc', 'incremental', 'h2']),
            empty: await ks.value(s, ['doc', 'incremental', 'h3']),
            gone: await ks.value(s, ['gone']),
            missing: await ks.value(s, ['doc']),
            range: await ks.range(s, ['doc']),
          });
          const buffered = await read(space);
          const committedBefore = await pp.rawCount(name, 'keyValues');
          const flushed = await space.flush();
          const committedAfter = await pp.rawCount(name, 'keyValues');
          const afterFlush = await read(space);
          await store.close();
          const again = await pp.open(name, engine);
          const reopened = await read(again.keySpace('docs'));
          await pp.cleanup(name, again);
          return { buffered, afterFlush, reopened, committedBefore, committedAfter, flushed };
        },
        { name: uniqueName('ks-basic'), engine, hold: HOLD },
      );
      const all = Array.from({ length: 256 }, (_, i) => i);
      const h2 = [2 * 31, 2 * 31 + 7, 2 * 31 + 14, 2 * 31 + 21, 2 * 31 + 28].map((v) => v & 0xff);
      const expected = {
        all,
        h2,
        empty: [],
        gone: null,
        missing: null,
        range: [
          [['doc', 'incremental', 'h2'], h2],
          [['doc', 'incremental', 'h3'], []],
          [['doc', 'snapshot', 'h1'], all],
        ],
      };
      expect(out.buffered).toEqual(expected);
      expect(out.afterFlush).toEqual(expected);
      expect(out.reopened).toEqual(expected);
      // Nothing reached IndexedDB before the flush; the flush reported the bytes it committed.
      expect(out.committedBefore).toBe(0);
      expect(out.committedAfter).toBe(3);
      expect(out.flushed).toBe(256 + 5);
    });

    test("prefix ranges: ['a'] never reaches ['ab'], [] is everything, spaces never meet", async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const a = store.keySpace('a');
          const ab = store.keySpace('ab');
          // Awkward strings: empty, NUL, the highest BMP unit, an astral character, a lone
          // surrogate, and lengths that share prefixes.
          const keys = [
            ['a'],
            ['a', ''],
            ['a', '\u0000'],
            ['a', 'b'],
            ['a', 'b', 'c'],
            ['a', '\uffff'],
            ['a', '😀'],
            ['a', '\ud800'],
            ['ab'],
            ['ab', 'c'],
            ['a\u0000'],
            ['b'],
            [''],
          ];
          let i = 0;
          for (const k of keys) await a.put(k, ks.pattern(i++, 2));
          await ab.put(['a', 'b'], ks.pattern(100, 2));
          await ab.put(['zz'], ks.pattern(101, 2));
          const read = async (s: typeof store) => {
            const sa = s.keySpace('a');
            const sab = s.keySpace('ab');
            return {
              underA: (await ks.range(sa, ['a'])).map((e) => e[0]),
              underAB: (await ks.range(sa, ['a', 'b'])).map((e) => e[0]),
              underAb: (await ks.range(sa, ['ab'])).map((e) => e[0]),
              underEmptyString: (await ks.range(sa, [''])).map((e) => e[0]),
              everything: (await ks.range(sa, [])).map((e) => e[0]),
              otherSpace: await ks.range(sab, []),
              none: await ks.range(sa, ['c']),
              longer: await ks.range(sa, ['a', 'b', 'c', 'd']),
            };
          };
          const buffered = await read(store);
          await store.flush();
          const flushed = await read(store);
          await pp.cleanup(name, store);
          return { buffered, flushed, keys };
        },
        { name: uniqueName('ks-prefix'), engine, hold: HOLD },
      );
      // IndexedDB's order: element by element, strings by UTF-16 code unit, shorter first.
      const byCodeUnits = (x: string[], y: string[]) => {
        for (let i = 0; i < Math.min(x.length, y.length); i++) {
          if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
        }
        return x.length - y.length;
      };
      const sortedKeys = [...out.keys].sort(byCodeUnits);
      const under = (p: string[]) => sortedKeys.filter((k) => p.every((e, i) => k[i] === e));
      for (const view of [out.buffered, out.flushed]) {
        expect(view.underA).toEqual(under(['a']));
        expect(view.underA).toHaveLength(8);
        expect(view.underAB).toEqual([
          ['a', 'b'],
          ['a', 'b', 'c'],
        ]);
        expect(view.underAb).toEqual([['ab'], ['ab', 'c']]);
        expect(view.underEmptyString).toEqual([['']]);
        expect(view.everything).toEqual(sortedKeys);
        expect(view.otherSpace.map((e) => e[0])).toEqual([['a', 'b'], ['zz']]);
        expect(view.otherSpace[0]?.[1]).toEqual([(100 * 31) & 0xff, (100 * 31 + 7) & 0xff]);
        expect(view.none).toEqual([]);
        expect(view.longer).toEqual([]);
      }
    });

    test('prefix deletes apply in call order among buffered writes, and commit at once', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const s = store.keySpace('s');
          // Committed before: two under ['d', 'x'], one under ['d', 'y'], one elsewhere.
          await s.put(['d', 'x', '1'], ks.pattern(1, 1));
          await s.put(['d', 'x', '2'], ks.pattern(2, 1));
          await s.put(['d', 'y', '1'], ks.pattern(3, 1));
          await s.put(['e', '1'], ks.pattern(4, 1));
          await store.flush();
          // Buffered: a put that a later prefix delete drops, a put after it that survives,
          // a put under ['d', 'y'] that its later delete drops, a delete then a put.
          await s.put(['d', 'x', '3'], ks.pattern(5, 1));
          await s.put(['d', 'y', '2'], ks.pattern(6, 1));
          const committedBeforeDelete = await pp.rawCount(name, 'keyValues');
          await s.deleteRange(['d', 'x']);
          // The prefix delete committed at once, with the writes buffered before it.
          const committedAfterDelete = await pp.rawCount(name, 'keyValues');
          const pendingAfterDelete = (await store.stats()).pendingBytes;
          await s.put(['d', 'x', '4'], ks.pattern(7, 1));
          await s.delete(['e', '1']);
          await s.put(['e', '1'], ks.pattern(8, 1));
          await s.put(['d', 'z'], ks.pattern(9, 1));
          await s.delete(['d', 'z']);
          const buffered = await ks.range(s, []);
          const pendingBytes = (await store.stats()).pendingBytes;
          await store.flush();
          const flushed = await ks.range(s, []);
          await store.close();
          const again = await pp.open(name, engine);
          const reopened = await ks.range(again.keySpace('s'), []);
          // Everything, then a put: the put survives the delete of everything.
          const s2 = again.keySpace('s');
          await s2.deleteRange([]);
          await s2.put(['new'], ks.pattern(10, 1));
          const afterClear = await ks.range(s2, []);
          await again.flush();
          const afterClearFlushed = await ks.range(s2, []);
          await pp.cleanup(name, again);
          return {
            committedBeforeDelete,
            committedAfterDelete,
            pendingAfterDelete,
            buffered,
            pendingBytes,
            flushed,
            reopened,
            afterClear,
            afterClearFlushed,
          };
        },
        { name: uniqueName('ks-range-delete'), engine, hold: HOLD },
      );
      const p = (seed: number) => [(seed * 31) & 0xff];
      const expected = [
        [['d', 'x', '4'], p(7)],
        [['d', 'y', '1'], p(3)],
        [['d', 'y', '2'], p(6)],
        [['e', '1'], p(8)],
      ];
      expect(out.committedBeforeDelete).toBe(4);
      // ['d', 'x', '1' and '2'] deleted, ['d', 'x', '3'] dropped, ['d', 'y', '2'] committed.
      expect(out.committedAfterDelete).toBe(3);
      expect(out.pendingAfterDelete).toBe(0);
      expect(out.buffered).toEqual(expected);
      expect(out.pendingBytes).toBe(2);
      expect(out.flushed).toEqual(expected);
      expect(out.reopened).toEqual(expected);
      expect(out.afterClear).toEqual([[['new'], p(10)]]);
      expect(out.afterClearFlushed).toEqual([[['new'], p(10)]]);
    });

    test("getRange with { order: 'written' }: the order of each entry's latest write", async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const s = store.keySpace('w');
          await s.put(['p', 'c'], ks.pattern(1, 1));
          await s.put(['p', 'a'], ks.pattern(2, 1));
          await store.flush();
          await s.put(['p', 'b'], ks.pattern(3, 1));
          // Rewritten: it moves to the end.
          await s.put(['p', 'a'], ks.pattern(4, 1));
          const keysOf = async (order: 'key' | 'written') =>
            (await ks.range(store.keySpace('w'), ['p'], { order })).map((e) => e[0][1]);
          const buffered = { written: await keysOf('written'), key: await keysOf('key') };
          await store.flush();
          const flushed = { written: await keysOf('written'), key: await keysOf('key') };
          await store.close();
          const again = await pp.open(name, engine);
          const reopened = (await ks.range(again.keySpace('w'), ['p'], { order: 'written' })).map(
            (e) => e[0][1],
          );
          await pp.cleanup(name, again);
          return { buffered, flushed, reopened };
        },
        { name: uniqueName('ks-order'), engine, hold: HOLD },
      );
      const expected = { written: ['c', 'b', 'a'], key: ['a', 'b', 'c'] };
      expect(out.buffered).toEqual(expected);
      expect(out.flushed).toEqual(expected);
      expect(out.reopened).toEqual(['c', 'b', 'a']);
    });

    test('hostile input rejects invalid-argument and writes nothing', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const s = store.keySpace('h');
          const ok = new Uint8Array([1, 2, 3]);
          const detached = new Uint8Array([4, 5]);
          structuredClone(detached.buffer, { transfer: [detached.buffer] });
          // eslint-disable-next-line no-sparse-arrays
          const sparse = [, 'a'] as unknown as string[];
          const bad = (v: unknown) => v as never;
          const calls: Array<[string, () => Promise<unknown>]> = [
            ['put empty key', () => s.put([], ok)],
            ['put number element', () => s.put(bad(['a', 1]), ok)],
            ['put string key', () => s.put(bad('a'), ok)],
            ['put sparse key', () => s.put(sparse, ok)],
            ['put null element', () => s.put(bad(['a', null]), ok)],
            ['put string value', () => s.put(['a'], bad('abc'))],
            ['put number array value', () => s.put(['a'], bad([1, 2]))],
            ['put DataView value', () => s.put(['a'], bad(new DataView(new ArrayBuffer(2))))],
            ['put ArrayBuffer value', () => s.put(['a'], bad(new ArrayBuffer(2)))],
            ['put detached value', () => s.put(['a'], detached)],
            ['get empty key', () => s.get([])],
            ['get object key', () => s.get(bad({ 0: 'a', length: 1 }))],
            ['delete empty key', () => s.delete([])],
            ['delete number element', () => s.delete(bad([1]))],
            ['getRange string prefix', () => s.getRange(bad('a'))],
            ['getRange bad order', () => s.getRange([], bad({ order: 'random' }))],
            ['deleteRange null prefix', () => s.deleteRange(bad(null))],
            ['deleteRange symbol element', () => s.deleteRange(bad([Symbol('x')]))],
          ];
          const outcomes: Record<string, string> = {};
          for (const [what, fn] of calls) outcomes[what] = (await pp.outcome(fn)).code;
          const badName = await pp.outcome(async () => store.keySpace(bad(7)));
          const pendingBytes = (await store.stats()).pendingBytes;
          await store.flush();
          const stored = await s.getRange([]);
          const committed = await pp.rawCount(name, 'keyValues');
          await pp.cleanup(name, store);
          return { outcomes, badName: badName.code, pendingBytes, stored: stored.length, committed };
        },
        { name: uniqueName('ks-hostile'), engine, hold: HOLD },
      );
      for (const [what, code] of Object.entries(out.outcomes)) expect(code, what).toBe('invalid-argument');
      expect(Object.keys(out.outcomes)).toHaveLength(18);
      expect(out.badName).toBe('invalid-argument');
      expect(out.pendingBytes).toBe(0);
      expect(out.stored).toBe(0);
      expect(out.committed).toBe(0);
    });

    test("the caller's arrays are copied once: never kept, never detached", async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const s = store.keySpace('c');
          // A view into the middle of a larger buffer: only its own bytes are stored.
          const big = new Uint8Array(64).map((_, i) => i);
          const view = big.subarray(10, 14);
          const key = ['k', 'one'];
          await s.put(key, view);
          // The caller edits everything it passed, after the call.
          view.fill(0xee);
          key[1] = 'two';
          const stillUsable = { viewLength: view.byteLength, bigLength: big.buffer.byteLength };
          // Edits of what reads return do not reach the store either (the value is buffered).
          const got = await s.get(['k', 'one']);
          got?.fill(0xdd);
          const ranged = await s.getRange(['k']);
          ranged[0]?.data.fill(0xcc);
          ranged[0]?.key.push('x');
          const buffered = await ks.range(s, []);
          await store.flush();
          const flushed = await ks.range(s, []);
          const again = await s.get(['k', 'one']);
          again?.fill(0xbb);
          const afterEdit = await ks.value(s, ['k', 'one']);
          await pp.cleanup(name, store);
          return { stillUsable, buffered, flushed, afterEdit };
        },
        { name: uniqueName('ks-copies'), engine, hold: HOLD },
      );
      expect(out.stillUsable).toEqual({ viewLength: 4, bigLength: 64 });
      const expected = [
        [
          ['k', 'one'],
          [10, 11, 12, 13],
        ],
      ];
      expect(out.buffered).toEqual(expected);
      expect(out.flushed).toEqual(expected);
      expect(out.afterEdit).toEqual([10, 11, 12, 13]);
    });

    test("key-space writes share the Persister's write-behind: one flush, one count", async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, hold }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine, { writeBehind: hold });
          const s = store.keySpace('shared');
          await s.put(['a'], ks.pattern(1, 1000));
          await s.put(['a'], ks.pattern(2, 600)); // the latest value of a key counts once
          await store.persister('doc').insertChanges([['actor', 1, ks.pattern(3, 200)]]);
          const pending = (await store.stats()).pendingBytes;
          const before = [await pp.rawCount(name, 'keyValues'), await pp.rawCount(name, 'changes')];
          // The key space's flush is the store's: it commits the Persister's write too.
          const flushed = await s.flush();
          const after = [await pp.rawCount(name, 'keyValues'), await pp.rawCount(name, 'changes')];
          const pendingAfter = (await store.stats()).pendingBytes;
          await pp.cleanup(name, store);
          return { pending, before, flushed, after, pendingAfter };
        },
        { name: uniqueName('ks-shared'), engine, hold: HOLD },
      );
      expect(out.pending).toBe(800);
      expect(out.before).toEqual([0, 0]);
      expect(out.flushed).toBe(800);
      expect(out.after).toEqual([1, 1]);
      expect(out.pendingAfter).toBe(0);
    });

    test('a database from before key spaces (schema v4) upgrades: its data stays, the key space works', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp, ks } = window;
          // larder's schema v1 to v4, as those versions laid it out, with a document stored.
          await new Promise<void>((resolve, reject) => {
            const req = indexedDB.open(`larder:${name}`, 4);
            req.onupgradeneeded = () => {
              const db = req.result;
              db.createObjectStore('changes', { keyPath: 'id', autoIncrement: true }).createIndex(
                'doc',
                'doc',
              );
              db.createObjectStore('documents').put(new Uint8Array([4, 4]), 'from-v4');
              for (const store of [
                'syncStates',
                'consensus',
                'consensusKeys',
                'logState',
                'logEntries',
                'tables',
              ]) {
                db.createObjectStore(store);
              }
              const ops = db.createObjectStore('ops');
              ops.createIndex('stored', ['space', 'storedAt']);
              ops.createIndex('loc', ['space', 'loc', 'storedAt']);
              for (const store of ['opData', 'sliceHashes', 'meta']) db.createObjectStore(store);
            };
            req.onsuccess = () => {
              req.result.close();
              resolve();
            };
            req.onerror = () => reject(req.error ?? new Error('open failed'));
          });
          const store = await pp.open(name, engine);
          const s = store.keySpace('after-upgrade');
          await s.put(['k'], ks.pattern(1, 3));
          await store.flush();
          const doc = Array.from((await store.persister('from-v4').getDocument()) ?? []);
          await store.close();
          const again = await pp.open(name, engine);
          const value = await ks.value(again.keySpace('after-upgrade'), ['k']);
          await pp.cleanup(name, again);
          return { doc, value };
        },
        { name: uniqueName('ks-upgrade'), engine },
      );
      expect(out).toEqual({ doc: [4, 4], value: [31 & 0xff, (31 + 7) & 0xff, (31 + 14) & 0xff] });
    });

    test('thousands of entries and a large value come back whole', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { pp, ks } = window;
          const store = await pp.open(name, engine);
          const s = store.keySpace('many');
          const writes: Promise<void>[] = [];
          for (let d = 0; d < 30; d++) {
            for (let i = 0; i < 100; i++)
              writes.push(s.put([`doc${d}`, 'chunk', `${i}`], ks.pattern(d * 100 + i, 50)));
          }
          await Promise.all(writes);
          const large = ks.pattern(7, 8 * 1024 * 1024);
          await s.put(['large'], large);
          const check = async () => {
            const one = await s.getRange(['doc7']);
            let intact = 0;
            for (const e of one) {
              const i = Number(e.key[2]);
              const want = ks.pattern(700 + i, 50);
              if (e.data.every((b, j) => b === want[j]) && e.data.byteLength === 50) intact++;
            }
            const all = await s.getRange([]);
            const big = await s.get(['large']);
            let bigOk = big?.byteLength === large.byteLength;
            for (let j = 0; bigOk && big !== undefined && j < big.length; j += 4099)
              bigOk = big[j] === large[j];
            return { one: one.length, intact, all: all.length, bigOk };
          };
          const buffered = await check();
          await store.flush();
          const flushed = await check();
          await pp.cleanup(name, store);
          return { buffered, flushed };
        },
        { name: uniqueName('ks-many'), engine },
      );
      const expected = { one: 100, intact: 100, all: 3001, bigOk: true };
      expect(out.buffered).toEqual(expected);
      expect(out.flushed).toEqual(expected);
    });
  });
}
