import type { ContractCase } from './contract-setup.js';
import { byteDigest } from './byte-digest.js';
import { checkEachRejects, checkEqual, checkRejects, type ExpectedFailure } from './check.js';

/** The largest seqno: 2^63 - 1. */
const MAX = 2n ** 63n - 1n;

/** A head or version as plain data, for comparisons. */
const plainHead = (h: { seqno: bigint; data: Uint8Array } | undefined) =>
  h === undefined ? undefined : { seqno: h.seqno, data: Array.from(h.data) };

/** A value of the wrong type, passed on purpose. */
const bad = (v: unknown) => v as never;

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
    title: 'bad arguments reject with invalid-argument and write nothing',
    async run({ open }) {
      const store = await open();
      const c = store.consensus();
      const bytes = new Uint8Array([7]);
      await c.compareAndSet('k', undefined, { seqno: 3n, data: bytes });
      const calls: ExpectedFailure[] = [
        // next.seqno <= expected is checked before storage: 'k' has head 3n, a match.
        ['seqno equal to expected', () => c.compareAndSet('k', 3n, { seqno: 3n, data: bytes })],
        ['seqno below expected', () => c.compareAndSet('k', 3n, { seqno: 2n, data: bytes })],
        // ...and would be a mismatch on storage, yet it is an error.
        [
          'seqno not above expected on a key with no data',
          () => c.compareAndSet('new', 9n, { seqno: 9n, data: bytes }),
        ],
        ['seqno above 2^63 - 1', () => c.compareAndSet('k', 3n, { seqno: MAX + 1n, data: bytes })],
        ['seqno a number', () => c.compareAndSet('k', 3n, { seqno: bad(4), data: bytes })],
        ['negative seqno', () => c.compareAndSet('new', undefined, { seqno: -1n, data: bytes })],
        ['expected a number', () => c.compareAndSet('k', bad(3), { seqno: 4n, data: bytes })],
        ['negative expected', () => c.compareAndSet('new', -1n, { seqno: 4n, data: bytes })],
        ['expected above 2^63 - 1', () => c.compareAndSet('k', MAX + 1n, { seqno: 4n, data: bytes })],
        ['key a number', () => c.compareAndSet(bad(1), 3n, { seqno: 4n, data: bytes })],
        ['data an array', () => c.compareAndSet('k', 3n, { seqno: 4n, data: bad([1, 2]) })],
        ['data an ArrayBuffer', () => c.compareAndSet('k', 3n, { seqno: 4n, data: bad(new ArrayBuffer(2)) })],
        ['next missing', () => c.compareAndSet('k', 3n, bad(undefined))],
        ['head of an undefined key', () => c.head(bad(undefined))],
        ['scan of a number key', () => c.scan(bad(5), 0n, 1)],
        ['scan from a number', () => c.scan('k', bad(0), 1)],
        ['scan from a negative seqno', () => c.scan('k', -1n, 1)],
        ['scan from above 2^63 - 1', () => c.scan('k', MAX + 1n, 1)],
        ['scan limit a fraction', () => c.scan('k', 0n, 1.5)],
        ['scan limit negative', () => c.scan('k', 0n, -1)],
        ['scan limit a bigint', () => c.scan('k', 0n, bad(1n))],
        ['scan limit NaN', () => c.scan('k', 0n, NaN)],
        ['scan limit past MAX_SAFE_INTEGER', () => c.scan('k', 0n, Number.MAX_SAFE_INTEGER + 1)],
        ['truncate at a number', () => c.truncate('k', bad(1))],
        ['truncate at a negative seqno', () => c.truncate('k', -1n)],
        ['truncate above 2^63 - 1', () => c.truncate('k', MAX + 1n)],
        ['truncate of a null key', () => c.truncate(bad(null), 1n)],
      ];
      await checkEachRejects(calls, 'invalid-argument', 'calls with bad arguments');
      // None of these may throw synchronously: they are all promises.
      let syncThrow = false;
      try {
        void c.compareAndSet(bad(1), bad('x'), bad(null)).catch(() => undefined);
      } catch {
        syncThrow = true;
      }
      checkEqual(syncThrow, false, 'compareAndSet with every argument wrong threw synchronously');
      checkEqual((await c.head('k'))?.seqno, 3n, 'head seqno after the bad calls');
      checkEqual(
        (await c.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno),
        [3n],
        'versions after the bad calls',
      );
      checkEqual(await c.listKeys(), ['k'], 'keys after the bad calls');
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
      checkEqual(
        scanned.map((v) => typeof v.seqno),
        seqnos.map(() => 'bigint'),
        'types of the scanned seqnos',
      );
      // Nothing can follow the largest seqno.
      await checkRejects(
        () => c.compareAndSet('k', expected, { seqno: 2n ** 63n, data: new Uint8Array() }),
        'invalid-argument',
        'a write of seqno 2^63 after 2^63 - 1',
      );
    },
  },
  {
    title: 'scan honours from and limit; unknown keys and from past the head give []',
    async run({ open }) {
      const store = await open();
      const c = store.consensus();
      let expected: bigint | undefined;
      for (const s of [2n, 4n, 6n, 8n, 10n]) {
        await c.compareAndSet('k', expected, { seqno: s, data: new Uint8Array([Number(s), 0, Number(s)]) });
        expected = s;
      }
      // Keys that are prefixes of one another stay apart.
      await c.compareAndSet('k1', undefined, { seqno: 1n, data: new Uint8Array([99]) });
      await c.compareAndSet('', undefined, { seqno: 1n, data: new Uint8Array([98]) });
      const scan = async (key: string, from: bigint, limit: number) =>
        (await c.scan(key, from, limit)).map((v) => [v.seqno, Array.from(v.data)]);
      const v = (s: number) => [BigInt(s), [s, 0, s]];
      checkEqual(await scan('k', 0n, Number.MAX_SAFE_INTEGER), [v(2), v(4), v(6), v(8), v(10)], 'all of k');
      checkEqual(await scan('k', 4n, 2), [v(4), v(6)], 'from an existing seqno, limit 2');
      checkEqual(await scan('k', 5n, 10), [v(6), v(8), v(10)], 'from between two seqnos');
      checkEqual(await scan('k', 0n, 1), [v(2)], 'limit 1');
      checkEqual(await scan('k', 0n, 0), [], 'limit 0');
      checkEqual(await scan('k', 10n, 3), [v(10)], 'from the head');
      checkEqual(await scan('k', 11n, 3), [], 'from past the head');
      checkEqual(await scan('nope', 0n, 5), [], 'an unknown key');
      checkEqual(await scan('k1', 0n, 5), [[1n, [99]]], "key 'k1', which 'k' prefixes");
      checkEqual(await scan('', 0n, 5), [[1n, [98]]], 'the empty key');
      checkEqual((await c.listKeys()).sort(), ['', 'k', 'k1'], 'keys');
    },
  },
  {
    title: 'truncate deletes below the seqno, keeps the head and the key, and is idempotent',
    async run({ open }) {
      const store = await open();
      const c = store.consensus();
      const seqnos = async (k: string) => (await c.scan(k, 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno);
      let expected: bigint | undefined;
      for (let s = 1n; s <= 6n; s++) {
        await c.compareAndSet('k', expected, { seqno: s, data: new Uint8Array([Number(s)]) });
        expected = s;
      }
      await c.compareAndSet('k2', undefined, { seqno: 1n, data: new Uint8Array([1]) });
      await checkRejects(() => c.truncate('empty', 0n), 'invalid-argument', 'truncate of a key with no data');
      await checkRejects(() => c.truncate('k', 7n), 'invalid-argument', 'truncate past the head');
      checkEqual(await seqnos('k'), [1n, 2n, 3n, 4n, 5n, 6n], 'versions after the rejected truncates');
      checkEqual(await c.truncate('k', 0n), 0, 'deleted by truncate at 0');
      checkEqual(await c.truncate('k', 3n), 2, 'deleted by truncate at 3');
      checkEqual(await seqnos('k'), [3n, 4n, 5n, 6n], 'versions after truncate at 3');
      checkEqual(await c.truncate('k', 3n), 0, 'deleted by truncate at 3 again');
      checkEqual(await c.truncate('k', 2n), 0, 'deleted by truncate below the oldest version');
      checkEqual(await c.truncate('k', 6n), 3, 'deleted by truncate at the head');
      checkEqual(await seqnos('k'), [6n], 'versions after truncate at the head');
      const head = await c.head('k');
      checkEqual(head && [head.seqno, Array.from(head.data)], [6n, [6]], 'head after truncate at the head');
      checkEqual(await c.truncate('k', 6n), 0, 'deleted by truncate at the head again');
      await checkRejects(
        () => c.truncate('k', 7n),
        'invalid-argument',
        'truncate past the head, after truncating',
      );
      checkEqual(await seqnos('k2'), [1n], 'versions of the other key');
      checkEqual((await c.listKeys()).sort(), ['k', 'k2'], 'keys after truncating');
      // Truncation never stops appends after the head.
      checkEqual(
        await c.compareAndSet('k', 6n, { seqno: 7n, data: new Uint8Array([7]) }),
        'committed',
        'a write after the head once truncated',
      );
    },
  },
  {
    title: 'data of any size round-trips exactly and never aliases the caller',
    async run({ open }) {
      const store = await open();
      const c = store.consensus();
      const big = new Uint8Array(3 * 1024 * 1024 + 5);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
      const parent = new Uint8Array([10, 11, 12, 13, 14, 15]);
      const view = parent.subarray(2, 4);
      const payloads = [new Uint8Array(), new Uint8Array([0]), view, big];
      const sent = payloads.map(byteDigest);
      let expected: bigint | undefined;
      for (const [i, data] of payloads.entries()) {
        await c.compareAndSet('k', expected, { seqno: BigInt(i), data });
        expected = BigInt(i);
      }
      // The caller's arrays are intact, and changing them now changes nothing stored.
      checkEqual(
        { parent: Array.from(parent), viewLength: view.byteLength, bigLength: big.byteLength },
        { parent: [10, 11, 12, 13, 14, 15], viewLength: 2, bigLength: 3 * 1024 * 1024 + 5 },
        "the caller's arrays after the writes",
      );
      parent.fill(0);
      big.fill(0);
      checkEqual(
        (await c.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => byteDigest(v.data)),
        sent,
        'lengths and hashes of the scanned versions',
      );
      checkEqual(sent[0], [0, 0], 'digest of the empty payload');
      checkEqual(sent[2]?.[0], 2, 'length of the subarray payload');
      const head = await c.head('k');
      checkEqual(head && byteDigest(head.data), sent[3], 'length and hash of the head');
      // What comes back is the caller's to change: it does not alter what is stored.
      head?.data.fill(1);
      const headAgain = await c.head('k');
      checkEqual(headAgain && byteDigest(headAgain.data), sent[3], 'the head after changing the one read');
    },
  },
  {
    title: 'of many concurrent compareAndSets with the same expectation exactly one commits',
    async run({ open }) {
      // Two stores of one name: two engines, two IndexedDB connections.
      const a = await open();
      const b = await open();
      const ca = a.consensus();
      const cb = b.consensus();
      await ca.compareAndSet('k', undefined, { seqno: 1n, data: new Uint8Array([1]) });
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 === 0 ? ca : cb).compareAndSet('k', 1n, {
            seqno: 2n + BigInt(i),
            data: new Uint8Array([i]),
          }),
        ),
      );
      checkEqual(
        results.filter((r) => r === 'committed').length,
        1,
        'how many of 16 racing writes committed',
      );
      checkEqual(
        results.filter((r) => r === 'expectation-mismatch').length,
        15,
        'how many of 16 racing writes mismatched',
      );
      const winner = results.indexOf('committed');
      const head = await cb.head('k');
      checkEqual(
        head && [head.seqno, head.data[0]],
        [2n + BigInt(winner), winner],
        "head: the winner's write",
      );
      checkEqual(
        (await ca.scan('k', 0n, Number.MAX_SAFE_INTEGER)).map((v) => v.seqno),
        [1n, 2n + BigInt(winner)],
        "versions: the first and the winner's",
      );
    },
  },
  {
    title: 'data and keys survive reopening; calls after close reject with closed',
    async run({ open }) {
      const first = await open();
      const c1 = first.consensus();
      await c1.compareAndSet('a', undefined, { seqno: 1n, data: new Uint8Array([1]) });
      await c1.compareAndSet('a', 1n, { seqno: 2n, data: new Uint8Array([2]) });
      await c1.compareAndSet('b', undefined, { seqno: 7n, data: new Uint8Array([7]) });
      await c1.truncate('a', 2n);
      await first.close();
      await checkRejects(() => c1.head('a'), 'closed', 'head after close');
      await checkRejects(() => c1.listKeys(), 'closed', 'listKeys after close');
      await checkRejects(
        () => c1.compareAndSet('a', 2n, { seqno: 3n, data: new Uint8Array() }),
        'closed',
        'compareAndSet after close',
      );
      await checkRejects(() => c1.scan('a', 0n, 1), 'closed', 'scan after close');
      await checkRejects(() => c1.truncate('a', 1n), 'closed', 'truncate after close');
      const second = await open();
      const c2 = second.consensus();
      checkEqual((await c2.listKeys()).sort(), ['a', 'b'], 'keys after reopening');
      checkEqual(
        (await c2.scan('a', 0n, 10)).map((v) => [v.seqno, v.data[0]]),
        [[2n, 2]],
        'versions of a after reopening',
      );
      const b = await c2.head('b');
      checkEqual(b && [b.seqno, b.data[0]], [7n, 7], 'head of b after reopening');
    },
  },
];
