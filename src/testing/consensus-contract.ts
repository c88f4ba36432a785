import type { ContractCase } from './contract-setup.js';
import { checkEqual } from './check.js';

/** The largest seqno: 2^63 - 1. */
const MAX = 2n ** 63n - 1n;

/** A head or version as plain data, for comparisons. */
const plainHead = (h: { seqno: bigint; data: Uint8Array } | undefined) =>
  h === undefined ? undefined : { seqno: h.seqno, data: Array.from(h.data) };

/** The `Consensus` contract (API.md section 3): compare-and-set, heads, scans, truncation. */
export const consensusCases: readonly ContractCase[] = [
  {
    title: 'compareAndSet appends on a matching head and reports a mismatch otherwise',
    async run({ open }) {
      const store = await open();
      const c = store.consensus();
      checkEqual(plainHead(await c.head('k')), undefined, 'head of a new key');
      checkEqual(await c.listKeys(), [], 'keys of a new store');
      checkEqual(
        await c.compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) }),
        'committed',
        'first write expecting no data',
      );
      checkEqual(plainHead(await c.head('k')), { seqno: 1n, data: [1] }, 'head after the first write');
      // The key has data now: expecting "no data" is a mismatch and writes nothing.
      checkEqual(
        await c.compareAndSet('k', undefined, { seqno: 2n, data: new Uint8Array([2]) }),
        'expectation-mismatch',
        'expecting no data on a key with data',
      );
      // Seqnos need not be consecutive, only increasing.
      checkEqual(
        await c.compareAndSet('k', 1n, { seqno: 5n, data: new Uint8Array([5]) }),
        'committed',
        'a jump from 1 to 5',
      );
      checkEqual(
        await c.compareAndSet('k', 1n, { seqno: 6n, data: new Uint8Array([6]) }),
        'expectation-mismatch',
        'a stale expectation',
      );
      checkEqual(
        await c.compareAndSet('k', 7n, { seqno: 8n, data: new Uint8Array([8]) }),
        'expectation-mismatch',
        'an expectation ahead of the head',
      );
      // Expecting a seqno on a key with no data is a mismatch too.
      checkEqual(
        await c.compareAndSet('other', 3n, { seqno: 4n, data: new Uint8Array([4]) }),
        'expectation-mismatch',
        'expecting a seqno on a key with no data',
      );
      checkEqual(plainHead(await c.head('k')), { seqno: 5n, data: [5] }, 'head after all');
      checkEqual(
        (await c.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno),
        [1n, 5n],
        'versions of k',
      );
      checkEqual(await c.listKeys(), ['k'], 'keys after all');
      checkEqual(plainHead(await c.head('other')), undefined, 'head of the key that never matched');
    },
  },
  {
    title: 'seqnos are bigints in numeric order up to 2^63 - 1',
    async run({ open }) {
      const seqnos = [0n, 9n, 10n, 15n, 16n, 255n, 256n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 62n, MAX];
      const store = await open();
      const c = store.consensus();
      let expected: bigint | undefined;
      for (const [i, seqno] of seqnos.entries()) {
        checkEqual(
          await c.compareAndSet('k', expected, { seqno, data: new Uint8Array([i]) }),
          'committed',
          `write of seqno ${seqno}`,
        );
        expected = seqno;
      }
      checkEqual(plainHead(await c.head('k')), { seqno: MAX, data: [seqnos.length - 1] }, 'head');
      const scanned = await c.scan('k', 0n, Number.MAX_SAFE_INTEGER);
      checkEqual(
        scanned.map((v) => [v.seqno, v.data[0]]),
        seqnos.map((s, i) => [s, i]),
        'every version, in order',
      );
      checkEqual(
        (await c.scan('k', 2n ** 53n + 1n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno),
        [2n ** 53n + 1n, 2n ** 62n, MAX],
        'a scan from the middle',
      );
    },
  },
];
