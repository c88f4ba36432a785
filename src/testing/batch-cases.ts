import type { ContractCase } from './contract-setup.js';
import { checkEqual, checkRejects, checkThrows } from './check.js';

const PEER = '3d0f7e1a-5b2c-4c8d-9e6f-1a2b3c4d5e01';
const SERVER_USER = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c02';

/** A table key as plain data: binary keys come back as ArrayBuffers, dates as Dates. */
const describeKey = (k: IDBValidKey): unknown =>
  k instanceof ArrayBuffer
    ? { bytes: Array.from(new Uint8Array(k)) }
    : k instanceof Date
      ? { date: k.getTime() }
      : k;

/**
 * Tables and atomic batches (API.md section 5), part of the `LogTracker` contract: the batches
 * that carry its rows also carry the app's own records.
 */
export const batchCases: readonly ContractCase[] = [
  {
    // WebKitGTK 2.50 reads a binary part that is not a key's last part back with the following
    // parts' serialization appended (src/engine/key-repair.ts): the kit's suites found it.
    title: 'array keys with binary parts before other parts read back as stored',
    async run({ open }) {
      const store = await open();
      const id = new Uint8Array([1, 2, 3]);
      const keys: IDBValidKey[] = [
        ['bin-number', id, 7],
        ['bin-string', id, 'x', 5],
        ['bin-bin', new Uint8Array([9, 9]), new Uint8Array([8])],
        ['bin-date', id, new Date(5)],
        ['bin-array', id, ['y', 2]],
        ['nested', [id, 3], 4],
      ];
      const batch = store.batch();
      keys.forEach((k, i) => batch.put('t', k, i));
      await batch.commit();
      const plain = (k: unknown): unknown =>
        Array.isArray(k)
          ? k.map(plain)
          : k instanceof ArrayBuffer || ArrayBuffer.isView(k)
            ? { bytes: Array.from(new Uint8Array(k instanceof ArrayBuffer ? k : k.buffer)) }
            : k instanceof Date
              ? { date: k.getTime() }
              : k;
      const all = await store.table('t').getAll();
      // Arrays compare by their first part, here each a different string.
      const byName = [4, 2, 3, 0, 1, 5];
      checkEqual(
        all.map(([k, v]) => [plain(k), v]),
        byName.map((i) => [plain(keys[i]), i]),
        'every key and value, in key order',
      );
      for (const [i, k] of keys.entries()) checkEqual(await store.table('t').get(k), i, `get of key ${i}`);
    },
  },
  {
    title: 'tables hold any cloneable value under any key, read back in key order',
    async run({ open }) {
      const store = await open();
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
      checkEqual(chained === batch, true, 'put returns the batch itself');
      // Changed after enqueueing: the batch holds what was passed.
      binKey[0] = 99;
      arrKey.push('changed');
      value.nested.list.push('changed');
      await batch.commit();
      const table = store.table('t');
      const all = await table.getAll();
      // IndexedDB key order: numbers, dates, strings, binary, arrays.
      checkEqual(
        all.map(([k]) => describeKey(k)),
        [2, 10, { date: 86_400_000 }, 'a', 'b', 'undef', { bytes: [1, 2, 3] }, ['x', 1]],
        'keys, in order',
      );
      checkEqual(
        all.map(([, v]) => (v === value || typeof v !== 'string' ? typeof v : v)),
        ['two', 'ten', 'date', 'object', 'string b', 'undefined', 'binary', 'array'],
        'values, in key order',
      );
      const a = (await table.get('a')) as typeof value;
      checkEqual(
        {
          map: [...a.map].map(([k, v]) => [k, [...(v as Set<number>)]]),
          big: a.big,
          bytes: Array.from(a.bytes),
          nested: a.nested,
          negZero: Object.is(a.nested.list[3], -0),
        },
        {
          map: [['k', [1, 2]]],
          big: 2n ** 70n,
          bytes: [7, 8],
          nested: { list: [null, undefined, 'ß', -0] },
          negZero: true,
        },
        "the object under 'a'",
      );
      checkEqual(await table.get(new Uint8Array([1, 2, 3])), 'binary', 'the value under a binary key');
      checkEqual(await table.get(['x', 1]), 'array', 'the value under an array key');
      checkEqual(await table.get(new Date(86_400_000)), 'date', 'the value under a date key');
      checkEqual(await table.get('absent'), undefined, 'the value under an absent key');
      checkEqual(await table.get('undef'), undefined, "the value under 'undef'");
      checkEqual(
        all.some(([k]) => k === 'undef'),
        true,
        "'undef', stored with the value undefined, is listed",
      );
      checkEqual(await store.table('u').getAll(), [], 'rows of another table');
    },
  },
  {
    title: 'tables never see each other, whatever their names share',
    async run({ open }) {
      const store = await open();
      const names = ['a', 'a\u0000', 'a\u0000b', 'ab', '', 'b'];
      const batch = store.batch();
      for (const t of names) batch.put(t, 1, `${t}:1`).put(t, [t], `${t}:array`);
      await batch.commit();
      for (const t of names)
        checkEqual(
          await store.table(t).getAll(),
          [
            [1, `${t}:1`],
            [[t], `${t}:array`],
          ],
          `rows of table ${JSON.stringify(t)}`,
        );
    },
  },
  {
    title: 'ops apply in order; the batch empties at commit and can be reused',
    async run({ open }) {
      const store = await open();
      const t = store.table('t');
      const batch = store.batch();
      checkEqual(await batch.commit(), undefined, 'what the commit of an empty batch resolves');
      batch.put('t', 'x', 1).put('t', 'x', 2); // last put wins
      batch.put('t', 'gone', 1).delete('t', 'gone'); // put then delete: absent
      batch.delete('t', 'back').put('t', 'back', 'here'); // delete then put: present
      batch.delete('t', 'never-there'); // deleting an absent key is fine
      await batch.commit();
      checkEqual(
        await t.getAll(),
        [
          ['back', 'here'],
          ['x', 2],
        ],
        'rows after the first commit',
      );
      batch.delete('t', 'x');
      await batch.commit();
      await batch.commit(); // nothing left: a no-op
      checkEqual(await t.getAll(), [['back', 'here']], 'rows after reusing the batch');
    },
  },
  {
    title: 'bad keys, tables and values are rejected before anything is enqueued',
    async run({ open }) {
      const store = await open();
      const batch = store.batch();
      const put = (t: unknown, k: unknown, v: unknown) => batch.put(t as string, k as IDBValidKey, v);
      const calls: Array<[string, () => unknown]> = [
        ['object key', () => put('t', { a: 1 }, 1)],
        ['boolean key', () => put('t', true, 1)],
        ['NaN key', () => put('t', NaN, 1)],
        ['null key', () => put('t', null, 1)],
        ['invalid date key', () => put('t', new Date(NaN), 1)],
        ['array with an object', () => put('t', [1, {}], 1)],
        ['table not a string', () => put(7, 'k', 1)],
        ['uncloneable value', () => put('t', 'k', () => 1)],
        ['delete with bad key', () => batch.delete('t', {} as unknown as IDBValidKey)],
        ['table() with a number', () => store.table(1 as unknown as string)],
      ];
      // The original test counted its attempts; kept so that a dropped line shows.
      checkEqual(calls.length, 10, 'calls tried');
      for (const [what, call] of calls) checkThrows(call, 'invalid-argument', what);
      await batch.commit();
      await checkRejects(
        () => store.table('t').get({} as unknown as IDBValidKey),
        'invalid-argument',
        'get with an object key',
      );
      checkEqual(await store.table('t').getAll(), [], 'rows after committing the batch');
    },
  },
  {
    title: 'a committed batch is visible to another connection',
    async run({ open }) {
      // e2e/batch.spec.ts paired the worker engine with the inline one; a contract case has one
      // setup, so here both stores come from it: two stores of one name, two connections.
      const writer = await open();
      const reader = await open();
      // The reader opened its connection first, so it must see the write, not a snapshot.
      const readerLog = await reader.logTracker('shared');
      checkEqual(await reader.table('t').getAll(), [], "the reader's table before the commit");
      const log = await writer.logTracker('shared');
      const batch = writer.batch().put('t', 'k', { v: 1 });
      log.trackOne(PEER, 41n, 7n, undefined, 'op', batch);
      await batch.commit();
      checkEqual(await reader.table('t').getAll(), [['k', { v: 1 }]], "the reader's table after the commit");
      checkEqual([...(await readerLog.allCursors())], [[PEER, 42n]], "the reader's cursors after the commit");
    },
  },
  {
    title: 'a max-register reducer stays consistent with its log',
    async run({ open }) {
      type Op = { set: number };
      const store = await open();
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
      checkEqual(
        afterThree,
        [
          ['applied', 3],
          ['max', 9],
        ],
        'registers after three entries',
      );

      // Replaying entry 1 with a larger value must not touch the register.
      await checkRejects(
        () => apply(1n, hlc(1002n, 0n), undefined, { set: 100 }),
        'conflict',
        'a replay of entry 1',
      );
      checkEqual(await registers.getAll(), afterThree, 'registers after the replay');

      // Entries 3 and 4 were expunged upstream: only their hashes are recorded.
      const markers = store.batch();
      log.trackExpunged(PEER, 3n, new Uint8Array([0xab, 0xcd]), markers);
      log.trackExpunged(PEER, 4n, new Uint8Array([0xef]), markers);
      await markers.commit();
      const cursor = (await log.allCursors()).get(PEER);
      checkEqual(cursor, 5n, 'cursor after the markers');

      // Resuming from the cursor, as a sync loop would.
      await apply(cursor ?? 0n, hlc(1003n, 0n), undefined, { set: 7 });
      checkEqual(
        await registers.getAll(),
        [
          ['applied', 4],
          ['max', 9],
        ],
        'registers after resuming',
      );
      checkEqual((await log.allCursors()).get(PEER), 6n, 'cursor after resuming');
      checkEqual(
        (await log.readEntries(PEER, 1n, 4)).map(([i, e]) =>
          e.kind === 'entry'
            ? { i, kind: e.kind, ts: e.timestamp, user: e.serverUserId, op: e.op }
            : { i, kind: e.kind, hash: Array.from(e.hash), keys: Object.keys(e).sort() },
        ),
        [
          { i: 1n, kind: 'entry', ts: (1000n << 16n) | 1n, user: SERVER_USER, op: { set: 3 } },
          { i: 2n, kind: 'entry', ts: 1001n << 16n, user: undefined, op: { set: 9 } },
          { i: 3n, kind: 'expunged', hash: [0xab, 0xcd], keys: ['hash', 'kind'] },
          { i: 4n, kind: 'expunged', hash: [0xef], keys: ['hash', 'kind'] },
        ],
        'rows 1 to 4',
      );
    },
  },
];
