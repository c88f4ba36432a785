/**
 * The bad-input fuzz (page-side): every public method of every contract, called with one
 * argument replaced by each value that is bad for it. A method that returns a promise must
 * return one that rejects `StoreError('invalid-argument')`, never throw synchronously; a
 * synchronous method must throw `StoreError('invalid-argument')`. And nothing may be written:
 * the database is dumped with raw IndexedDB before and after each method's calls.
 */
import type {
  Batch,
  Consensus,
  LogStatePersistence,
  LogStateWriteOps,
  LogTracker,
  OpStore,
  Persister,
  Store,
  Table,
} from '../../../src/index.js';
import { attempt, databaseNames, dump } from './fault-page.js';
import { BAD, badKeyPaths, badLists, hostileProxy, throwingGetters, type Value } from './fuzz-values.js';

/** A peer id, as LogTracker wants: a UUID. */
const UUID = '0b0e8f4e-5d0c-4c7a-9b9e-2f1f7f3c1a11';

/** One argument: its name, a valid value, and the bad ones. */
interface Param {
  name: string;
  valid: () => unknown;
  bad: readonly Value[];
}

/** One public method: how to call it, and whether it is synchronous. */
interface Method {
  name: string;
  sync: boolean;
  params: Param[];
  call: (...args: unknown[]) => unknown;
}

const u8 = (...v: number[]) => new Uint8Array(v);
const param = (name: string, valid: () => unknown, bad: readonly Value[]): Param => ({ name, valid, bad });

/** A key space, if this build of larder has one. */
interface KeySpaceLike {
  get(...a: unknown[]): Promise<unknown>;
  put(...a: unknown[]): Promise<unknown>;
  delete(...a: unknown[]): Promise<unknown>;
  getRange(...a: unknown[]): Promise<unknown>;
  deleteRange(...a: unknown[]): Promise<unknown>;
  subscribe(...a: unknown[]): unknown;
}

/** The objects the methods are called on; `w` and `b` are replaced after the controls spend them. */
interface Targets {
  store: Store;
  p: Persister;
  c: Consensus;
  l: LogStatePersistence;
  w: LogStateWriteOps;
  t: LogTracker<unknown>;
  tb: Table;
  b: Batch;
  o: OpStore;
  ks: KeySpaceLike | undefined;
}

const changeTuple = (): [string, number, Uint8Array] => ['a', 0, u8(1)];
const removalTuple = (): [string, number] => ['a', 0];
const throwingTuple = (valid: unknown[]) => () => {
  const t = [...valid];
  Object.defineProperty(t, 1, {
    get() {
      throw new Error('hostile tuple element');
    },
  });
  return t;
};

const badChanges = badLists(changeTuple(), [
  ['null', () => null],
  ["'a'", () => 'a'],
  ['an array-like tuple', () => ({ 0: 'a', 1: 0, 2: u8(1), length: 3 })],
  ["['a']", () => ['a']],
  ['a sparse tuple', () => new Array(3)],
  ['a tuple whose getter throws', throwingTuple(changeTuple())],
  ...BAD.nonEmptyString.map(([l, m]): Value => [`actor ${l}`, () => [m(), 0, u8(1)]]),
  ...BAD.index.map(([l, m]): Value => [`seq ${l}`, () => ['a', m(), u8(1)]]),
  ...BAD.bytes.map(([l, m]): Value => [`change ${l}`, () => ['a', 0, m()]]),
]);

const badRemovals = badLists(removalTuple(), [
  ['null', () => null],
  ['an array-like tuple', () => ({ 0: 'a', 1: 0, length: 2 })],
  ["['a']", () => ['a']],
  ['a sparse tuple', () => new Array(2)],
  ['a tuple whose getter throws', throwingTuple(removalTuple())],
  ...BAD.nonEmptyString.map(([l, m]): Value => [`actor ${l}`, () => [m(), 0]]),
  ...BAD.index.map(([l, m]): Value => [`seq ${l}`, () => ['a', m()]]),
]);

const badByteLists = badLists(u8(1), BAD.bytes);

const badNext: Value[] = [
  ...BAD.value.filter(([l]) => l !== 'a detached Uint8Array' && l !== 'a Proxy of a Uint8Array'),
  ['undefined', () => undefined],
  ['null', () => null],
  ['1', () => 1],
  ['{}', () => ({})],
  ...BAD.u63.map(([l, m]): Value => [`{ seqno: ${l} }`, () => ({ seqno: m(), data: u8(1) })]),
  ...BAD.bytes.map(([l, m]): Value => [`{ data: ${l} }`, () => ({ seqno: 3n, data: m() })]),
  ['{ seqno: expected }', () => ({ seqno: 2n, data: u8(1) })],
];

const badObjectOptions = (extra: Value[]): Value[] => [
  ['null', () => null],
  ["'1'", () => '1'],
  ['0', () => 0],
  ['true', () => true],
  ['a function', () => () => 1],
  ['a Proxy with throwing traps', () => hostileProxy({})],
  ['an object with throwing getters', throwingGetters],
  ...extra,
];

const badStoreOptions = badObjectOptions([
  ["{ engine: 'nope' }", () => ({ engine: 'nope' })],
  ['{ engine: 1 }', () => ({ engine: 1 })],
  ['{ engine: {} }', () => ({ engine: {} })],
  ['{ writeBehind: null }', () => ({ writeBehind: null })],
  ['{ writeBehind: 1 }', () => ({ writeBehind: 1 })],
  ['{ writeBehind: { maxDelayMs: -1 } }', () => ({ writeBehind: { maxDelayMs: -1 } })],
  ['{ writeBehind: { maxDelayMs: NaN } }', () => ({ writeBehind: { maxDelayMs: NaN } })],
  ["{ writeBehind: { maxBytes: '1' } }", () => ({ writeBehind: { maxBytes: '1' } })],
  [
    '{ writeBehind: { maxBytes: a null-prototype object } }',
    () => ({ writeBehind: { maxBytes: Object.create(null) as object } }),
  ],
  ['{ writeBehind: throwing getters }', () => ({ writeBehind: throwingGetters() })],
  ["{ flushOnHide: 'yes' }", () => ({ flushOnHide: 'yes' })],
  ['{ startTimeoutMs: -1 }', () => ({ startTimeoutMs: -1 })],
  ['{ startTimeoutMs: NaN }', () => ({ startTimeoutMs: NaN })],
  ["{ startTimeoutMs: '1' }", () => ({ startTimeoutMs: '1' })],
  ['{ expectStorageId: 5 }', () => ({ expectStorageId: 5 })],
  ["{ acceptStorageLoss: 'yes' }", () => ({ acceptStorageLoss: 'yes' })],
]);

const badOpStoreOptions = badObjectOptions([
  ['{ decodeOp: 1 }', () => ({ decodeOp: 1 })],
  ["{ decodeOp: 'f' }", () => ({ decodeOp: 'f' })],
  ['{ decodeOp: null }', () => ({ decodeOp: null })],
]);

const badRangeOptions = badObjectOptions([
  ["{ order: 'nope' }", () => ({ order: 'nope' })],
  ['{ order: 1 }', () => ({ order: 1 })],
]);

const badEventTypes: Value[] = [...BAD.uuid, ["'nope'", () => 'nope']];

/** Every public method, over the targets `x`; `name` is the test's store name. */
function methods(x: Targets, name: string): Method[] {
  const larder = window.larder;
  const m = (name: string, sync: boolean, params: Param[], call: (...a: unknown[]) => unknown): Method => ({
    name,
    sync,
    params,
    call,
  });
  const str = (n: string, v = 's') => param(n, () => v, BAD.string);
  const bytes = (n: string) => param(n, () => u8(1), BAD.bytes);
  const arc = (n = 'arc') => param(n, () => [0, 10], BAD.arc);
  const all: Method[] = [
    m(
      'openStore',
      false,
      [
        param('name', () => `${name}-open`, BAD.nonEmptyString),
        param('options', () => ({}), badStoreOptions),
      ],
      (a, b) => {
        const opened = larder.openStore(a as never, b as never);
        // A bad call that opened a store anyway must not leave it open.
        opened.then(
          (s) => s.close(),
          () => undefined,
        );
        return opened;
      },
    ),
    m('deleteStore', false, [param('name', () => `${name}-never-made`, BAD.nonEmptyString)], (a) =>
      larder.deleteStore(a as never),
    ),
    m('opIdLoc', true, [bytes('opId')], (a) => larder.opIdLoc(a as never)),
    m('arcContains', true, [arc(), param('loc', () => 5, BAD.loc)], (a, b) =>
      larder.arcContains(a as never, b as never),
    ),

    m('store.persister', true, [str('docId')], (a) => x.store.persister(a as never)),
    m('store.table', true, [str('name')], (a) => x.store.table(a as never)),
    m('store.opStore', true, [str('space'), param('options', () => undefined, badOpStoreOptions)], (a, b) =>
      x.store.opStore(a as never, b as never),
    ),
    m('store.logTracker', false, [str('prefix', 'lt')], (a) => x.store.logTracker(a as never)),
    m(
      'store.on',
      true,
      [
        param('type', () => 'commit-error', badEventTypes),
        param('listener', () => () => undefined, BAD.listener),
      ],
      (a, b) => x.store.on(a as never, b as never),
    ),

    m('persister.insertChanges', false, [param('changes', () => [changeTuple()], badChanges)], (a) =>
      x.p.insertChanges(a as never),
    ),
    m('persister.removeChanges', false, [param('changes', () => [removalTuple()], badRemovals)], (a) =>
      x.p.removeChanges(a as never),
    ),
    m('persister.setDocument', false, [bytes('data')], (a) => x.p.setDocument(a as never)),
    m('persister.getSyncState', false, [bytes('peerId')], (a) => x.p.getSyncState(a as never)),
    m('persister.setSyncState', false, [bytes('peerId'), bytes('syncState')], (a, b) =>
      x.p.setSyncState(a as never, b as never),
    ),
    m('persister.removeSyncStates', false, [param('peerIds', () => [u8(1)], badByteLists)], (a) =>
      x.p.removeSyncStates(a as never),
    ),

    m('consensus.head', false, [str('key')], (a) => x.c.head(a as never)),
    m(
      'consensus.compareAndSet',
      false,
      [
        str('key', 'seeded'),
        param(
          'expected',
          () => 2n,
          BAD.u63.filter(([l]) => l !== 'undefined'),
        ),
        param('next', () => ({ seqno: 3n, data: u8(1) }), badNext),
      ],
      (a, b, c) => x.c.compareAndSet(a as never, b as never, c as never),
    ),
    m(
      'consensus.scan',
      false,
      [str('key', 'seeded'), param('from', () => 0n, BAD.u63), param('limit', () => 10, BAD.index)],
      (a, b, c) => x.c.scan(a as never, b as never, c as never),
    ),
    m('consensus.truncate', false, [str('key', 'seeded'), param('seqno', () => 1n, BAD.u63)], (a, b) =>
      x.c.truncate(a as never, b as never),
    ),

    m('logState.readOps', false, [str('logId')], (a) => x.l.readOps(a as never)),
    m('logState.writeOps', false, [str('logId')], (a) => x.l.writeOps(a as never)),
    m('logStateWriteOps.set', false, [bytes('checkpoint')], (a) => x.w.set(a as never)),

    m(
      'logTracker.trackOne',
      true,
      [
        param('peerId', () => UUID, BAD.uuid),
        param('entryIdx', () => 1n, BAD.u63),
        param('timestamp', () => 1n, BAD.u63),
        param(
          'serverUserId',
          () => undefined,
          BAD.uuid.filter(([l]) => l !== 'undefined'),
        ),
        param('op', () => ({ op: 1 }), BAD.value),
        param('batch', () => x.b, [...BAD.uuid, ['a Proxy of the batch', () => new Proxy(x.b, {})]]),
      ],
      (a, b, c, d, e, f) => x.t.trackOne(a as never, b as never, c as never, d as never, e, f as never),
    ),
    m(
      'logTracker.trackExpunged',
      true,
      [
        param('peerId', () => UUID, BAD.uuid),
        param('entryIdx', () => 2n, BAD.u63),
        bytes('hash'),
        param('batch', () => x.b, BAD.uuid),
      ],
      (a, b, c, d) => x.t.trackExpunged(a as never, b as never, c as never, d as never),
    ),
    m(
      'logTracker.readEntries',
      false,
      [
        param('peerId', () => UUID, BAD.uuid),
        param('from', () => 0n, BAD.u63),
        param('limit', () => 10, BAD.index),
      ],
      (a, b, c) => x.t.readEntries(a as never, b as never, c as never),
    ),

    m('table.get', false, [param('key', () => 1, BAD.key)], (a) => x.tb.get(a as never)),
    m(
      'batch.put',
      true,
      [str('table', 't'), param('key', () => 1, BAD.key), param('value', () => ({ v: 1 }), BAD.value)],
      (a, b, c) => x.b.put(a as never, b as never, c),
    ),
    m('batch.delete', true, [str('table', 't'), param('key', () => 1, BAD.key)], (a, b) =>
      x.b.delete(a as never, b as never),
    ),

    m('opStore.processIncomingOps', false, [param('ops', () => [], badByteLists)], (a) =>
      x.o.processIncomingOps(a as never),
    ),
    m(
      'opStore.retrieveOpHashesInTimeSlice',
      false,
      [arc(), param('start', () => 0, BAD.time), param('end', () => 10, BAD.time)],
      (a, b, c) => x.o.retrieveOpHashesInTimeSlice(a as never, b as never, c as never),
    ),
    m('opStore.retrieveOps', false, [param('opIds', () => [u8(1)], badByteLists)], (a) =>
      x.o.retrieveOps(a as never),
    ),
    m('opStore.filterOutExistingOps', false, [param('opIds', () => [u8(1)], badByteLists)], (a) =>
      x.o.filterOutExistingOps(a as never),
    ),
    m(
      'opStore.retrieveOpIdsBounded',
      false,
      [arc(), param('start', () => 0, BAD.time), param('limitBytes', () => 100, BAD.limitBytes)],
      (a, b, c) => x.o.retrieveOpIdsBounded(a as never, b as never, c as never),
    ),
    m('opStore.earliestTimestampInArc', false, [arc()], (a) => x.o.earliestTimestampInArc(a as never)),
    m(
      'opStore.storeSliceHash',
      false,
      [arc(), param('sliceIndex', () => 0, BAD.index), param('hash', () => u8(1), BAD.nonEmptyBytes)],
      (a, b, c) => x.o.storeSliceHash(a as never, b as never, c as never),
    ),
    m('opStore.sliceHashCount', false, [arc()], (a) => x.o.sliceHashCount(a as never)),
    m('opStore.retrieveSliceHash', false, [arc(), param('sliceIndex', () => 0, BAD.index)], (a, b) =>
      x.o.retrieveSliceHash(a as never, b as never),
    ),
    m('opStore.retrieveSliceHashes', false, [arc()], (a) => x.o.retrieveSliceHashes(a as never)),
  ];
  const ks = x.ks;
  if (ks !== undefined) {
    const key = (n: string) => param(n, () => ['k'], badKeyPaths(false));
    const prefix = (n: string) => param(n, () => ['k'], badKeyPaths(true));
    all.push(
      m('store.keySpace', true, [str('name')], (a) => x.store.keySpace(a as never)),
      m('keySpace.get', false, [key('key')], (a) => ks.get(a)),
      m('keySpace.put', false, [key('key'), bytes('data')], (a, b) => ks.put(a, b)),
      m('keySpace.delete', false, [key('key')], (a) => ks.delete(a)),
      m(
        'keySpace.getRange',
        false,
        [prefix('prefix'), param('options', () => undefined, badRangeOptions)],
        (a, b) => ks.getRange(a, b),
      ),
      m('keySpace.deleteRange', false, [prefix('prefix')], (a) => ks.deleteRange(a)),
      m('keySpace.subscribe', true, [param('listener', () => () => undefined, BAD.listener)], (a) =>
        ks.subscribe(a),
      ),
    );
  }
  return all;
}

/** What one fuzz run found. */
export interface FuzzReport {
  engine: string;
  /** Calls made with hostile arguments. */
  calls: number;
  methods: number;
  /** Methods whose valid call failed: the fixture is wrong, not larder. */
  badControls: string[];
  /** Calls that did not end in the expected 'invalid-argument'. */
  failures: Array<{ call: string; got: string }>;
  /** Methods after whose bad calls the database changed. */
  wrote: string[];
  /** Databases that bad calls created. */
  created: string[];
  keySpace: boolean;
}

function outcomeText(o: Awaited<ReturnType<typeof attempt>>): string {
  if (o.state === 'threw' || o.state === 'rejected') {
    const e = o.error;
    const how = o.state === 'threw' ? 'threw synchronously' : 'rejected';
    return `${how} ${e.isStoreError ? `StoreError '${e.code}'` : e.name}: ${e.message}`;
  }
  if (o.state === 'returned' || o.state === 'resolved') return `${o.state} ${o.value}`;
  return `still pending after ${o.ms} ms`;
}

/** Seeds a store with one of everything, so that a bad call has something to damage. */
async function seed(store: Store): Promise<Targets> {
  const p = store.persister('doc');
  await p.insertChanges([['a', 0, u8(1)]]);
  await p.setDocument(u8(2));
  await p.setSyncState(u8(1), u8(3));
  const c = store.consensus();
  await c.compareAndSet('seeded', undefined, { seqno: 1n, data: u8(4) });
  const l = store.logState();
  const w0 = await l.writeOps('log');
  await w0.set(u8(5));
  const t = await store.logTracker('lt');
  const b0 = store.batch();
  t.trackOne(UUID, 0n, 1n, undefined, { op: 0 }, b0);
  b0.put('t', 0, { v: 0 });
  await b0.commit();
  const o = store.opStore('space');
  await o.storeSliceHash([0, 10], 0, u8(6));
  let ks: KeySpaceLike | undefined;
  try {
    ks = store.keySpace('ks') as unknown as KeySpaceLike;
    await ks.put(['seed'], u8(7));
  } catch {
    // No key space in this build yet: its methods are left out, and the report says so.
    ks = undefined;
  }
  await store.flush();
  return { store, p, c, l, w: await l.writeOps('log'), t, tb: store.table('t'), b: store.batch(), o, ks };
}

/**
 * Runs every bad call on a fresh store `name` on `engine`, and says what went wrong.
 *
 * @param name - a store name of this test's own.
 */
export async function runFuzz(name: string, engine: 'worker' | 'inline'): Promise<FuzzReport> {
  const dbName = `larder:${name}`;
  const store = await window.larder.openStore(name, { engine });
  const x = await seed(store);
  const list = methods(x, name);
  const report: FuzzReport = {
    engine,
    calls: 0,
    methods: list.length,
    badControls: [],
    failures: [],
    wrote: [],
    created: [],
    keySpace: x.ks !== undefined,
  };

  // Controls: each method with valid arguments, so a failure below is the bad argument's.
  for (const method of list) {
    const o = await attempt(() => method.call(...method.params.map((p) => p.valid())), 5000);
    const ok = method.sync ? o.state === 'returned' : o.state === 'resolved';
    if (!ok) report.badControls.push(`${method.name}: ${outcomeText(o)}`);
  }
  // The controls spent the write op and filled the batch: a fresh op, and commit the batch.
  x.w = await x.l.writeOps('log');
  await x.b.commit();
  await store.flush();
  await window.larder.deleteStore(`${name}-open`);
  const namesBefore = await databaseNames();
  // The controls' commits left usage counters to fold (a background transaction up to a second
  // after a commit: usage-counters.ts); health() folds them now, so that bookkeeping the controls
  // caused is not blamed on the bad calls below.
  await store.health({ docId: 'doc' });
  let before = await dump(dbName);

  for (const method of list) {
    for (const [i, p] of method.params.entries()) {
      for (const [label, make] of p.bad) {
        const args = method.params.map((q, j) => (j === i ? make() : q.valid()));
        const o = await attempt(() => method.call(...args), 3000);
        report.calls++;
        const ok =
          (method.sync ? o.state === 'threw' : o.state === 'rejected') &&
          'error' in o &&
          o.error.isStoreError &&
          o.error.code === 'invalid-argument';
        if (!ok) report.failures.push({ call: `${method.name}(${p.name} = ${label})`, got: outcomeText(o) });
      }
    }
    // Whatever a bad call may have enqueued is committed now, so the dump would show it.
    if (method.name.startsWith('batch.') || method.name.startsWith('logTracker.track')) {
      await attempt(() => x.b.commit(), 5000);
    }
    await attempt(() => store.flush(), 5000);
    const after = await dump(dbName);
    if (after.text !== before.text) report.wrote.push(`${method.name}: ${JSON.stringify(after.counts)}`);
    before = after;
  }
  report.created = (await databaseNames()).filter((n) => !namesBefore.includes(n));
  await store.close();
  await window.larder.deleteStore(name);
  return report;
}
