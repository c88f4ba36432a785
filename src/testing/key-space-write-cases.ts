import type { ContractCase } from './contract-setup.js';
import { checkEqual } from './check.js';
import { HOLD, pattern, plainRange, plainValue, readCommitted } from './key-space-fixtures.js';

/**
 * The `KeySpace` contract's write path: the caller's arrays are copied, writes share the store's
 * write-behind with the Persister, and thousands of entries and a large value come back whole.
 * Part of `keySpaceCases`.
 */
export const keySpaceWriteCases: readonly ContractCase[] = [
  {
    title: "the caller's arrays are copied once: never kept, never detached",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const s = store.keySpace('c');
      // A view into the middle of a larger buffer: only its own bytes are stored.
      const big = new Uint8Array(64).map((_, i) => i);
      const view = big.subarray(10, 14);
      const key = ['k', 'one'];
      await s.put(key, view);
      // The caller edits everything it passed, after the call.
      view.fill(0xee);
      key[1] = 'two';
      checkEqual(
        { viewLength: view.byteLength, bigLength: big.buffer.byteLength },
        { viewLength: 4, bigLength: 64 },
        "the caller's arrays after the put: not detached",
      );
      // Edits of what reads return do not reach the store either (the value is buffered).
      const got = await s.get(['k', 'one']);
      got?.fill(0xdd);
      const ranged = await s.getRange(['k']);
      ranged[0]?.data.fill(0xcc);
      ranged[0]?.key.push('x');
      const expected = [
        [
          ['k', 'one'],
          [10, 11, 12, 13],
        ],
      ];
      checkEqual(await plainRange(s, []), expected, 'entries, buffered');
      await store.flush();
      checkEqual(await plainRange(s, []), expected, 'entries, flushed');
      const again = await s.get(['k', 'one']);
      again?.fill(0xbb);
      checkEqual(await plainValue(s, ['k', 'one']), [10, 11, 12, 13], 'the value after editing a read of it');
    },
  },
  {
    title: "key-space writes share the Persister's write-behind: one flush, one count",
    async run({ open }) {
      const store = await open({ writeBehind: HOLD });
      const s = store.keySpace('shared');
      await s.put(['a'], pattern(1, 1000));
      await s.put(['a'], pattern(2, 600)); // the latest value of a key counts once
      await store.persister('doc').insertChanges([['actor', 1, pattern(3, 200)]]);
      // What is committed, of the key space and of the Persister, as another connection reads it
      // (the e2e test counted IndexedDB's records with a raw connection).
      const committed = () =>
        readCommitted(open, async (other) => [
          (await other.keySpace('shared').getRange([])).length,
          (await other.persister('doc').getChanges()).length,
        ]);
      checkEqual((await store.stats()).pendingBytes, 800, 'bytes pending');
      checkEqual(await committed(), [0, 0], 'entries and changes committed before the flush');
      // The key space's flush is the store's: it commits the Persister's write too.
      checkEqual(await s.flush(), 800, "bytes the key space's flush committed");
      checkEqual(await committed(), [1, 1], 'entries and changes committed after the flush');
      checkEqual((await store.stats()).pendingBytes, 0, 'bytes pending after the flush');
    },
  },
  {
    title: 'thousands of entries and a large value come back whole',
    async run({ open }) {
      const store = await open();
      const s = store.keySpace('many');
      const writes: Promise<void>[] = [];
      for (let d = 0; d < 30; d++) {
        for (let i = 0; i < 100; i++)
          writes.push(s.put([`doc${d}`, 'chunk', `${i}`], pattern(d * 100 + i, 50)));
      }
      await Promise.all(writes);
      const large = pattern(7, 8 * 1024 * 1024);
      await s.put(['large'], large);
      const read = async () => {
        const one = await s.getRange(['doc7']);
        let intact = 0;
        for (const e of one) {
          const i = Number(e.key[2]);
          const want = pattern(700 + i, 50);
          if (e.data.every((b, j) => b === want[j]) && e.data.byteLength === 50) intact++;
        }
        const all = await s.getRange([]);
        const big = await s.get(['large']);
        let bigOk = big?.byteLength === large.byteLength;
        for (let j = 0; bigOk && big !== undefined && j < big.length; j += 4099) bigOk = big[j] === large[j];
        return { one: one.length, intact, all: all.length, bigOk };
      };
      const expected = { one: 100, intact: 100, all: 3001, bigOk: true };
      checkEqual(
        await read(),
        expected,
        'entries under doc7, intact ones, all entries, the large value: buffered',
      );
      await store.flush();
      checkEqual(await read(), expected, 'the same, flushed');
    },
  },
];
