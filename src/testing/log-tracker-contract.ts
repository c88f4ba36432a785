import type { Batch } from '../contracts/log-tracker.js';
import type { Store } from '../contracts/store.js';
import type { ContractCase } from './contract-setup.js';
import {
  checkEachRejects,
  checkEqual,
  checkRejects,
  checkResolves,
  checkThrows,
  type ExpectedFailure,
} from './check.js';
import { batchCases } from './batch-cases.js';

const PEER_A = '6f1c1c3e-8d5a-4c5e-9b59-0a6f3f1f2a01';
const PEER_B = '0a9e4d52-1b7c-4f0e-8a3d-5e2c7b9f4c02';
const PEER_C = 'ffffffff-0000-4000-8000-000000000003';
const USER = 'c2a4e5b6-7d8f-4a1b-9c3d-2e4f6a8b0c04';
/** The largest entry index and timestamp: 2^63 - 1. */
const MAX = 2n ** 63n - 1n;

/** The cursors of the log tracker `prefix` of `store`, as pairs. */
const cursorsOf = async (store: Store, prefix: string) => [
  ...(await (await store.logTracker(prefix)).allCursors()),
];

/**
 * The `LogTracker` contract (API.md section 5): per-peer op logs with cursors, written through
 * batches; then the tables and batches themselves.
 */
export const logTrackerCases: readonly ContractCase[] = [
  {
    title: 'tracks entries and expunged markers, reads them back in index order',
    async run({ open }) {
      const store = await open();
      type Op = { text: string; when: Date; tags: Map<string, number>; big: bigint; bytes: Uint8Array };
      const log = await store.logTracker<Op>('notes');
      checkEqual([...(await log.allCursors())], [], 'cursors of a new log tracker');
      const op = (i: number): Op => ({
        text: `op ${i}`,
        when: new Date(1_700_000_000_000 + i),
        tags: new Map([['n', i]]),
        big: BigInt(i) << 40n,
        bytes: new Uint8Array([i, i + 1]),
      });
      const batch = store.batch();
      // Out of order, across hex digit boundaries, and up to i64::MAX: order must be numeric.
      for (const i of [16n, 2n, 255n, 15n, 256n, 0n])
        log.trackOne(PEER_A, i, (1_700_000_000_000n << 16n) | i, USER.toUpperCase(), op(Number(i)), batch);
      log.trackExpunged(PEER_A, MAX, new Uint8Array([9, 8, 7]), batch);
      log.trackOne(PEER_B.toUpperCase(), 3n, MAX, undefined, op(3), batch);
      checkEqual([...(await log.allCursors())], [], 'cursors before the commit');
      await batch.commit();

      checkEqual(
        [...(await log.allCursors())].sort(),
        [
          [PEER_B, 4n],
          [PEER_A, MAX + 1n],
        ],
        'cursors after the commit',
      );
      const all = await log.readEntries(PEER_A, 0n, Number.MAX_SAFE_INTEGER);
      checkEqual(
        all.map(([i]) => i),
        [0n, 2n, 15n, 16n, 255n, 256n, MAX],
        "indexes of peer A's rows",
      );
      const first = all[0];
      checkEqual(
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
        {
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
        },
        "peer A's first row",
      );
      const marker = all.find(([, e]) => e.kind === 'expunged');
      checkEqual(
        marker && marker[1].kind === 'expunged'
          ? { idx: marker[0], keys: Object.keys(marker[1]).sort(), hash: Array.from(marker[1].hash) }
          : undefined,
        { idx: MAX, keys: ['hash', 'kind'], hash: [9, 8, 7] },
        "peer A's expunged marker",
      );
      checkEqual(
        (await log.readEntries(PEER_A, 15n, 3)).map(([i]) => i),
        [15n, 16n, 255n],
        'rows from 15, limit 3',
      );
      checkEqual(
        (await log.readEntries(PEER_A, 17n, 10)).map(([i]) => i),
        [255n, 256n, MAX],
        'rows from an index with no row',
      );
      checkEqual(
        (await log.readEntries(PEER_A, MAX, 10)).map(([i]) => i),
        [MAX],
        'rows from the largest index',
      );
      checkEqual((await log.readEntries(PEER_A, 0n, 0)).length, 0, 'rows with limit 0');
      checkEqual(
        (await log.readEntries(PEER_B.toUpperCase(), 0n, 10)).map(([i, e]) => [
          i,
          e.kind,
          e.kind === 'entry' ? e.serverUserId : 'x',
        ]),
        [[3n, 'entry', undefined]],
        'rows of peer B, asked in upper case',
      );
      checkEqual((await log.readEntries(PEER_C, 0n, 10)).length, 0, 'rows of a peer with none');
    },
  },
  {
    title: 'prefixes are independent logs and init keeps existing rows',
    async run({ open }) {
      let store = await open();
      // Prefixes that share leading characters, and the empty one.
      const prefixes = ['a', 'ab', 'a\u0000', ''];
      const batch = store.batch();
      for (const [n, prefix] of prefixes.entries()) {
        const log = await store.logTracker(prefix);
        for (let i = 0; i <= n; i++) log.trackOne(PEER_A, BigInt(i), 1n, undefined, { prefix, i }, batch);
      }
      // The same (peer, entryIdx) in every prefix: no conflict across prefixes.
      await batch.commit();
      const expected = [
        ['a', [[PEER_A, 1n]]],
        ['ab', [[PEER_A, 2n]]],
        ['a\u0000', [[PEER_A, 3n]]],
        ['', [[PEER_A, 4n]]],
      ];
      const before: Array<[string, unknown]> = [];
      for (const prefix of prefixes) before.push([prefix, await cursorsOf(store, prefix)]);
      checkEqual(before, expected, 'cursors per prefix');
      const reads = await (await store.logTracker('ab')).readEntries(PEER_A, 0n, 100);
      checkEqual(
        reads.map(([i, e]) => [i, e.kind === 'entry' ? e.op : null]),
        [
          [0n, { prefix: 'ab', i: 0 }],
          [1n, { prefix: 'ab', i: 1 }],
        ],
        "rows of prefix 'ab'",
      );

      // init again, and after reopening: idempotent, rows kept.
      await store.logTracker('a');
      await store.close();
      store = await open();
      const after: Array<[string, unknown]> = [];
      for (const prefix of prefixes) after.push([prefix, await cursorsOf(store, prefix)]);
      checkEqual(after, expected, 'cursors per prefix after init again and reopening');
    },
  },
  {
    title: 'allCursors lists every peer with rows, and only those',
    async run({ open }) {
      const store = await open();
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
      checkEqual(
        {
          size: got.size,
          mismatches: [...expected].filter(([p, c]) => got.get(p) !== c).length,
          isMap: got instanceof Map,
        },
        { size: 40, mismatches: 0, isMap: true },
        'cursors of 40 peers',
      );
    },
  },
  {
    title: 'bad arguments throw invalid-argument synchronously and enqueue nothing',
    async run({ name, open }) {
      const store = await open();
      const other = await open(undefined, `${name}-other`);
      const log = await store.logTracker('bad');
      const batch = store.batch();
      const bytes = new Uint8Array([1]);
      const track = (peer: unknown, idx: unknown, ts: unknown, user: unknown, op: unknown, b: unknown) =>
        log.trackOne(peer as string, idx as bigint, ts as bigint, user as string, op, b as Batch);
      const syncCalls: Array<[string, () => void]> = [
        ['idx above i64::MAX', () => track(PEER_A, MAX + 1n, 0n, undefined, 1, batch)],
        ['negative idx', () => track(PEER_A, -1n, 0n, undefined, 1, batch)],
        ['number idx', () => track(PEER_A, 1, 0n, undefined, 1, batch)],
        ['timestamp above i64::MAX', () => track(PEER_A, 1n, 2n ** 64n - 1n, undefined, 1, batch)],
        ['number timestamp', () => track(PEER_A, 1n, 5, undefined, 1, batch)],
        ['malformed peer', () => track('not-a-uuid', 1n, 0n, undefined, 1, batch)],
        ['peer with braces', () => track(`{${PEER_A}}`, 1n, 0n, undefined, 1, batch)],
        ['peer not a string', () => track(42, 1n, 0n, undefined, 1, batch)],
        ['malformed user', () => track(PEER_A, 1n, 0n, `${USER}0`, 1, batch)],
        ['null user', () => track(PEER_A, 1n, 0n, null, 1, batch)],
        ['uncloneable op', () => track(PEER_A, 1n, 0n, undefined, { f: () => 1 }, batch)],
        ['not a batch', () => track(PEER_A, 1n, 0n, undefined, 1, { commit() {} })],
        ["another store's batch", () => track(PEER_A, 1n, 0n, undefined, 1, other.batch())],
        ['expunged idx above i64::MAX', () => log.trackExpunged(PEER_A, MAX + 1n, bytes, batch)],
        ['expunged malformed peer', () => log.trackExpunged('x', 1n, bytes, batch)],
        [
          'expunged hash not bytes',
          () => log.trackExpunged(PEER_A, 1n, [1, 2] as unknown as Uint8Array, batch),
        ],
      ];
      // The original test counted its attempts; kept so that a dropped line shows.
      checkEqual(syncCalls.length, 16, 'synchronous calls tried');
      for (const [what, call] of syncCalls) checkThrows(call, 'invalid-argument', what);
      // The batch must still be empty: committing it writes nothing.
      await batch.commit();
      checkEqual([...(await log.allCursors())], [], 'cursors after committing the batch');

      const asyncCalls: ExpectedFailure[] = [
        ['readEntries number from', () => log.readEntries(PEER_A, 0 as unknown as bigint, 1)],
        ['readEntries negative from', () => log.readEntries(PEER_A, -1n, 1)],
        ['readEntries negative limit', () => log.readEntries(PEER_A, 0n, -1)],
        ['readEntries fractional limit', () => log.readEntries(PEER_A, 0n, 1.5)],
        ['readEntries bad peer', () => log.readEntries('nope', 0n, 1)],
        ['logTracker number prefix', () => store.logTracker(1 as unknown as string)],
      ];
      checkEqual(asyncCalls.length, 6, 'asynchronous calls tried');
      await checkEachRejects(asyncCalls, 'invalid-argument', 'asynchronous calls with bad arguments');
    },
  },
  {
    title: 'a duplicate (peer, entryIdx) rejects the whole batch with conflict',
    async run({ open }) {
      const store = await open();
      const log = await store.logTracker('dup');
      const table = store.table('state');
      const setup = store.batch().put('state', 'kept', 'original').put('state', 'doomed', 'here');
      log.trackOne(PEER_A, 5n, 1n, undefined, 'five', setup);
      log.trackExpunged(PEER_B, 2n, new Uint8Array([2]), setup);
      await checkResolves(() => setup.commit(), 'the first batch');

      // The conflicting row is last: everything before it in the batch must roll back too.
      const replay = store.batch().put('state', 'kept', 'changed').delete('state', 'doomed');
      replay.put('state', 'new', 1);
      log.trackOne(PEER_A, 6n, 1n, undefined, 'six', replay);
      log.trackOne(PEER_B, 0n, 1n, undefined, 'b zero', replay);
      log.trackExpunged(PEER_A, 5n, new Uint8Array([5]), replay);
      await checkRejects(() => replay.commit(), 'conflict', 'a marker on the index of an entry');

      const markerVsEntry = store.batch();
      log.trackOne(PEER_B, 2n, 1n, undefined, 'two', markerVsEntry);
      await checkRejects(() => markerVsEntry.commit(), 'conflict', 'an entry on the index of a marker');

      // Two rows with the same index within one batch conflict as well.
      const within = store.batch().put('state', 'within', true);
      log.trackOne(PEER_A, 7n, 1n, undefined, 'seven', within);
      log.trackOne(PEER_A, 7n, 2n, undefined, 'seven again', within);
      await checkRejects(() => within.commit(), 'conflict', 'two rows of one index in one batch');

      // The batch is empty after a failed commit; a good one still commits.
      await checkResolves(() => within.commit(), 'the failed batch committed again, empty');
      log.trackOne(PEER_A, 7n, 1n, undefined, 'seven', within);
      await checkResolves(() => within.commit(), 'the failed batch reused with one good row');

      checkEqual(
        [...(await log.allCursors())].sort(),
        [
          [PEER_B, 3n],
          [PEER_A, 8n],
        ],
        'cursors',
      );
      checkEqual(
        (await log.readEntries(PEER_A, 0n, 10)).map(([i, e]) => [i, e.kind === 'entry' ? e.op : 'x']),
        [
          [5n, 'five'],
          [7n, 'seven'],
        ],
        'rows of peer A',
      );
      checkEqual(
        (await log.readEntries(PEER_B, 0n, 10)).map(([i, e]) => [i, e.kind]),
        [[2n, 'expunged']],
        'rows of peer B',
      );
      checkEqual(
        await table.getAll(),
        [
          ['doomed', 'here'],
          ['kept', 'original'],
        ],
        'the table the conflicting batches also wrote',
      );
    },
  },
  {
    title: 'caller buffers and values are copied, never kept',
    async run({ open }) {
      const store = await open();
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
      const [marker, entry] = await log.readEntries(PEER_A, 0n, 10);
      checkEqual(
        parent.byteLength === 8 && Array.from(parent).join(),
        '0,1,99,3,4,5,6,7',
        "the caller's array, changed by the caller only",
      );
      checkEqual(
        marker?.[1].kind === 'expunged' ? Array.from(marker[1].hash) : null,
        [2, 3, 4],
        'the stored hash',
      );
      checkEqual(
        marker?.[1].kind === 'expunged' ? marker[1].hash.buffer.byteLength : null,
        3,
        "byte length of the read hash's buffer",
      );
      checkEqual(entry?.[1].kind === 'entry' ? entry[1].op : null, { list: [1, 2] }, 'the stored op');
    },
  },
  {
    title: 'calls on a closed store reject with closed',
    async run({ open }) {
      const store = await open();
      const log = await store.logTracker('closed');
      const batch = store.batch();
      log.trackOne(PEER_A, 0n, 0n, undefined, 1, batch);
      await store.close();
      await checkRejects(() => batch.commit(), 'closed', 'commit after close');
      await checkRejects(() => log.allCursors(), 'closed', 'allCursors after close');
      await checkRejects(() => log.readEntries(PEER_A, 0n, 1), 'closed', 'readEntries after close');
      await checkRejects(() => store.logTracker('closed'), 'closed', 'logTracker after close');
      await checkRejects(() => store.table('t').get(1), 'closed', 'table get after close');
      await checkRejects(() => store.table('t').getAll(), 'closed', 'table getAll after close');
      const reopened = await open();
      checkEqual(await cursorsOf(reopened, 'closed'), [], 'cursors after reopening');
    },
  },
  ...batchCases,
];
