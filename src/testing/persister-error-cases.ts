import type { Persister } from '../contracts/persister.js';
import { StoreError, isStoreError } from '../store-error.js';
import type { ContractCase } from './contract-setup.js';
import { check, checkEqual, checkRejects } from './check.js';
import { HOLD, bytes, expectedSnapshot, persisterSnapshot, sorted } from './persister-snapshot.js';

/** Lets an argument that is wrong on purpose past the compiler. */
const bad = (x: unknown) => x as never;

/** What the seeded persister holds; no rejected call may change it. */
const SEEDED = expectedSnapshot({
  changes: [[1], [2, 2]],
  document: [3],
  states: [
    [[1], [4]],
    [[2], [5, 5]],
  ],
});

/** One call of each kind of bad argument on `p`, by label. */
function badArgumentCalls(p: Persister): Record<string, () => Promise<unknown>> {
  const good = bytes(9);
  return {
    'insertChanges seq -1': () => p.insertChanges([['a', -1, good]]),
    'insertChanges seq 1.5': () => p.insertChanges([['a', 1.5, good]]),
    'insertChanges seq NaN': () => p.insertChanges([['a', NaN, good]]),
    'insertChanges seq Infinity': () => p.insertChanges([['a', Infinity, good]]),
    'insertChanges seq 2 ** 53': () => p.insertChanges([['a', 2 ** 53, good]]),
    "insertChanges seq '1'": () => p.insertChanges([['a', bad('1'), good]]),
    'insertChanges seq 1n': () => p.insertChanges([['a', bad(1n), good]]),
    'insertChanges seq missing': () => p.insertChanges([bad(['a'])]),
    'insertChanges change ArrayBuffer': () => p.insertChanges([['a', 1, bad(new ArrayBuffer(1))]]),
    'insertChanges change number[]': () => p.insertChanges([['a', 1, bad([9])]]),
    'insertChanges change DataView': () => p.insertChanges([['a', 1, bad(new DataView(good.buffer))]]),
    'insertChanges change Int8Array': () => p.insertChanges([['a', 1, bad(new Int8Array(1))]]),
    'insertChanges change Uint8ClampedArray': () =>
      p.insertChanges([['a', 1, bad(new Uint8ClampedArray(1))]]),
    'insertChanges change string': () => p.insertChanges([['a', 1, bad('x')]]),
    'insertChanges change undefined': () => p.insertChanges([['a', 1, bad(undefined)]]),
    "insertChanges actor ''": () => p.insertChanges([['', 1, good]]),
    'insertChanges actor number': () => p.insertChanges([[bad(1), 1, good]]),
    'insertChanges actor null': () => p.insertChanges([[bad(null), 1, good]]),
    'insertChanges tuple not an array': () => p.insertChanges([bad({ 0: 'a', 1: 1, 2: good, length: 3 })]),
    'insertChanges tuple null': () => p.insertChanges([bad(null)]),
    'insertChanges argument undefined': () => p.insertChanges(bad(undefined)),
    'insertChanges argument null': () => p.insertChanges(bad(null)),
    'insertChanges argument a tuple object': () => p.insertChanges(bad({ length: 1, 0: ['a', 1, good] })),
    'insertChanges argument a string': () => p.insertChanges(bad('a')),
    'removeChanges seq -1': () => p.removeChanges([['a', -1]]),
    'removeChanges seq 1.5': () => p.removeChanges([['a', 1.5]]),
    'removeChanges seq NaN': () => p.removeChanges([['a', NaN]]),
    "removeChanges seq '1'": () => p.removeChanges([['a', bad('1')]]),
    "removeChanges actor ''": () => p.removeChanges([['', 1]]),
    'removeChanges actor number': () => p.removeChanges([[bad(1), 1]]),
    'removeChanges tuple not an array': () => p.removeChanges([bad({ 0: 'a', 1: 1, length: 2 })]),
    'removeChanges argument undefined': () => p.removeChanges(bad(undefined)),
    'removeChanges argument a string': () => p.removeChanges(bad('a')),
    'setDocument ArrayBuffer': () => p.setDocument(bad(new ArrayBuffer(1))),
    'setDocument number[]': () => p.setDocument(bad([9])),
    'setDocument DataView': () => p.setDocument(bad(new DataView(good.buffer))),
    'setDocument string': () => p.setDocument(bad('x')),
    'setDocument undefined': () => p.setDocument(bad(undefined)),
    'setDocument null': () => p.setDocument(bad(null)),
    'getSyncState peer ArrayBuffer': () => p.getSyncState(bad(new ArrayBuffer(1))),
    'getSyncState peer number[]': () => p.getSyncState(bad([1])),
    'getSyncState peer string': () => p.getSyncState(bad('1')),
    'getSyncState peer undefined': () => p.getSyncState(bad(undefined)),
    'setSyncState peer ArrayBuffer': () => p.setSyncState(bad(new ArrayBuffer(1)), good),
    'setSyncState peer number[]': () => p.setSyncState(bad([1]), good),
    'setSyncState peer string': () => p.setSyncState(bad('1'), good),
    'setSyncState peer undefined': () => p.setSyncState(bad(undefined), good),
    'setSyncState state ArrayBuffer': () => p.setSyncState(bytes(1), bad(new ArrayBuffer(1))),
    'setSyncState state number[]': () => p.setSyncState(bytes(1), bad([9])),
    'setSyncState state undefined (new peer)': () => p.setSyncState(bytes(3), bad(undefined)),
    'setSyncState state undefined (stored peer)': () => p.setSyncState(bytes(1), bad(undefined)),
    'setSyncState state null (buffered peer)': () => p.setSyncState(bytes(2), bad(null)),
    'removeSyncStates argument undefined': () => p.removeSyncStates(bad(undefined)),
    'removeSyncStates argument a Uint8Array': () => p.removeSyncStates(bad(bytes(1))),
    'removeSyncStates peer ArrayBuffer': () => p.removeSyncStates([bad(new ArrayBuffer(1))]),
    'removeSyncStates peer number[]': () => p.removeSyncStates([bad([1])]),
    'removeSyncStates peer string': () => p.removeSyncStates([bad('1')]),
  };
}

/** Every call of a persister, each on `get()`, so that `get` itself may fail inside the call. */
function everyCall(get: () => Persister): Record<string, () => Promise<unknown>> {
  const peer = bytes(1);
  return {
    getChanges: () => get().getChanges(),
    insertChanges: () => get().insertChanges([['a', 2, bytes(2)]]),
    removeChanges: () => get().removeChanges([['a', 1]]),
    getDocument: () => get().getDocument(),
    setDocument: () => get().setDocument(bytes(3)),
    getSyncState: () => get().getSyncState(peer),
    setSyncState: () => get().setSyncState(peer, bytes(4)),
    removeSyncStates: () => get().removeSyncStates([peer]),
    getPeerIds: () => get().getPeerIds(),
    sizes: () => get().sizes(),
    flush: () => get().flush(),
    // No-op arguments too: a closed store rejects before looking at them.
    'insertChanges([])': () => get().insertChanges([]),
    'removeChanges([])': () => get().removeChanges([]),
    'removeSyncStates([])': () => get().removeSyncStates([]),
  };
}

/** Writes what {@link SEEDED} holds but its last sync state, which each case writes itself. */
async function seedAllButLastState(p: Persister): Promise<void> {
  await p.insertChanges([
    ['a', 1, bytes(1)],
    ['a', 2, bytes(2, 2)],
  ]);
  await p.setDocument(bytes(3));
  await p.setSyncState(bytes(1), bytes(4));
}

/**
 * The Persister's errors (API.md section 8 and the conventions above section 1): bad arguments
 * reject with `invalid-argument` and change nothing, a closed store rejects with `closed`, and
 * every rejection is a `StoreError` on the caller's thread, whatever thread the engine runs in.
 */
export const persisterErrorCases: readonly ContractCase[] = [
  {
    title: "bad arguments reject with 'invalid-argument' and change nothing",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      await seedAllButLastState(p);
      await store.flush();
      // One more write still buffered, so a rejected call could also disturb the buffer.
      await p.setSyncState(bytes(2), bytes(5, 5));
      checkEqual(await persisterSnapshot(p), SEEDED, 'seeded');
      const calls = Object.entries(badArgumentCalls(p));
      checkEqual(calls.length, 57, 'bad calls made');
      // First with a write still buffered, then with everything committed: there, with nothing
      // else buffered, a flush shows whether the call buffered anything.
      for (const [label, call] of calls) {
        await checkRejects(call, 'invalid-argument', `${label}, over a buffered write`);
        checkEqual(
          await persisterSnapshot(p),
          SEEDED,
          `${label}, over a buffered write: what it holds after`,
        );
      }
      const seedFlushed = await store.flush();
      check(seedFlushed >= 2, `the seed's buffered write flushed ${seedFlushed} bytes, expected at least 2`);
      for (const [label, call] of calls) {
        await checkRejects(call, 'invalid-argument', `${label}, over committed data`);
        checkEqual(await persisterSnapshot(p), SEEDED, `${label}, over committed data: what it holds after`);
        checkEqual(await store.flush(), 0, `${label}, over committed data: bytes flushed after it`);
      }
      await store.close();
      checkEqual(await persisterSnapshot((await open()).persister('doc')), SEEDED, 'reopened');
    },
  },
  {
    title: 'a call with one bad item among good ones stores none of them',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      await seedAllButLastState(p);
      await p.setSyncState(bytes(2), bytes(5, 5));
      const calls: Record<string, () => Promise<unknown>> = {
        // New keys and an overwrite of a stored key around a bad tuple: none of them lands.
        'insertChanges, bad seq in the middle': () =>
          p.insertChanges([
            ['a', 1, bytes(7, 7, 7)],
            ['z', 5, bytes(8)],
            ['b', -1, bytes(9)],
            ['c', 1, bytes(10)],
          ]),
        'insertChanges, bad change last': () =>
          p.insertChanges([
            ['z', 6, bytes(8)],
            ['a', 2, bytes(11)],
            ['c', 2, bad([1, 2])],
          ]),
        'insertChanges, bad actor first': () =>
          p.insertChanges([
            ['', 1, bytes(1)],
            ['a', 1, bytes(12)],
          ]),
        'removeChanges, bad seq last': () =>
          p.removeChanges([
            ['a', 1],
            ['a', 2],
            ['a', 0.5],
          ]),
        'removeChanges, bad tuple first': () => p.removeChanges([bad('a'), ['a', 1]]),
        'removeSyncStates, bad peer last': () => p.removeSyncStates([bytes(1), bytes(2), bad([3])]),
        'removeSyncStates, bad peer first': () => p.removeSyncStates([bad(null), bytes(1)]),
      };
      checkEqual(Object.keys(calls).length, 7, 'mixed calls made');
      for (const phase of ['buffered', 'committed']) {
        if (phase === 'committed') await store.flush();
        const seeded = await persisterSnapshot(p);
        for (const [label, call] of Object.entries(calls)) {
          await checkRejects(call, 'invalid-argument', `${label} (${phase})`);
          checkEqual(await persisterSnapshot(p), seeded, `${label} (${phase}): what it holds after`);
        }
      }
      checkEqual(await store.flush(), 0, 'bytes left buffered by the rejected calls');
      await store.close();
      checkEqual(await persisterSnapshot((await open()).persister('doc')), SEEDED, 'reopened');
    },
  },
  {
    title: "every call on a closed store rejects with 'closed'",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      await p.insertChanges([['a', 1, bytes(1)]]);
      await store.close();
      const calls = Object.entries(everyCall(() => p));
      for (const [label, call] of calls) await checkRejects(call, 'closed', `${label} on a closed store`);
      await checkRejects(() => store.flush(), 'closed', 'store.flush on a closed store');
      checkEqual(calls.length + 1, 15, 'calls made on the closed store');
      // A persister taken after close() belongs to the closed store as well: its calls reject
      // with 'closed' (taking it must not throw something else).
      const late = Object.entries(everyCall(() => store.persister('late')));
      for (const [label, call] of late)
        await checkRejects(call, 'closed', `${label} of a persister taken after close()`);
      checkEqual(late.length, 14, 'calls made on a persister taken after close()');
      checkEqual(sorted(await (await open()).persister('doc').getChanges()), [[1]], 'reopened');
    },
  },
  {
    title: 'isStoreError and instanceof StoreError hold on the main thread',
    async run({ open }) {
      const store = await open();
      let caught: unknown;
      try {
        await store.persister('doc').insertChanges([['a', -1, bytes(1)]]);
      } catch (e) {
        caught = e;
      }
      const e = caught as Error & { code?: string };
      checkEqual(
        {
          isStoreError: isStoreError(e),
          ofItsCode: isStoreError(e, 'invalid-argument'),
          ofAnotherCode: isStoreError(e, 'closed'),
          instanceOfStoreError: e instanceof StoreError,
          instanceOfError: e instanceof Error,
          code: e.code,
          hasMessage: typeof e.message === 'string' && e.message.length > 0,
          plainError: isStoreError(new Error('x')),
          lookalike: isStoreError({ name: 'StoreError', code: 'closed', message: 'x' }),
          nothing: isStoreError(undefined),
          constructed: isStoreError(new StoreError('conflict', 'x'), 'conflict'),
          constructedOtherCode: isStoreError(new StoreError('conflict', 'x'), 'aborted'),
        },
        {
          isStoreError: true,
          ofItsCode: true,
          ofAnotherCode: false,
          instanceOfStoreError: true,
          instanceOfError: true,
          code: 'invalid-argument',
          hasMessage: true,
          plainError: false,
          lookalike: false,
          nothing: false,
          constructed: true,
          constructedOtherCode: false,
        },
        'the rejection of a bad insertChanges, and isStoreError of other values',
      );
    },
  },
];
