import type { Store } from '../contracts/store.js';
import type { ContractCase } from './contract-setup.js';
import { check, checkEqual } from './check.js';
import {
  EMPTY,
  HOLD,
  bytes,
  expectedSnapshot,
  persisterSnapshot,
  plain,
  sorted,
} from './persister-snapshot.js';

/** A typed array's bytes and lengths, to see whether larder detached or kept it. */
const arrayState = (a: Uint8Array) => ({
  values: Array.from(a),
  byteLength: a.byteLength,
  bufferByteLength: a.buffer.byteLength,
});

/**
 * Persister cases about buffers: the write-behind buffer as reads see it, a flush under way, and
 * the caller's own arrays (never detached, kept or stored with their parent buffer).
 */
export const persisterBufferCases: readonly ContractCase[] = [
  {
    title: 'reads see buffered writes before any flush (read your writes)',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      await p.insertChanges([
        ['a', 1, bytes(1)],
        ['a', 2, bytes(2)],
      ]);
      await p.setDocument(bytes(3, 3));
      await p.setSyncState(bytes(9), bytes(4, 4, 4));
      // Precondition: with a 60 s delay nothing was committed yet, so the reads below come from
      // the buffer. The e2e spec counted the committed records with raw IndexedDB (0); a second
      // store of the name, with its own connection and an empty buffer, reads what is committed.
      const second = await open();
      checkEqual(
        await persisterSnapshot(second.persister('doc')),
        EMPTY,
        'what a second store reads before any flush (committed data)',
      );
      await second.close();
      checkEqual(
        await persisterSnapshot(p),
        expectedSnapshot({ changes: [[1], [2]], document: [3, 3], states: [[[9], [4, 4, 4]]] }),
        'buffered',
      );
      await store.flush();
      // Buffered writes over committed data: reads must not see the stale stored values.
      await p.removeChanges([['a', 1]]);
      await p.insertChanges([['a', 2, bytes(5, 5)]]);
      await p.setDocument(bytes(6));
      await p.removeSyncStates([bytes(9)]);
      await p.setSyncState(bytes(8), bytes(7));
      checkEqual(
        await persisterSnapshot(p),
        expectedSnapshot({ changes: [[5, 5]], document: [6], states: [[[8], [7]]] }),
        'buffered writes over committed data',
      );
    },
  },
  {
    title: "the caller's buffers are never detached or kept",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      const change = bytes(1, 2, 3);
      const doc = bytes(4, 5, 6, 7);
      const peer = bytes(8, 9);
      const sync = bytes(10, 11, 12);
      const removedPeer = bytes(13);
      await p.setSyncState(removedPeer, bytes(1));
      await p.insertChanges([['a', 1, change]]);
      await p.setDocument(doc);
      await p.setSyncState(peer, sync);
      await p.getSyncState(peer);
      await p.removeSyncStates([removedPeer]);
      checkEqual(
        [change, doc, peer, sync, removedPeer].map(arrayState),
        [
          { values: [1, 2, 3], byteLength: 3, bufferByteLength: 3 },
          { values: [4, 5, 6, 7], byteLength: 4, bufferByteLength: 4 },
          { values: [8, 9], byteLength: 2, bufferByteLength: 2 },
          { values: [10, 11, 12], byteLength: 3, bufferByteLength: 3 },
          { values: [13], byteLength: 1, bufferByteLength: 1 },
        ],
        "the caller's arrays after the calls",
      );
      // Changing the caller's arrays afterwards changes nothing stored.
      change.fill(0);
      doc.fill(0);
      sync.fill(0);
      const peerCopy = peer.slice();
      peer.fill(0);
      const first = expectedSnapshot({
        changes: [[1, 2, 3]],
        document: [4, 5, 6, 7],
        states: [
          [
            [8, 9],
            [10, 11, 12],
          ],
        ],
      });
      checkEqual(await persisterSnapshot(p), first, "buffered, after the caller's arrays changed");
      await store.flush();
      checkEqual(await persisterSnapshot(p), first, "flushed, after the caller's arrays changed");
      // Views into a larger buffer: exactly the view's bytes are stored.
      const parent = new Uint8Array(64 * 1024).map((_, i) => i % 251);
      const changeView = parent.subarray(100, 105);
      const docView = parent.subarray(200, 203);
      const peerView = parent.subarray(300, 302);
      const syncView = parent.subarray(400, 404);
      await p.insertChanges([['v', 1, changeView]]);
      await p.setDocument(docView);
      await p.setSyncState(peerView, syncView);
      const parentAfter = arrayState(parent);
      checkEqual(
        { byteLength: parentAfter.byteLength, bufferByteLength: parentAfter.bufferByteLength },
        { byteLength: 64 * 1024, bufferByteLength: 64 * 1024 },
        'the parent array after the calls',
      );
      checkEqual(
        [changeView, docView, peerView, syncView].map(arrayState),
        [
          { values: [100, 101, 102, 103, 104], byteLength: 5, bufferByteLength: 64 * 1024 },
          { values: [200, 201, 202], byteLength: 3, bufferByteLength: 64 * 1024 },
          { values: [49, 50], byteLength: 2, bufferByteLength: 64 * 1024 },
          { values: [149, 150, 151, 152], byteLength: 4, bufferByteLength: 64 * 1024 },
        ],
        'the views after the calls',
      );
      parent.fill(0);
      const second = expectedSnapshot({
        changes: [
          [1, 2, 3],
          [100, 101, 102, 103, 104],
        ],
        document: [200, 201, 202],
        states: [
          [
            [8, 9],
            [10, 11, 12],
          ],
          [
            [49, 50],
            [149, 150, 151, 152],
          ],
        ],
      });
      checkEqual(await persisterSnapshot(p), second, 'views, buffered, after the parent changed');
      await store.close();
      const again = await open();
      checkEqual(await persisterSnapshot(again.persister('doc')), second, 'views, reopened');
      checkEqual(
        plain(await again.persister('doc').getSyncState(peerCopy)),
        [10, 11, 12],
        'sync state read by a copy of the peer id',
      );
    },
  },
  {
    title: "a subarray view's parent buffer is neither stored nor handed back",
    async run({ open }) {
      const parent = new Uint8Array(1024 * 1024).fill(3);
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      const peer = bytes(1);
      await p.insertChanges([
        ['a', 1, parent.subarray(10, 20)],
        ['a', 2, parent.subarray(30, 35)],
      ]);
      await p.setDocument(parent.subarray(40, 48));
      await p.setSyncState(peer, parent.subarray(50, 56));
      // 15 change bytes, an 8-byte document, a 6-byte sync state, out of a 1 MiB parent. A
      // small allowance covers engines that pad; a shipped or stored parent is 1 MiB.
      const checkBacking = async (s: Store, step: string) => {
        const q = s.persister('doc');
        const changes = await q.getChanges();
        let changeBacking = 0;
        for (const b of new Set(changes.map((c) => c.buffer))) changeBacking += b.byteLength;
        const documentBacking = (await q.getDocument())?.buffer.byteLength ?? -1;
        const syncBacking = (await q.getSyncState(peer))?.buffer.byteLength ?? -1;
        for (const [what, backing, least] of [
          ['changes', changeBacking, 15],
          ['document', documentBacking, 8],
          ['sync state', syncBacking, 6],
        ] as const) {
          check(
            backing >= least && backing <= 4096,
            `${step}: the buffers behind the ${what} read hold ${backing} bytes, expected ${least} to 4096`,
          );
        }
      };
      await checkBacking(store, 'buffered');
      await store.flush();
      await checkBacking(store, 'flushed');
      await store.close();
      await checkBacking(await open(), 'reopened');
    },
  },
  {
    title: 'reads and writes made while a flush is in flight see everything and lose nothing',
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const p = store.persister('doc');
      const first: Array<[string, number, Uint8Array]> = [];
      for (let i = 0; i < 200; i++) first.push(['a', i, bytes(1, i)]);
      await p.insertChanges(first);
      await p.setDocument(bytes(1));
      await p.setSyncState(bytes(1), bytes(1));
      // Not awaited: the flush is under way while the calls below run.
      const flushing = store.flush();
      const during = [
        p.insertChanges([
          ['a', 0, bytes(2, 0)],
          ['b', 1, bytes(2, 1)],
        ]),
        p.removeChanges([['a', 1]]),
        p.setDocument(bytes(2)),
        p.setSyncState(bytes(2), bytes(2)),
        p.removeSyncStates([bytes(1)]),
      ];
      const readDuring = persisterSnapshot(p);
      const flushedFirst = await flushing;
      await Promise.all(during);
      const seenDuring = await readDuring;
      const afterFirstFlush = await persisterSnapshot(p);
      const flushedSecond = await store.flush();
      await store.close();
      const reopened = await persisterSnapshot((await open()).persister('doc'));
      const expectedChanges = first
        .filter(([, seq]) => seq !== 0 && seq !== 1)
        .map((c) => c[2])
        .concat([bytes(2, 0), bytes(2, 1)]);
      const expected = expectedSnapshot({
        changes: sorted(expectedChanges),
        document: [2],
        states: [[[2], [2]]],
      });
      // The read was issued after every write above, so it sees all of them.
      checkEqual(seenDuring, expected, 'a read issued during the flush');
      checkEqual(afterFirstFlush, expected, 'after the first flush');
      checkEqual(reopened, expected, 'reopened');
      check(flushedFirst > 0, `the first flush committed ${flushedFirst} bytes, expected more than 0`);
      check(
        flushedFirst + flushedSecond >= 400 + 1 + 1,
        `the two flushes committed ${flushedFirst} + ${flushedSecond} bytes, expected at least 402`,
      );
    },
  },
];
