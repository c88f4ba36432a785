import type { Store } from '../contracts/store.js';
import type { ContractCase } from './contract-setup.js';
import { checkEqual } from './check.js';
import { persisterBufferCases } from './persister-buffer-cases.js';
import { persisterErrorCases } from './persister-error-cases.js';
import {
  EMPTY,
  HOLD,
  bytes,
  expectedSnapshot,
  persisterSnapshot,
  plain,
  sorted,
} from './persister-snapshot.js';

/** What the data cases check: namespaces, upserts, keys, documents, peers and sizes. */
const dataCases: readonly ContractCase[] = [
  {
    title: 'docIds are namespaces: "1" and "10" never see each other',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const one = store.persister('1');
      const ten = store.persister('10');
      const peer = bytes(7, 7);
      // The same change key and the same peer in both documents, with different values.
      await one.insertChanges([
        ['aa', 1, bytes(1)],
        ['aa', 2, bytes(1, 2)],
      ]);
      await one.setDocument(bytes(1, 1, 1));
      await one.setSyncState(peer, bytes(1, 1, 1, 1));
      await ten.insertChanges([['aa', 1, bytes(10)]]);
      await ten.setSyncState(peer, bytes(10, 10));
      await ten.setSyncState(bytes(8), bytes(10, 8));
      const read = async (s: Store) => ({
        one: await persisterSnapshot(s.persister('1')),
        ten: await persisterSnapshot(s.persister('10')),
        unused: await persisterSnapshot(s.persister('100')),
      });
      const oneHolds = expectedSnapshot({
        changes: [[1], [1, 2]],
        document: [1, 1, 1],
        states: [
          [
            [7, 7],
            [1, 1, 1, 1],
          ],
        ],
      });
      const tenHolds = expectedSnapshot({
        changes: [[10]],
        states: [
          [
            [7, 7],
            [10, 10],
          ],
          [[8], [10, 8]],
        ],
      });
      const tenAfterRemoval = expectedSnapshot({ states: [[[8], [10, 8]]] });
      checkEqual(await read(store), { one: oneHolds, ten: tenHolds, unused: EMPTY }, 'buffered');
      await store.flush();
      checkEqual(await read(store), { one: oneHolds, ten: tenHolds, unused: EMPTY }, 'flushed');
      // Removals in "10" of keys that "1" also has leave "1" alone.
      await ten.removeChanges([['aa', 1]]);
      await ten.removeSyncStates([peer]);
      checkEqual(
        await read(store),
        { one: oneHolds, ten: tenAfterRemoval, unused: EMPTY },
        'removals in "10", buffered',
      );
      await store.close();
      checkEqual(
        await read(await open()),
        { one: oneHolds, ten: tenAfterRemoval, unused: EMPTY },
        'reopened',
      );
    },
  },
  {
    title:
      'insert is an upsert: the last write of a key wins, within a call, across calls, flushes and reopen',
    async run({ open }) {
      const changes = async (s: Store) => sorted(await s.persister('doc').getChanges());
      let store = await open({ writeBehind: HOLD });
      let p = store.persister('doc');
      await p.insertChanges([
        ['a', 1, bytes(1, 1, 1)],
        ['a', 1, bytes(1, 2)],
        ['b', 1, bytes(9)],
      ]);
      checkEqual(await changes(store), [[1, 2], [9]], 'within one call');
      await p.insertChanges([['a', 1, bytes(1, 3)]]);
      checkEqual(await changes(store), [[1, 3], [9]], 'across calls, buffered');
      await store.flush();
      checkEqual(await changes(store), [[1, 3], [9]], 'after flush');
      await p.insertChanges([['a', 1, bytes(1, 4, 4, 4)]]);
      checkEqual(await changes(store), [[1, 4, 4, 4], [9]], 'over flushed data, buffered');
      await store.flush();
      checkEqual(await changes(store), [[1, 4, 4, 4], [9]], 'over flushed data, flushed');
      // Insert then remove, and remove then insert, in the buffer and over flushed data.
      await p.insertChanges([['c', 1, bytes(3)]]);
      await p.removeChanges([['c', 1]]);
      await p.removeChanges([['b', 1]]);
      await p.insertChanges([['b', 1, bytes(9, 9)]]);
      const reinserted = [
        [1, 4, 4, 4],
        [9, 9],
      ];
      checkEqual(await changes(store), reinserted, 'remove and reinsert');
      await store.close();
      store = await open({ writeBehind: HOLD });
      p = store.persister('doc');
      checkEqual(await changes(store), reinserted, 'reopened');
      await p.insertChanges([['a', 1, bytes(1, 5)]]);
      await store.close();
      store = await open();
      checkEqual(
        await changes(store),
        [
          [1, 5],
          [9, 9],
        ],
        'reopened after an overwrite',
      );
      checkEqual(await store.persister('doc').sizes(), { changes: 4, document: 0, syncStates: 0 }, 'sizes');
    },
  },
  {
    title: 'getChanges returns every stored change, whatever the actor and seq',
    async run({ open }) {
      const actors = ['a', '1', '1:a', ':', 'ä😀', 'f'.repeat(64), 'x'.repeat(500)];
      const seqs = [0, 1, 11, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER];
      const batch: Array<[string, number, Uint8Array]> = [];
      actors.forEach((actor, a) =>
        seqs.forEach((seq, s) => batch.push([actor, seq, bytes(a, s, a * 16 + s)])),
      );
      // Equal bytes under two keys are two changes; an empty change is a change.
      batch.push(['dup', 1, bytes(42)], ['dup', 2, bytes(42)], ['empty', 0, new Uint8Array(0)]);
      const expected = sorted(batch.map((c) => c[2]));
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      // Half in one call, the rest one by one.
      const half = Math.floor(batch.length / 2);
      await p.insertChanges(batch.slice(0, half));
      for (const c of batch.slice(half)) await p.insertChanges([c]);
      const buffered = sorted(await p.getChanges());
      checkEqual(buffered.length, batch.length, 'number of changes read, buffered');
      checkEqual(buffered, expected, 'buffered');
      await store.flush();
      checkEqual(sorted(await p.getChanges()), expected, 'flushed');
      await store.close();
      const again = await open();
      checkEqual(sorted(await again.persister('doc').getChanges()), expected, 'reopened');
      const total = batch.reduce((n, c) => n + c[2].byteLength, 0);
      checkEqual(
        await again.persister('doc').sizes(),
        { changes: total, document: 0, syncStates: 0 },
        'sizes',
      );
    },
  },
  {
    title: 'removing absent keys is fine and empty arrays are no-ops',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      // On a store that holds nothing at all.
      await p.insertChanges([]);
      await p.removeChanges([]);
      await p.removeSyncStates([]);
      checkEqual(await persisterSnapshot(p), EMPTY, 'after no-ops on a fresh store');
      checkEqual(await store.flush(), 0, 'bytes flushed after no-ops');
      await p.removeChanges([['nobody', 5]]);
      await p.removeSyncStates([bytes(9, 9)]);
      checkEqual(await persisterSnapshot(p), EMPTY, 'after removing absent keys from an empty store');
      await store.flush();
      // On a store with data: absent keys next to present ones (other seq, other actor, other
      // doc), absent peers next to present ones.
      await p.insertChanges([
        ['a', 1, bytes(1)],
        ['b', 2, bytes(2, 2)],
      ]);
      await p.setDocument(bytes(3));
      await p.setSyncState(bytes(1), bytes(4, 4));
      await store.persister('other').insertChanges([['a', 2, bytes(5)]]);
      await store.flush();
      const data = expectedSnapshot({ changes: [[1], [2, 2]], document: [3], states: [[[1], [4, 4]]] });
      checkEqual(await persisterSnapshot(p), data, 'before the removals');
      await p.insertChanges([]);
      await p.removeChanges([]);
      await p.removeSyncStates([]);
      checkEqual(await store.flush(), 0, 'bytes flushed after no-ops on data');
      await p.removeChanges([
        ['a', 2],
        ['b', 1],
        ['c', 1],
      ]);
      await p.removeSyncStates([bytes(1, 1), bytes(2), new Uint8Array(0)]);
      checkEqual(await persisterSnapshot(p), data, 'after removing absent keys, buffered');
      await store.close();
      const again = await open();
      checkEqual(await persisterSnapshot(again.persister('doc')), data, 'reopened');
      checkEqual(sorted(await again.persister('other').getChanges()), [[5]], 'the other document');
    },
  },
  {
    title: 'getDocument is undefined until the first setDocument; an empty document is an empty array',
    async run({ open }) {
      const describeDoc = (d: Uint8Array | undefined) =>
        d === undefined ? 'undefined' : d instanceof Uint8Array ? Array.from(d) : typeof d;
      let store = await open({ writeBehind: HOLD });
      let p = store.persister('doc');
      checkEqual(describeDoc(await p.getDocument()), 'undefined', 'fresh');
      await p.insertChanges([['a', 1, bytes(1)]]);
      await p.setSyncState(bytes(1), bytes(1));
      checkEqual(describeDoc(await p.getDocument()), 'undefined', 'after other writes');
      await store.flush();
      checkEqual(describeDoc(await p.getDocument()), 'undefined', 'after other writes, flushed');
      await p.setDocument(new Uint8Array(0));
      checkEqual(describeDoc(await p.getDocument()), [], 'empty, buffered');
      checkEqual(await p.sizes(), { changes: 1, document: 0, syncStates: 1 }, 'sizes with an empty document');
      await store.flush();
      checkEqual(describeDoc(await p.getDocument()), [], 'empty, flushed');
      await store.close();
      store = await open({ writeBehind: HOLD });
      p = store.persister('doc');
      checkEqual(describeDoc(await p.getDocument()), [], 'empty, reopened');
      await p.setDocument(bytes(1, 2, 3));
      await p.setDocument(bytes(4, 5));
      checkEqual(describeDoc(await p.getDocument()), [4, 5], 'replaced, buffered');
      await store.flush();
      checkEqual(describeDoc(await p.getDocument()), [4, 5], 'replaced, flushed');
      // An empty document over a stored one replaces it; it is not "no document".
      await p.setDocument(new Uint8Array(0));
      checkEqual(describeDoc(await p.getDocument()), [], 'empty over a stored one, buffered');
      await store.close();
      store = await open();
      p = store.persister('doc');
      checkEqual(describeDoc(await p.getDocument()), [], 'empty over a stored one, reopened');
      checkEqual(await p.sizes(), { changes: 1, document: 0, syncStates: 1 }, 'final sizes');
    },
  },
  {
    title: 'peer ids are raw bytes that round-trip exactly; a peer is listed only while it has a sync state',
    async run({ open }) {
      const random = crypto.getRandomValues(new Uint8Array(32));
      const peers = [
        bytes(0xff, 0x00, 0xfe),
        bytes(0x00),
        bytes(0x00, 0x00),
        bytes(0xc3, 0x28),
        bytes(0xed, 0xa0, 0x80),
        new TextEncoder().encode('peer-1'),
        new Uint8Array(0),
        random,
      ];
      let store = await open({ writeBehind: HOLD });
      let p = store.persister('doc');
      for (const [i, peer] of peers.entries()) await p.setSyncState(peer, bytes(i, i + 1));
      const probe = async () => ({
        snap: await persisterSnapshot(p),
        // A prefix and an extension of stored peers are other peers.
        prefix: plain(await p.getSyncState(bytes(0xff))),
        extension: plain(await p.getSyncState(bytes(0xff, 0x00, 0xfe, 0x00))),
      });
      const expectSnap = (states: Array<[number[], number[]]>) => ({
        snap: expectedSnapshot({ states }),
        prefix: null,
        extension: null,
      });
      const all = peers.map((peer, i): [number[], number[]] => [Array.from(peer), [i, i + 1]]);
      // Removed: [0xff, 0x00, 0xfe] and [0x00]; [0x00, 0x00] now has an empty sync state.
      const afterRemoval = all
        .filter((x) => x[0].join() !== '255,0,254' && x[0].join() !== '0')
        .map((x): [number[], number[]] => (x[0].join() === '0,0' ? [x[0], []] : x));
      const readded: Array<[number[], number[]]> = [...afterRemoval, [[0x00], [7]]];
      checkEqual(afterRemoval.length, all.length - 2, 'peers left after the removals (the test itself)');
      checkEqual(await probe(), expectSnap(all), 'buffered');
      await store.flush();
      checkEqual(await probe(), expectSnap(all), 'flushed');
      await store.close();
      store = await open({ writeBehind: HOLD });
      p = store.persister('doc');
      checkEqual(await probe(), expectSnap(all), 'reopened');
      // Remove two flushed peers; upsert another one to an empty sync state.
      await p.removeSyncStates([bytes(0x00), bytes(0xff, 0x00, 0xfe)]);
      await p.setSyncState(bytes(0x00, 0x00), new Uint8Array(0));
      checkEqual(await probe(), expectSnap(afterRemoval), 'after the removals, buffered');
      checkEqual(plain(await p.getSyncState(bytes(0x00))), null, 'sync state of a removed peer');
      await store.flush();
      checkEqual(await probe(), expectSnap(afterRemoval), 'after the removals, flushed');
      // A removed peer comes back with a new sync state.
      await p.setSyncState(bytes(0x00), bytes(7));
      await store.close();
      store = await open();
      p = store.persister('doc');
      checkEqual(await probe(), expectSnap(readded), 'a removed peer added again, reopened');
    },
  },
  {
    title: 'sizes() are exact after upserts and removals, buffered, flushed and reopened',
    async run({ open }) {
      const filled = (n: number, v: number) => new Uint8Array(n).fill(v);
      let store = await open({ writeBehind: HOLD });
      let p = store.persister('doc');
      await p.insertChanges([
        ['a', 1, filled(10, 1)],
        ['a', 2, filled(20, 2)],
        ['b', 1, filled(5, 3)],
      ]);
      await p.insertChanges([['a', 1, filled(3, 4)]]); // shrinks a/1: 10 -> 3
      await p.insertChanges([
        ['b', 2, filled(7, 5)],
        ['b', 2, filled(1, 6)], // within one call: b/2 is 1 byte
      ]);
      await p.removeChanges([
        ['a', 2],
        ['c', 9],
      ]);
      await p.setDocument(filled(100, 7));
      await p.setDocument(filled(40, 8));
      await p.setSyncState(bytes(1), filled(8, 9));
      await p.setSyncState(bytes(2), filled(16, 10));
      await p.setSyncState(bytes(1), filled(2, 11));
      await p.removeSyncStates([bytes(2), bytes(3)]);
      // changes 3 + 5 + 1, document 40, states 2
      const first = { changes: 9, document: 40, syncStates: 2 };
      checkEqual(await p.sizes(), first, 'buffered');
      await store.flush();
      checkEqual(await p.sizes(), first, 'flushed');
      // Over flushed data: remove one, grow one, add one, shrink the document.
      await p.removeChanges([['a', 1]]);
      await p.insertChanges([
        ['b', 1, filled(50, 12)],
        ['d', 0, filled(4, 13)],
      ]);
      await p.setDocument(filled(6, 14));
      await p.setSyncState(bytes(4), filled(30, 15));
      await p.removeSyncStates([bytes(1)]);
      // changes 50 + 1 + 4, document 6, states 30
      const second = { changes: 55, document: 6, syncStates: 30 };
      checkEqual(await p.sizes(), second, 'over flushed data, buffered');
      await store.flush();
      checkEqual(await p.sizes(), second, 'over flushed data, flushed');
      await store.close();
      store = await open();
      p = store.persister('doc');
      checkEqual(await p.sizes(), second, 'reopened');
      checkEqual((await persisterSnapshot(p)).sizes, second, "the snapshot's sizes");
      checkEqual(
        await store.persister('doc2').sizes(),
        { changes: 0, document: 0, syncStates: 0 },
        'another document',
      );
    },
  },
];

/**
 * The `Persister` contract (API.md sections 1, 2 and 7), one store per case, in the manner of
 * automerge-repo's `runStorageAdapterTests`: namespaces, upserts, documents, peers, sizes, the
 * write-behind buffer as reads see it, the caller's buffers, and the errors of section 8.
 */
export const persisterCases: readonly ContractCase[] = [
  ...dataCases,
  ...persisterBufferCases,
  ...persisterErrorCases,
];
