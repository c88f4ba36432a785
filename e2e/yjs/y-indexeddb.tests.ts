/**
 * y-indexeddb's own tests, `tests/y-indexeddb.tests.js` of yjs/y-indexeddb (commit ff468b5),
 * ported to `LarderPersistence`: the same scenarios, in the same order, with the same expected
 * values. They run in the page (e2e/yjs/harness.ts); e2e/yjs/y-indexeddb-port.spec.ts calls
 * each one on the worker engine and on the inline engine. What changed, and why:
 *
 * - A test case is `{ testName, engine }` rather than lib0's `t.TestCase`: each test opens its
 *   own store named after the test on the engine under test, and each test starts by awaiting that store
 *   (`storeOf`), `new IndexeddbPersistence(name, doc)` becomes `new LarderPersistence(name,
 *   doc, { store, compactBytes })` (see `persist`), and `clearDocument(name)` becomes
 *   `clearDocument(name, { store })`.
 * - lib0/testing's `t.assert`, `t.compareArrays` and `t.compareObjects` are the small functions
 *   of the same names below, which throw: lib0 is not a dependency of larder, and a throw is
 *   what fails the Playwright test.
 * - testPerf wrapped its body in `t.measureTimeAsync`, which only logs a time. Timings belong
 *   in the benchmark (bench/suites/yjs.ts measures this load); the port keeps the body and
 *   asserts what it does: the provider syncs.
 * - y-indexeddb merges its rows 1000 ms (`_storeTimeout`, set to 0 by the tests) after the
 *   500th row (`PREFERRED_TRIM_SIZE`) is stored; larder merges when the stored updates pass a
 *   byte threshold, so `_storeTimeout = 0` becomes a `compactBytes` that the tests' 500 updates
 *   exceed (`TRIM_BYTES`). The loop counts stay `PREFERRED_TRIM_SIZE`.
 * - `await promise.wait(100)` waited for that merge timer; a 100 ms sleep fails on a loaded
 *   machine, so the port awaits `whenStored()`, larder's way to wait for what the provider
 *   stored and merged to be committed.
 * - `fetchUpdates(persistence)` becomes `persistence.fetchUpdates()`, and
 *   `persistence._dbsize` (y-indexeddb's count of its rows) the number of stored updates of the
 *   document, read from the key space (`storedUpdates`).
 * - testEarlyDestroy also checks that `whenSynced` rejects with 'closed' rather than staying
 *   pending forever (larder's rule that every promise settles).
 */
import * as Y from 'yjs';
import { isStoreError, openStore, type Store } from '../../src/index.js';
import { clearDocument, LarderPersistence } from '../../src/yjs/index.js';

/** What lib0's test runner hands a test, and the engine this port adds. */
export interface TestCase {
  testName: string;
  engine: 'worker' | 'inline';
}

/** y-indexeddb's `PREFERRED_TRIM_SIZE`: rows stored before it merges them. */
const PREFERRED_TRIM_SIZE = 500;
/**
 * Fewer bytes than the tests' `PREFERRED_TRIM_SIZE` single-item updates hold, even merged: the
 * provider sends updates made while a write is in flight as one.
 */
const TRIM_BYTES = 512;

const stores = new Map<string, Promise<Store>>();

/** The store of a test case, opened once per test on its engine. */
function storeOf(tc: TestCase): Promise<Store> {
  let store = stores.get(tc.testName);
  if (store === undefined) {
    store = openStore(tc.testName, { engine: tc.engine });
    stores.set(tc.testName, store);
  }
  return store;
}

/** Closes and forgets the store of a test case (the spec deletes the database). */
export async function closeStore(tc: TestCase): Promise<void> {
  const store = stores.get(tc.testName);
  stores.delete(tc.testName);
  await (await store)?.close();
}

function persist(tc: TestCase, store: Store, doc: Y.Doc): LarderPersistence {
  return new LarderPersistence(tc.testName, doc, { store, compactBytes: TRIM_BYTES });
}

async function storedUpdates(tc: TestCase): Promise<number> {
  return (await (await storeOf(tc)).keySpace('yjs').getRange([tc.testName, 'u'])).length;
}

const t: {
  assert(condition: boolean, message?: string): asserts condition;
  compareArrays(a: unknown[], b: unknown[]): void;
  compareObjects(a: unknown, b: unknown): void;
} = {
  assert(condition: boolean, message = 'assertion failed'): asserts condition {
    if (!condition) throw new Error(message);
  },
  compareArrays(a: unknown[], b: unknown[]): void {
    const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
    if (a.length !== b.length || x !== y) throw new Error(`arrays differ: ${x} vs ${y}`);
  },
  compareObjects(a: unknown, b: unknown): void {
    const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
    if (x !== y) throw new Error(`objects differ: ${x} vs ${y}`);
  },
};

export const testPerf = async (tc: TestCase): Promise<void> => {
  const store = await storeOf(tc);
  const ydoc = new Y.Doc();
  const provider = persist(tc, store, ydoc);
  await provider.whenSynced;
  t.assert(provider.synced, 'the provider synced');
  await provider.destroy();
};

export const testIdbUpdateAndMerge = async (tc: TestCase): Promise<void> => {
  const store = await storeOf(tc);
  await clearDocument(tc.testName, { store });
  const doc1 = new Y.Doc();
  const arr1 = doc1.getArray('t');
  const doc2 = new Y.Doc();
  const arr2 = doc2.getArray('t');
  arr1.insert(0, [0]);
  const persistence1 = persist(tc, store, doc1);
  await persistence1.whenSynced;
  arr1.insert(0, [1]);
  const persistence2 = persist(tc, store, doc2);
  let calledObserver = false;
  arr2.observe((_event, tr) => {
    t.assert(!tr.local);
    t.assert(tr.origin === persistence2);
    calledObserver = true;
  });
  await persistence2.whenSynced;
  t.assert(calledObserver);
  t.assert(arr2.length === 2);
  for (let i = 2; i < PREFERRED_TRIM_SIZE + 1; i++) {
    arr1.insert(i, [i]);
  }
  await persistence1.whenStored();
  await persistence2.fetchUpdates();
  t.assert(arr2.length === PREFERRED_TRIM_SIZE + 1);
  t.assert((await storedUpdates(tc)) === 1); // wait for dbsize === 0. db should be concatenated
};

export const testIdbConcurrentMerge = async (tc: TestCase): Promise<void> => {
  const store = await storeOf(tc);
  await clearDocument(tc.testName, { store });
  const doc1 = new Y.Doc();
  const arr1 = doc1.getArray('t');
  const doc2 = new Y.Doc();
  const arr2 = doc2.getArray('t');
  arr1.insert(0, [0]);
  const persistence1 = persist(tc, store, doc1);
  await persistence1.whenSynced;
  arr1.insert(0, [1]);
  const persistence2 = persist(tc, store, doc2);
  await persistence2.whenSynced;
  t.assert(arr2.length === 2);
  arr1.insert(0, ['left']);
  for (let i = 0; i < PREFERRED_TRIM_SIZE + 1; i++) {
    arr1.insert(i, [i]);
  }
  arr2.insert(0, ['right']);
  for (let i = 0; i < PREFERRED_TRIM_SIZE + 1; i++) {
    arr2.insert(i, [i]);
  }
  await persistence1.whenStored();
  await persistence2.whenStored();
  await persistence1.fetchUpdates();
  await persistence2.fetchUpdates();
  // y-indexeddb counted rows per provider; both providers here share one key space.
  t.assert((await storedUpdates(tc)) < 10);
  t.assert((await storedUpdates(tc)) < 10);
  t.compareArrays(arr1.toArray(), arr2.toArray());
};

export const testMetaStorage = async (tc: TestCase): Promise<void> => {
  const store = await storeOf(tc);
  await clearDocument(tc.testName, { store });
  const ydoc = new Y.Doc();
  const persistence = persist(tc, store, ydoc);
  void persistence.set('a', 4);
  void persistence.set(4, 'meta!');
  void persistence.set('obj', { a: 4 });
  const resA = await persistence.get('a');
  t.assert(resA === 4);
  const resB = await persistence.get(4);
  t.assert(resB === 'meta!');
  const resC = await persistence.get('obj');
  t.compareObjects(resC, { a: 4 });
};

export const testEarlyDestroy = async (tc: TestCase): Promise<void> => {
  const store = await storeOf(tc);
  let hasbeenSyced = false;
  const ydoc = new Y.Doc();
  const indexDBProvider = persist(tc, store, ydoc);
  indexDBProvider.on('synced', () => {
    hasbeenSyced = true;
  });
  void indexDBProvider.destroy();
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.assert(!hasbeenSyced);
  const outcome = await indexDBProvider.whenSynced.then(
    () => 'synced',
    (e: unknown) => (isStoreError(e, 'closed') ? 'closed' : String(e)),
  );
  t.assert(outcome === 'closed', `whenSynced: ${outcome}`);
};

/** The upstream tests, by name, in upstream order. */
export const tests = {
  testPerf,
  testIdbUpdateAndMerge,
  testIdbConcurrentMerge,
  testMetaStorage,
  testEarlyDestroy,
};
