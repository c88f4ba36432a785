import type { ContractCase } from './contract-setup.js';
import { byteDigest } from './byte-digest.js';
import {
  check,
  checkEachRejects,
  checkEqual,
  checkRejects,
  checkResolves,
  type ExpectedFailure,
  outcomeOf,
} from './check.js';

/** A value of the wrong type, passed on purpose. */
const bad = (v: unknown) => v as never;

/**
 * The `LogStatePersistence` contract (API.md section 4): checkpoints per log, read-then-write
 * transactions with optimistic concurrency. (`await using` of a write op is tested in
 * e2e/log-state.spec.ts: the kit's code must parse in browsers without it.)
 */
export const logStateCases: readonly ContractCase[] = [
  {
    title: 'init is idempotent and keeps data; logs lists what was set; unknown logs are not-found',
    async run({ open }) {
      const store = await open();
      const ls = store.logState();
      await ls.init();
      await ls.init();
      checkEqual(await ls.logs(), [], 'logs of a new store');
      const unknown = await ls.readOps('nope');
      await checkRejects(() => unknown.getLatest(), 'not-found', 'getLatest of an unknown log');
      // An opened write op that never sets makes no log appear.
      const idle = await ls.writeOps('idle');
      await checkRejects(() => idle.getLatest(), 'not-found', 'getLatest of a write op on an unknown log');
      await idle.close();
      const reader = await ls.readOps('a');
      for (const [id, bytes] of [
        ['a', [1]],
        ['b', [2, 2]],
        ['a/1', [3]],
      ] as const) {
        const w = await ls.writeOps(id);
        await w.set(new Uint8Array(bytes));
        await w.close();
      }
      // A read op opened before the write reads what is stored now.
      checkEqual(Array.from(await reader.getLatest()), [1], 'a read op opened before the write');
      await ls.init();
      checkEqual(Array.from(await (await ls.readOps('b')).getLatest()), [2, 2], 'log b after init again');
      checkEqual((await ls.logs()).sort(), ['a', 'a/1', 'b'], 'logs');
      await store.close();
      // A fresh store on the same database: init again keeps everything.
      const again = await open();
      const ls2 = again.logState();
      await ls2.init();
      checkEqual(
        {
          logs: (await ls2.logs()).sort(),
          a: Array.from(await (await ls2.readOps('a')).getLatest()),
          nested: Array.from(await (await ls2.readOps('a/1')).getLatest()),
        },
        { logs: ['a', 'a/1', 'b'], a: [1], nested: [3] },
        'logs and checkpoints after reopening',
      );
    },
  },
  {
    title: 'of two write ops opened before either sets, the first set wins and the second conflicts',
    async run({ open }) {
      const store = await open();
      const ls = store.logState();
      const latest = async (id: string) => Array.from(await (await ls.readOps(id)).getLatest());

      // On a log with no checkpoint yet.
      const a = await ls.writeOps('log');
      const b = await ls.writeOps('log');
      await checkResolves(() => a.set(new Uint8Array([1])), 'the first set on a new log');
      await checkRejects(() => b.set(new Uint8Array([2])), 'conflict', 'the second set on a new log');
      checkEqual(await latest('log'), [1], 'checkpoint after the race on a new log');
      checkEqual(await ls.logs(), ['log'], 'logs after the race on a new log');

      // On a log with one: each write op snapshots it, and getLatest returns the snapshot.
      const c = await ls.writeOps('log');
      const d = await ls.writeOps('log');
      checkEqual(Array.from(await c.getLatest()), [1], "a write op's snapshot");
      await checkResolves(() => d.set(new Uint8Array([4])), 'the first set on a log with a checkpoint');
      checkEqual(Array.from(await c.getLatest()), [1], "a write op's snapshot after another write op set");
      await checkRejects(
        () => c.set(new Uint8Array([3])),
        'conflict',
        'the second set on a log with a checkpoint',
      );
      checkEqual(await latest('log'), [4], 'checkpoint after the race on a log with a checkpoint');

      // A winner writing the very bytes the loser read still makes the loser conflict.
      const e = await ls.writeOps('log');
      const f = await ls.writeOps('log');
      await checkResolves(() => e.set(new Uint8Array([4])), 'a set of the bytes already stored');
      await checkRejects(() => f.set(new Uint8Array([5])), 'conflict', 'a set after a set of the same bytes');
      checkEqual(await latest('log'), [4], 'checkpoint after a set of the same bytes');

      // A conflicting set on a new log makes no log appear.
      const g = await ls.writeOps('fresh');
      const h = await ls.writeOps('fresh');
      await g.close();
      const other = await ls.writeOps('fresh');
      await other.set(new Uint8Array([9]));
      await checkRejects(
        () => h.set(new Uint8Array([8])),
        'conflict',
        'a set on a log another write op created',
      );
      checkEqual(await latest('fresh'), [9], 'checkpoint of the log another write op created');
    },
  },
  {
    title: 'many concurrent writers: one wins, the rest conflict, the value is the winner’s',
    async run({ open }) {
      // Two stores of one name: two engines and two connections racing.
      const stores = [await open(), await open()] as const;
      const seed = await stores[0].logState().writeOps('log');
      await seed.set(new Uint8Array([0]));
      const writers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => stores[i % 2 === 0 ? 0 : 1].logState().writeOps('log')),
      );
      // Each writer's bytes are distinct and large enough to be torn if anything tore them.
      const payload = (i: number) => new Uint8Array(64 * 1024).fill(i + 1);
      const results = await Promise.all(writers.map((w, i) => outcomeOf(w.set(payload(i)))));
      checkEqual(results.filter((r) => r === 'resolved').length, 1, 'how many of 12 racing sets succeeded');
      checkEqual(results.filter((r) => r === 'conflict').length, 11, 'how many of 12 racing sets conflicted');
      const winner = results.indexOf('resolved');
      check(winner >= 0, 'one of the racing sets succeeded');
      const stored = await (await stores[1].logState().readOps('log')).getLatest();
      check(
        stored.byteLength === 64 * 1024 && stored.every((b) => b === winner + 1),
        `the stored checkpoint is writer ${winner}'s, whole`,
      );
    },
  },
  {
    title: 'after set or close only close may be called; close is idempotent',
    async run({ open }) {
      const store = await open();
      const ls = store.logState();

      const done = await ls.writeOps('log');
      await done.set(new Uint8Array([1]));
      checkEqual(
        {
          set: await outcomeOf(done.set(new Uint8Array([2]))),
          getLatest: await outcomeOf(done.getLatest()),
          close: await outcomeOf(done.close()),
          closeAgain: await outcomeOf(done.close()),
        },
        { set: 'closed', getLatest: 'closed', close: 'resolved', closeAgain: 'resolved' },
        'calls on a write op after its set',
      );

      const loser = await ls.writeOps('log');
      const winner = await ls.writeOps('log');
      await winner.set(new Uint8Array([3]));
      await checkRejects(() => loser.set(new Uint8Array([4])), 'conflict', 'the set of the losing write op');
      checkEqual(
        {
          // A second try would overwrite the winner without ever having read it.
          set: await outcomeOf(loser.set(new Uint8Array([4]))),
          close: await outcomeOf(loser.close()),
        },
        { set: 'closed', close: 'resolved' },
        'calls on a write op after its conflict',
      );

      const closed = await ls.writeOps('log');
      await checkResolves(() => closed.close(), 'close of a write op that never set');
      checkEqual(
        {
          set: await outcomeOf(closed.set(new Uint8Array([5]))),
          getLatest: await outcomeOf(closed.getLatest()),
          close: await outcomeOf(closed.close()),
        },
        { set: 'closed', getLatest: 'closed', close: 'resolved' },
        'calls on a write op after its close',
      );
      checkEqual(Array.from(await (await ls.readOps('log')).getLatest()), [3], 'the stored checkpoint');
    },
  },
  {
    title: 'bad input rejects with invalid-argument and writes nothing',
    async run({ open }) {
      const store = await open();
      const ls = store.logState();
      const ops = await ls.writeOps('log');
      const calls: ExpectedFailure[] = [
        ['readOps of a number', () => ls.readOps(bad(1))],
        ['readOps of undefined', () => ls.readOps(bad(undefined))],
        ['writeOps of a number', () => ls.writeOps(bad(2))],
        ['writeOps of an object', () => ls.writeOps(bad({}))],
        ['set of an array', () => ops.set(bad([1, 2]))],
        ['set of a string', () => ops.set(bad('x'))],
        ['set of an ArrayBuffer', () => ops.set(bad(new ArrayBuffer(1)))],
        ['set of null', () => ops.set(bad(null))],
      ];
      await checkEachRejects(calls, 'invalid-argument', 'calls with bad input');
      checkEqual(await ls.logs(), [], 'logs after the bad calls');
      // A set rejected for bad input changes nothing, the write op's state included.
      await checkResolves(() => ops.set(new Uint8Array([7])), 'a good set after the bad ones');
      checkEqual(Array.from(await (await ls.readOps('log')).getLatest()), [7], 'the stored checkpoint');
    },
  },
  {
    title: 'any bytes round-trip, unaliased; an unclosed writer blocks nobody; closed store rejects',
    async run({ open }) {
      const store = await open();
      const ls = store.logState();
      const big = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => (i * 13) & 0xff);
      const parent = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x01]);
      // Not UTF-8, a view of a larger buffer, empty, large: there is no ordering or format.
      const payloads: Record<string, Uint8Array> = {
        view: parent.subarray(1, 5),
        empty: new Uint8Array(),
        big,
      };
      const sent = Object.fromEntries(Object.entries(payloads).map(([k, v]) => [k, byteDigest(v)]));
      for (const [id, bytes] of Object.entries(payloads)) {
        const w = await ls.writeOps(id);
        await w.set(bytes);
        await w.close();
      }
      checkEqual(
        Array.from(parent),
        [0xff, 0xfe, 0x00, 0xc3, 0x28, 0x01],
        "the caller's array after the writes",
      );
      parent.fill(0);
      big.fill(0);
      const got: Record<string, [number, number]> = {};
      for (const id of Object.keys(payloads)) {
        const value = await (await ls.readOps(id)).getLatest();
        got[id] = byteDigest(value);
        value.fill(9);
      }
      checkEqual(got, sent, 'lengths and hashes of the checkpoints read back');
      checkEqual(sent['empty'], [0, 0], 'digest of the empty checkpoint');
      checkEqual(
        Array.from(await (await ls.readOps('view')).getLatest()),
        [0xfe, 0x00, 0xc3, 0x28],
        'the view checkpoint after changing the one read',
      );
      // Never closed, never set: holds nothing, so another writer goes straight through.
      const abandoned = await ls.writeOps('view');
      const next = await ls.writeOps('view');
      await next.set(new Uint8Array([42]));
      await checkRejects(
        () => abandoned.set(new Uint8Array([43])),
        'conflict',
        'the set of an abandoned write op after another set',
      );
      checkEqual(
        Array.from(await (await ls.readOps('view')).getLatest()),
        [42],
        'the view checkpoint at last',
      );
      const pending = await ls.writeOps('view');
      const reader = await ls.readOps('view');
      await store.close();
      checkEqual(
        await Promise.all(
          [
            ls.init(),
            ls.logs(),
            ls.readOps('view'),
            ls.writeOps('view'),
            pending.set(new Uint8Array([1])),
            reader.getLatest(),
          ].map((p: Promise<unknown>) => outcomeOf(p)),
        ),
        ['closed', 'closed', 'closed', 'closed', 'closed', 'closed'],
        'init, logs, readOps, writeOps, set and getLatest after the store closed',
      );
    },
  },
];
