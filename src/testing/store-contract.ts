import { deleteStore } from '../open-store.js';
import type { Store, StoreOptions } from '../contracts/store.js';
import type { ContractCase, ContractContext } from './contract-setup.js';
import { check, checkEqual, checkRejects } from './check.js';
import {
  EMPTY,
  HOLD,
  bytes,
  expectedSnapshot,
  persisterSnapshot,
  plain,
  sorted,
} from './persister-snapshot.js';

/** Lets an argument that is wrong on purpose past the compiler. */
const bad = (x: unknown) => x as never;

/** How long a write-behind commit may take to happen by itself. */
const COMMIT_WAIT_MS = 15_000;

/**
 * Returns the byte lengths of the changes of document 'doc' that a second store of `name` reads
 * (what is committed: its buffer is empty), once there are any or after {@link COMMIT_WAIT_MS}.
 * Each look opens and closes a store of its own, so that nothing it caches can answer.
 */
async function committedChangeLengths(open: ContractContext['open'], name: string): Promise<number[]> {
  const deadline = Date.now() + COMMIT_WAIT_MS;
  for (;;) {
    const second = await open(undefined, name);
    const lengths = (await second.persister('doc').getChanges()).map((c) => c.byteLength);
    await second.close();
    if (lengths.length > 0 || Date.now() > deadline) return lengths;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The store itself (API.md section 7): opening and its options, flush, write-behind, close and
 * deleteStore, as the Persister's data shows them.
 */
export const storeCases: readonly ContractCase[] = [
  {
    // The e2e spec also counts the records with raw IndexedDB (persister-contract.spec.ts, same
    // title); here a second store of the name, with its own connection and an empty buffer,
    // shows that the data is committed.
    title: 'flush() returns the bytes it committed, 0 when nothing is pending, and the data is in IndexedDB',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      checkEqual(await store.flush(), 0, 'flush of a fresh store');
      await p.insertChanges([
        ['a', 1, bytes(1, 2, 3)],
        ['a', 2, bytes(4, 5, 6, 7)],
      ]);
      await p.setDocument(bytes(1, 2, 3, 4, 5));
      await p.setSyncState(bytes(1), bytes(1, 2));
      // A persister's flush commits everything buffered for the store, other docs included.
      await store.persister('other').insertChanges([['b', 1, new Uint8Array(1000).fill(1)]]);
      const first = await p.flush();
      // 3 + 4 change bytes, a 5-byte document, a 2-byte sync state, a 1000-byte change.
      check(first >= 1014, `the first flush committed ${first} bytes, expected at least 1014`);
      checkEqual(await store.flush(), 0, 'a second flush');
      checkEqual(await store.persister('other').flush(), 0, "a flush through the other document's persister");
      // A second store of the same name has its own connection and an empty buffer: what it
      // reads was committed by the flush. The first store stays open.
      const second = await open();
      checkEqual(
        await persisterSnapshot(second.persister('doc')),
        expectedSnapshot({
          changes: [
            [1, 2, 3],
            [4, 5, 6, 7],
          ],
          document: [1, 2, 3, 4, 5],
          states: [[[1], [1, 2]]],
        }),
        'what a second store reads',
      );
      checkEqual(
        sorted(await second.persister('other').getChanges()),
        [new Array(1000).fill(1)],
        "the other document's changes, read by a second store",
      );
      await second.close();
      await p.setDocument(bytes(9));
      const small = await store.persister('other').flush();
      check(small >= 1, `a flush of a 1-byte document through another persister committed ${small} bytes`);
      await store.close();
      const reopened = await open();
      checkEqual(plain(await reopened.persister('doc').getDocument()), [9], 'the document, reopened');
    },
  },
  {
    title: 'write-behind commits by itself past maxBytes and after maxDelayMs',
    async run({ name, open }) {
      const byDelay = `${name}-by-delay`;
      const big = await open({ writeBehind: { maxDelayMs: 60_000, maxBytes: 1000 } });
      await big.persister('doc').insertChanges([['a', 1, new Uint8Array(2000).fill(1)]]);
      const soon = await open({ writeBehind: { maxDelayMs: 0 } }, byDelay);
      await soon.persister('doc').insertChanges([['a', 1, bytes(1)]]);
      // Neither store is flushed or closed: the commits happen on their own.
      const stores: Array<[string, Store, string, number]> = [
        [name, big, 'past maxBytes', 2000],
        [byDelay, soon, 'after maxDelayMs', 1],
      ];
      for (const [storeName, store, what, length] of stores) {
        checkEqual(
          await committedChangeLengths(open, storeName),
          [length],
          `${what}: the changes a second store reads, within ${COMMIT_WAIT_MS} ms`,
        );
        // Committed already, but relaxed: the explicit flush still makes them strict, and
        // reports the bytes it covered (it used to answer 0 with no strict commit: issue 12,
        // finding 4).
        checkEqual(await store.flush(), length, `${what}: bytes of the flush after the commit`);
      }
    },
  },
  {
    title: 'two openStore calls with the same name see the same data after flush',
    async run({ open }) {
      const a = await open({ writeBehind: HOLD });
      const b = await open({ writeBehind: HOLD });
      const pa = a.persister('doc');
      const pb = b.persister('doc');
      await pa.insertChanges([
        ['x', 1, bytes(1)],
        ['x', 2, bytes(2)],
      ]);
      await pa.setDocument(bytes(3));
      await pa.setSyncState(bytes(1), bytes(4));
      await a.flush();
      checkEqual(
        await persisterSnapshot(pb),
        expectedSnapshot({ changes: [[1], [2]], document: [3], states: [[[1], [4]]] }),
        "the second store's view of the first's flushed writes",
      );
      await pb.removeChanges([['x', 1]]);
      await pb.insertChanges([
        ['x', 2, bytes(5, 5)],
        ['y', 1, bytes(6)],
      ]);
      await pb.setDocument(bytes(7, 7));
      await pb.removeSyncStates([bytes(1)]);
      await pb.setSyncState(bytes(2), bytes(8));
      await b.flush();
      checkEqual(
        await persisterSnapshot(pa),
        expectedSnapshot({ changes: [[5, 5], [6]], document: [7, 7], states: [[[2], [8]]] }),
        "the first store's view of the second's flushed writes",
      );
    },
  },
  {
    title: 'close() flushes every write issued before it, awaited or not',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      await p.insertChanges([['a', 1, bytes(1)]]);
      const calls = [
        p.insertChanges([['a', 2, bytes(2)]]),
        p.setDocument(bytes(3)),
        p.setSyncState(bytes(9), bytes(4)),
      ];
      const settled = await Promise.allSettled([...calls, store.close()]);
      checkEqual(
        settled.map((s) => s.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
        'the three writes and close()',
      );
      checkEqual(
        await persisterSnapshot((await open()).persister('doc')),
        expectedSnapshot({ changes: [[1], [2]], document: [3], states: [[[9], [4]]] }),
        'reopened',
      );
    },
  },
  {
    // The e2e spec also checks with raw IndexedDB that the database existed and is gone
    // (persister-contract.spec.ts, same title).
    title: 'deleteStore removes the data and makes an open store of the name let go',
    async run({ name, open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      await p.insertChanges([['a', 1, bytes(1)]]);
      await p.setDocument(bytes(2));
      await p.setSyncState(bytes(3), bytes(4));
      await store.flush();
      await p.insertChanges([['a', 2, bytes(5)]]); // still buffered
      await deleteStore(name);
      const again = await open();
      checkEqual(
        await persisterSnapshot(again.persister('doc')),
        EMPTY,
        'the store opened after deleteStore',
      );
      // The store that was open does not silently reconnect to a new, empty database: its
      // database is gone, and it says so.
      await checkRejects(() => p.getChanges(), 'storage-lost', 'a read of the store that was open');
    },
  },
  {
    // "Creates nothing" needs a raw look at the browser's databases: errors.spec.ts checks it.
    title: "openStore rejects bad writeBehind options with 'invalid-argument' and creates nothing",
    async run({ open }) {
      const cases: Record<string, Omit<StoreOptions, 'engine'>> = {
        'maxDelayMs -1': { writeBehind: { maxDelayMs: -1 } },
        'maxDelayMs NaN': { writeBehind: { maxDelayMs: NaN } },
        'maxDelayMs Infinity': { writeBehind: { maxDelayMs: Infinity } },
        "maxDelayMs '10'": { writeBehind: { maxDelayMs: bad('10') } },
        'maxBytes -1': { writeBehind: { maxBytes: -1 } },
        'maxBytes NaN': { writeBehind: { maxBytes: NaN } },
        'writeBehind null': { writeBehind: bad(null) },
        'writeBehind a number': { writeBehind: bad(5) },
        "flushOnHide 'yes'": { flushOnHide: bad('yes') },
      };
      checkEqual(Object.keys(cases).length, 9, 'bad options tried');
      for (const [label, options] of Object.entries(cases))
        await checkRejects(() => open(options), 'invalid-argument', `openStore with ${label}`);
    },
  },
];
