import type { KeySpace } from '../contracts/key-space.js';
import type { Store } from '../contracts/store.js';
import type { ContractCase } from './contract-setup.js';
import { checkEachRejects, checkEqual, checkRejects, type ExpectedFailure } from './check.js';
import { keySpaceWriteCases } from './key-space-write-cases.js';
import { HOLD, committedEntries, pattern, plainRange, plainValue } from './key-space-fixtures.js';

/** The first byte of `pattern(seed, 1)`, as plain data. */
const p = (seed: number) => [(seed * 31) & 0xff];

/**
 * The `KeySpace` contract: key paths and prefix ranges, reads that see buffered writes, prefix
 * deletes in call order, the write-behind shared with the Persister, hostile input, the
 * caller's arrays, and many entries.
 */
export const keySpaceCases: readonly ContractCase[] = [
  {
    title: 'put, get and delete read back byte-identical: buffered, flushed and reopened',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const space = store.keySpace('docs');
      const all = new Uint8Array(256).map((_, i) => i);
      await space.put(['doc', 'snapshot', 'h1'], all);
      await space.put(['doc', 'incremental', 'h2'], pattern(2, 5));
      await space.put(['doc', 'incremental', 'h3'], new Uint8Array(0));
      await space.put(['gone'], pattern(9, 3));
      await space.delete(['gone']);
      await space.delete(['never-there']);
      const read = async (s: KeySpace) => ({
        all: await plainValue(s, ['doc', 'snapshot', 'h1']),
        h2: await plainValue(s, ['doc', 'incremental', 'h2']),
        empty: await plainValue(s, ['doc', 'incremental', 'h3']),
        gone: await plainValue(s, ['gone']),
        missing: await plainValue(s, ['doc']),
        range: await plainRange(s, ['doc']),
      });
      const allPlain = Array.from({ length: 256 }, (_, i) => i);
      const h2 = [2 * 31, 2 * 31 + 7, 2 * 31 + 14, 2 * 31 + 21, 2 * 31 + 28].map((v) => v & 0xff);
      const expected = {
        all: allPlain,
        h2,
        empty: [],
        gone: null,
        missing: null,
        range: [
          [['doc', 'incremental', 'h2'], h2],
          [['doc', 'incremental', 'h3'], []],
          [['doc', 'snapshot', 'h1'], allPlain],
        ],
      };
      checkEqual(await read(space), expected, 'what reads return of buffered writes');
      // Nothing reached IndexedDB before the flush; the flush reported the bytes it committed.
      checkEqual(await committedEntries(open, 'docs'), 0, 'entries committed before the flush');
      checkEqual(await space.flush(), 256 + 5, 'bytes the flush committed');
      checkEqual(await committedEntries(open, 'docs'), 3, 'entries committed after the flush');
      checkEqual(await read(space), expected, 'what reads return after the flush');
      await store.close();
      const again = await open();
      checkEqual(await read(again.keySpace('docs')), expected, 'what reads return after a reopen');
    },
  },
  {
    title: "prefix ranges: ['a'] never reaches ['ab'], [] is everything, spaces never meet",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
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
      for (const k of keys) await a.put(k, pattern(i++, 2));
      await ab.put(['a', 'b'], pattern(100, 2));
      await ab.put(['zz'], pattern(101, 2));
      // IndexedDB's order: element by element, strings by UTF-16 code unit, shorter first.
      const byCodeUnits = (x: string[], y: string[]) => {
        for (let i = 0; i < Math.min(x.length, y.length); i++) {
          if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
        }
        return x.length - y.length;
      };
      const sortedKeys = [...keys].sort(byCodeUnits);
      const under = (prefix: string[]) => sortedKeys.filter((k) => prefix.every((e, i) => k[i] === e));
      const keysUnder = async (s: KeySpace, prefix: string[]) =>
        (await plainRange(s, prefix)).map((e) => e[0]);
      const checkView = async (s: Store, when: string) => {
        const sa = s.keySpace('a');
        const underA = await keysUnder(sa, ['a']);
        checkEqual(underA, under(['a']), `${when}: keys under ['a']`);
        checkEqual(underA.length, 8, `${when}: the number of keys under ['a']`);
        checkEqual(
          await keysUnder(sa, ['a', 'b']),
          [
            ['a', 'b'],
            ['a', 'b', 'c'],
          ],
          `${when}: keys under ['a', 'b']`,
        );
        checkEqual(await keysUnder(sa, ['ab']), [['ab'], ['ab', 'c']], `${when}: keys under ['ab']`);
        checkEqual(await keysUnder(sa, ['']), [['']], `${when}: keys under ['']`);
        checkEqual(await keysUnder(sa, []), sortedKeys, `${when}: keys under []`);
        const otherSpace = await plainRange(s.keySpace('ab'), []);
        checkEqual(
          otherSpace.map((e) => e[0]),
          [['a', 'b'], ['zz']],
          `${when}: keys of space 'ab'`,
        );
        checkEqual(
          otherSpace[0]?.[1],
          [(100 * 31) & 0xff, (100 * 31 + 7) & 0xff],
          `${when}: the value of ['a', 'b'] in space 'ab'`,
        );
        checkEqual(await plainRange(sa, ['c']), [], `${when}: entries under ['c']`);
        checkEqual(await plainRange(sa, ['a', 'b', 'c', 'd']), [], `${when}: entries under a longer prefix`);
      };
      await checkView(store, 'buffered');
      await store.flush();
      await checkView(store, 'flushed');
    },
  },
  {
    title: 'prefix deletes apply in call order among buffered writes, and commit at once',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const s = store.keySpace('s');
      // Committed before: two under ['d', 'x'], one under ['d', 'y'], one elsewhere.
      await s.put(['d', 'x', '1'], pattern(1, 1));
      await s.put(['d', 'x', '2'], pattern(2, 1));
      await s.put(['d', 'y', '1'], pattern(3, 1));
      await s.put(['e', '1'], pattern(4, 1));
      await store.flush();
      // Buffered: a put that a later prefix delete drops, a put after it that survives, a put
      // under ['d', 'y'] that its later delete drops, a delete then a put.
      await s.put(['d', 'x', '3'], pattern(5, 1));
      await s.put(['d', 'y', '2'], pattern(6, 1));
      checkEqual(await committedEntries(open, 's'), 4, 'entries committed before the prefix delete');
      await s.deleteRange(['d', 'x']);
      // The prefix delete committed at once, with the writes buffered before it: ['d', 'x', '1'
      // and '2'] deleted, ['d', 'x', '3'] dropped, ['d', 'y', '2'] committed.
      checkEqual(await committedEntries(open, 's'), 3, 'entries committed after the prefix delete');
      checkEqual((await store.stats()).pendingBytes, 0, 'bytes pending after the prefix delete');
      await s.put(['d', 'x', '4'], pattern(7, 1));
      await s.delete(['e', '1']);
      await s.put(['e', '1'], pattern(8, 1));
      await s.put(['d', 'z'], pattern(9, 1));
      await s.delete(['d', 'z']);
      const expected = [
        [['d', 'x', '4'], p(7)],
        [['d', 'y', '1'], p(3)],
        [['d', 'y', '2'], p(6)],
        [['e', '1'], p(8)],
      ];
      checkEqual(await plainRange(s, []), expected, 'entries, buffered');
      checkEqual((await store.stats()).pendingBytes, 2, 'bytes pending');
      await store.flush();
      checkEqual(await plainRange(s, []), expected, 'entries, flushed');
      await store.close();
      const again = await open();
      checkEqual(await plainRange(again.keySpace('s'), []), expected, 'entries, reopened');
      // Everything, then a put: the put survives the delete of everything.
      const s2 = again.keySpace('s');
      await s2.deleteRange([]);
      await s2.put(['new'], pattern(10, 1));
      checkEqual(
        await plainRange(s2, []),
        [[['new'], p(10)]],
        'entries after deleting everything, then a put',
      );
      await again.flush();
      checkEqual(await plainRange(s2, []), [[['new'], p(10)]], 'the same, flushed');
    },
  },
  {
    title: "getRange with { order: 'written' }: the order of each entry's latest write",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const s = store.keySpace('w');
      await s.put(['p', 'c'], pattern(1, 1));
      await s.put(['p', 'a'], pattern(2, 1));
      await store.flush();
      await s.put(['p', 'b'], pattern(3, 1));
      // Rewritten: it moves to the end.
      await s.put(['p', 'a'], pattern(4, 1));
      const keysOf = async (space: KeySpace, order: 'key' | 'written') =>
        (await plainRange(space, ['p'], { order })).map((e) => e[0][1]);
      const expected = { written: ['c', 'b', 'a'], key: ['a', 'b', 'c'] };
      const both = async () => ({
        written: await keysOf(store.keySpace('w'), 'written'),
        key: await keysOf(store.keySpace('w'), 'key'),
      });
      checkEqual(await both(), expected, 'keys in written and in key order, buffered');
      await store.flush();
      checkEqual(await both(), expected, 'keys in written and in key order, flushed');
      await store.close();
      const again = await open();
      checkEqual(
        await keysOf(again.keySpace('w'), 'written'),
        ['c', 'b', 'a'],
        'keys in written order, reopened',
      );
    },
  },
  {
    title: 'hostile input rejects invalid-argument and writes nothing',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const s = store.keySpace('h');
      const ok = new Uint8Array([1, 2, 3]);
      const detached = new Uint8Array([4, 5]);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      // eslint-disable-next-line no-sparse-arrays
      const sparse = [, 'a'] as unknown as string[];
      const bad = (v: unknown) => v as never;
      const calls: ExpectedFailure[] = [
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
      checkEqual(new Set(calls.map(([what]) => what)).size, 18, 'distinct hostile calls');
      await checkEachRejects(calls, 'invalid-argument', 'hostile calls');
      // A synchronous throw counts as well as a rejection, as in the original test.
      await checkRejects(async () => store.keySpace(bad(7)), 'invalid-argument', 'keySpace(7)');
      checkEqual((await store.stats()).pendingBytes, 0, 'bytes pending after the hostile calls');
      await store.flush();
      checkEqual((await s.getRange([])).length, 0, 'entries stored');
      checkEqual(await committedEntries(open, 'h'), 0, 'entries committed');
    },
  },
  ...keySpaceWriteCases,
];
