import type { ContractCase } from './contract-setup.js';
import {
  check,
  checkEachRejects,
  checkEqual,
  checkRejects,
  checkThrows,
  type ExpectedFailure,
} from './check.js';
import { opStorePagingCases } from './op-store-paging-cases.js';
import { ARCS, TOP, hex, idAt, op } from './op-store-fixtures.js';

/** The full arc: every location. */
const FULL = ARCS.full;

/** Reads what the caller passes, to hand a method a value of the wrong type on purpose. */
const any = (v: unknown) => v as never;

/**
 * The `OpStore` contract (kitsune2's `OpStore`): processing ops of the default format or a
 * custom one, retrieving and filtering them, time slices, paging by `storedAt`, the earliest
 * time in an arc, slice hashes, spaces, and bad arguments.
 */
export const opStoreCases: readonly ContractCase[] = [
  {
    title: 'processes default-format ops, retrieves and filters them',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      const a = op(idAt(5, 1), 1000, 3);
      // op_data shorter than an id: the id is it, zero-padded to 32 bytes.
      const short = new TextEncoder().encode('{"created_at":2000,"op_data":[1,2,3,4,5]}');
      const c = op(idAt(6, 2), 3000, 0);
      const aBytes = hex(a);
      const processed = await ops.processIncomingOps([a, short, a, c]);
      // Editing the caller's array afterwards changes nothing stored.
      a.fill(0);
      const unknown = idAt(5, 99);
      const retrieved = await ops.retrieveOps([idAt(6, 2), unknown, idAt(5, 1), idAt(5, 1)]);
      const filtered = await ops.filterOutExistingOps([unknown, idAt(5, 1), unknown, idAt(5, 7)]);
      const empty = [
        await ops.retrieveOps([]),
        await ops.filterOutExistingOps([]),
        await ops.processIncomingOps([]),
      ];
      const w = {
        a: hex(idAt(5, 1)),
        short: hex(new Uint8Array([1, 2, 3, 4, 5, ...new Array<number>(27).fill(0)])),
        c: hex(idAt(6, 2)),
        cBytes: hex(c),
      };
      checkEqual(processed.map(hex), [w.a, w.short, w.a, w.c], 'ids processIncomingOps resolves');
      check(
        processed.every((id) => id instanceof Uint8Array),
        'every id processIncomingOps resolves is a Uint8Array',
      );
      checkEqual(
        retrieved.map((m) => [hex(m.opId), hex(m.opData)]),
        [
          [w.c, w.cBytes],
          [w.a, aBytes],
          [w.a, aBytes],
        ],
        'retrieveOps: the stored ones, in request order, with the bytes as processed',
      );
      checkEqual(
        filtered.map(hex),
        [hex(unknown), hex(unknown), hex(idAt(5, 7))],
        'filterOutExistingOps: the ones not stored, in input order',
      );
      checkEqual(empty, [[], [], []], 'retrieveOps, filterOutExistingOps and processIncomingOps of []');
    },
  },
  {
    title: 'the first copy of an op wins and keeps its times',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      const x = op(idAt(1, 1), 5000, 2);
      const z = op(idAt(2, 2), 5500, 0);
      await ops.processIncomingOps([x]);
      await ops.processIncomingOps([z]);
      // Same id (same first 32 bytes of op_data), other time and bytes.
      const again = await ops.processIncomingOps([op(idAt(1, 1), 9000, 10)]);
      // Within one call, the earlier of two copies wins.
      const p1 = op(idAt(3, 3), 6000, 1, 1);
      const p2 = op(idAt(3, 3), 7000, 4, 2);
      await ops.processIncomingOps([p1, p2]);
      const [early, earlyTotal] = await ops.retrieveOpHashesInTimeSlice(FULL, 0, 6500);
      const [late] = await ops.retrieveOpHashesInTimeSlice(FULL, 6500, 10_000);
      const [paged] = await ops.retrieveOpIdsBounded(FULL, 0, 1_000_000);
      const stored = await ops.retrieveOps([idAt(1, 1), idAt(3, 3)]);
      const w = { x: hex(idAt(1, 1)), z: hex(idAt(2, 2)), p: hex(idAt(3, 3)) };
      checkEqual(again.map(hex), [w.x], 'the id of an op stored already');
      // x at 5000 with size 34, z at 5500 (32), p1 at 6000 (33): neither copy's later time.
      checkEqual(early.map(hex), [w.x, w.z, w.p], 'ops created before 6500');
      checkEqual(earlyTotal, 34 + 32 + 33, 'their total size');
      checkEqual(late.map(hex), [], 'ops created from 6500 on');
      // storedAt kept too: x still pages before z.
      checkEqual(paged.map(hex), [w.x, w.z, w.p], 'ops paged by storedAt');
      checkEqual(
        stored.map((m) => hex(m.opData)),
        [hex(x), hex(p1)],
        'the bytes stored: the first copies',
      );
    },
  },
  {
    title: 'a call that repeats stored ops among new ones stores the new ones, each once, in order',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      const s1 = op(idAt(1, 1), 1000, 1);
      const s2 = op(idAt(2, 2), 2000, 2);
      await ops.processIncomingOps([s1, s2]);
      const n3 = op(idAt(3, 3), 3000, 3);
      const n4 = op(idAt(4, 4), 4000, 4);
      const n5 = op(idAt(5, 5), 5000, 5);
      // Stored ops first, between and last, and a new op twice: a repeat must neither fail the
      // call nor keep the ops around it from being stored.
      const processed = await ops.processIncomingOps([s1, n3, s2, n4, n3, n5, s1]);
      const [paged] = await ops.retrieveOpIdsBounded(FULL, 0, 1_000_000);
      const retrieved = await ops.retrieveOps([idAt(3, 3), idAt(4, 4), idAt(5, 5), idAt(1, 1)]);
      checkEqual(
        processed.map(hex),
        [idAt(1, 1), idAt(3, 3), idAt(2, 2), idAt(4, 4), idAt(3, 3), idAt(5, 5), idAt(1, 1)].map(hex),
        'the ids of every op passed, repeats included',
      );
      checkEqual(
        paged.map(hex),
        [idAt(1, 1), idAt(2, 2), idAt(3, 3), idAt(4, 4), idAt(5, 5)].map(hex),
        'every op stored once, paged in the order first stored',
      );
      checkEqual(
        retrieved.map((m) => hex(m.opData)),
        [n3, n4, n5, s1].map(hex),
        'the bytes of each op as first processed',
      );
    },
  },
  {
    title: 'a custom decodeOp decodes ops and sizes them by byte length',
    async run({ open }) {
      const store = await open();
      // Binary ops: 4 bytes of id, a created-at byte (in ms), then anything.
      const ops = store.opStore('space', {
        decodeOp: (bytes) => {
          if (bytes.length < 5) throw new Error('too short');
          return { opId: bytes.subarray(0, 4), createdAt: (bytes[4] as number) * 1000 };
        },
      });
      const o1 = new Uint8Array([1, 0, 0, 0, 3, 0xff, 0xfe]);
      const o2 = new Uint8Array([2, 0, 0, 0, 1]);
      const o3 = new Uint8Array([3, 0, 0, 0, 2, 9, 9, 9, 9, 9, 9]);
      const ids = await ops.processIncomingOps([o1, o2, o3]);
      const [slice, total] = await ops.retrieveOpHashesInTimeSlice(FULL, 0, 10_000);
      const [bounded, boundedTotal] = await ops.retrieveOpIdsBounded(FULL, 0, 12);
      const retrieved = await ops.retrieveOps([new Uint8Array([3, 0, 0, 0])]);
      checkEqual(ids.map(hex), ['01000000', '02000000', '03000000'], 'ids processed');
      checkEqual(slice.map(hex), ['02000000', '03000000', '01000000'], 'the time slice, by createdAt');
      checkEqual(total, 7 + 5 + 11, 'its total size');
      // Budget 12 holds o1 (7) and o2 (5) exactly; o3 (11) does not fit.
      checkEqual(bounded.map(hex), ['01000000', '02000000'], 'a page of 12 bytes');
      checkEqual(boundedTotal, 12, 'its total size');
      checkEqual(
        retrieved.map((m) => hex(m.opData)),
        [hex(o3)],
        'retrieveOps of a custom-format op: its bytes',
      );
      await checkRejects(
        () => ops.processIncomingOps([new Uint8Array([4, 0, 0, 0, 1]), new Uint8Array([5])]),
        'invalid-argument',
        'a call with an op that decodeOp throws on',
      );
      checkEqual(
        (await ops.filterOutExistingOps([new Uint8Array([4, 0, 0, 0])])).length,
        1,
        'ops not stored of the call that rejected',
      );
      const returns = [
        () => ({ opId: [1, 2], createdAt: 1 }),
        () => ({ opId: new Uint8Array(1), createdAt: '1' }),
        () => ({ opId: new Uint8Array(1), createdAt: NaN }),
        () => null,
      ];
      await checkEachRejects(
        returns.map((decodeOp): ExpectedFailure => {
          const bad = store.opStore('space', { decodeOp: any(decodeOp) });
          return [
            `a decodeOp returning ${String(decodeOp)}`,
            () => bad.processIncomingOps([new Uint8Array([6, 0, 0, 0, 1])]),
          ];
        }),
        'invalid-argument',
        'ops a decodeOp returns a bad shape for',
      );
      checkEqual(
        (await ops.retrieveOpHashesInTimeSlice(FULL, 0, 10_000))[0].length,
        3,
        'ops stored after the bad decodeOps',
      );
    },
  },
  {
    title: 'undecodable default-format ops reject the whole call and store nothing',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      const enc = (s: string) => new TextEncoder().encode(s);
      const bad: unknown[] = [
        new Uint8Array([0xff, 0xfe, 0x7b]),
        enc('{'),
        enc('[1, 2]'),
        enc('42'),
        enc('{"op_data":[1]}'),
        enc('{"created_at":"1","op_data":[1]}'),
        enc('{"created_at":1}'),
        enc('{"created_at":1,"op_data":[256]}'),
        enc('{"created_at":1,"op_data":[1.5]}'),
        enc('{"created_at":1,"op_data":[-1]}'),
        enc('{"created_at":1,"op_data":"abc"}'),
        [1, 2, 3],
        'op',
      ];
      // Each undecodable op comes after a good one, which must not be stored either.
      const goods = bad.map((_, i) => idAt(1, i));
      await checkEachRejects(
        bad.map((b, i): ExpectedFailure => [
          `a good op, then ${b instanceof Uint8Array ? `the bytes ${show8(b)}` : JSON.stringify(b)}`,
          () => ops.processIncomingOps([op(goods[i] as Uint8Array, 100), any(b)]),
        ]),
        'invalid-argument',
        'calls with an undecodable op',
      );
      await checkRejects(
        () => ops.processIncomingOps(any('ops')),
        'invalid-argument',
        'processIncomingOps of a string',
      );
      checkEqual(
        (await ops.filterOutExistingOps(goods)).length,
        bad.length,
        'good ops not stored, of the calls that rejected',
      );
      checkEqual(
        (await ops.retrieveOpHashesInTimeSlice([0, TOP], 0, 1e9))[0].length,
        0,
        'ops in the full arc',
      );
    },
  },
  ...opStorePagingCases,
  {
    title: 'slice hashes are keyed by the exact arc and index',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      const h = (b: number, n = 4) => new Uint8Array(n).fill(b);
      const overlap: [number, number] = [TOP - 32, 33];
      const before = [await ops.sliceHashCount(ARCS.wrap), await ops.retrieveSliceHashes(ARCS.wrap)];
      await ops.storeSliceHash(ARCS.wrap, 0, h(1));
      await ops.storeSliceHash(ARCS.wrap, 10, h(10));
      await ops.storeSliceHash(ARCS.wrap, 2, h(2, 32));
      await ops.storeSliceHash(ARCS.wrap, 100, h(100));
      await ops.storeSliceHash(ARCS.wrap, 0, h(0xaa, 1));
      await ops.storeSliceHash(ARCS.full, 3, h(3));
      await ops.storeSliceHash(null, 1, h(5));
      const caller = h(7);
      await ops.storeSliceHash(overlap, 0, caller);
      caller.fill(0);
      await checkRejects(
        () => ops.storeSliceHash(ARCS.full, 50, new Uint8Array()),
        'invalid-argument',
        'storing an empty slice hash',
      );
      const list = async (arc: readonly [number, number] | null) =>
        (await ops.retrieveSliceHashes(arc)).map(([i, x]) => [i, hex(x)]);
      const opt = (x: Uint8Array | undefined) => (x === undefined ? undefined : hex(x));
      checkEqual(before, [0, []], 'count and hashes of the wrapping arc before any');
      // Highest index + 1, not the number of entries; a failed store changes nothing.
      checkEqual(
        [
          await ops.sliceHashCount(ARCS.wrap),
          await ops.sliceHashCount(ARCS.full),
          await ops.sliceHashCount(null),
          await ops.sliceHashCount(overlap),
          await ops.sliceHashCount(ARCS.plain),
        ],
        [101, 4, 2, 1, 0],
        'sliceHashCount of the wrapping, full, empty, overlapping and plain arcs',
      );
      checkEqual(
        [
          opt(await ops.retrieveSliceHash(ARCS.wrap, 0)),
          opt(await ops.retrieveSliceHash(ARCS.wrap, 2)),
          opt(await ops.retrieveSliceHash(ARCS.wrap, 1)),
          opt(await ops.retrieveSliceHash(ARCS.plain, 0)),
          opt(await ops.retrieveSliceHash(overlap, 0)),
        ],
        ['aa', '02'.repeat(32), undefined, undefined, '07070707'],
        'retrieveSliceHash of wrap 0 (overwritten), wrap 2, wrap 1, plain 0 and overlap 0',
      );
      checkEqual(
        await list(ARCS.wrap),
        [
          [0, 'aa'],
          [2, '02'.repeat(32)],
          [10, '0a0a0a0a'],
          [100, '64646464'],
        ],
        'slice hashes of the wrapping arc',
      );
      checkEqual(await list(ARCS.full), [[3, '03030303']], 'slice hashes of the full arc');
      checkEqual(await list(null), [[1, '05050505']], 'slice hashes of the empty arc');
      checkEqual(await list(ARCS.plain), [], 'slice hashes of the plain arc');
    },
  },
  {
    title: 'spaces never see each other',
    async run({ open }) {
      const store = await open();
      // 'a' is a prefix of 'ab': no prefix collisions either.
      const a = store.opStore('a');
      const ab = store.opStore('ab');
      await a.processIncomingOps([op(idAt(1, 1), 100)]);
      await ab.processIncomingOps([op(idAt(2, 2), 50)]);
      await a.storeSliceHash(FULL, 4, new Uint8Array([1]));
      const view = async (s: typeof a) => ({
        slice: (await s.retrieveOpHashesInTimeSlice(FULL, 0, 1e9))[0].map(hex),
        bounded: (await s.retrieveOpIdsBounded(FULL, 0, 1e6))[0].map(hex),
        earliest: await s.earliestTimestampInArc(FULL),
        retrieved: (await s.retrieveOps([idAt(1, 1), idAt(2, 2)])).map((m) => hex(m.opId)),
        missing: (await s.filterOutExistingOps([idAt(1, 1), idAt(2, 2)])).map(hex),
        count: await s.sliceHashCount(FULL),
        hashes: (await s.retrieveSliceHashes(FULL)).length,
      });
      const [one, two] = [hex(idAt(1, 1)), hex(idAt(2, 2))];
      checkEqual(
        await view(a),
        {
          slice: [one],
          bounded: [one],
          earliest: 100,
          retrieved: [one],
          missing: [two],
          count: 5,
          hashes: 1,
        },
        "what space 'a' holds",
      );
      checkEqual(
        await view(ab),
        { slice: [two], bounded: [two], earliest: 50, retrieved: [two], missing: [one], count: 0, hashes: 0 },
        "what space 'ab' holds",
      );
      checkEqual(
        await view(store.opStore('')),
        {
          slice: [],
          bounded: [],
          earliest: undefined,
          retrieved: [],
          missing: [one, two],
          count: 0,
          hashes: 0,
        },
        "what space '' holds",
      );
    },
  },
  {
    title: 'bad arguments reject with invalid-argument and change nothing',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      await ops.processIncomingOps([op(idAt(1, 1), 100)]);
      await ops.storeSliceHash(FULL, 0, new Uint8Array([1]));
      const badArcs: unknown[] = [
        [1],
        [1, 2, 3],
        [-1, 5],
        [0, 2 ** 32],
        [0.5, 3],
        ['0', '1'],
        'arc',
        undefined,
        { 0: 1, 1: 2, length: 2 },
      ];
      const badTimes: unknown[] = [NaN, Infinity, '1', 1n, undefined];
      const attempts: ExpectedFailure[] = [];
      for (const arc of badArcs) {
        const a = `arc ${showArg(arc)}`;
        attempts.push([`slice ${a}`, () => ops.retrieveOpHashesInTimeSlice(any(arc), 0, 1)]);
        attempts.push([`bounded ${a}`, () => ops.retrieveOpIdsBounded(any(arc), 0, 1)]);
        attempts.push([`earliest ${a}`, () => ops.earliestTimestampInArc(any(arc))]);
        attempts.push([`store ${a}`, () => ops.storeSliceHash(any(arc), 1, new Uint8Array([1]))]);
        attempts.push([`count ${a}`, () => ops.sliceHashCount(any(arc))]);
        attempts.push([`get ${a}`, () => ops.retrieveSliceHash(any(arc), 0)]);
        attempts.push([`list ${a}`, () => ops.retrieveSliceHashes(any(arc))]);
      }
      for (const t of badTimes) {
        const v = showArg(t);
        attempts.push([`slice start ${v}`, () => ops.retrieveOpHashesInTimeSlice(FULL, any(t), 1)]);
        attempts.push([`slice end ${v}`, () => ops.retrieveOpHashesInTimeSlice(FULL, 0, any(t))]);
        attempts.push([`bounded start ${v}`, () => ops.retrieveOpIdsBounded(FULL, any(t), 1)]);
      }
      for (const limit of [-1, NaN, '1', undefined]) {
        attempts.push([
          `bounded limit ${showArg(limit)}`,
          () => ops.retrieveOpIdsBounded(FULL, 0, any(limit)),
        ]);
      }
      for (const index of [-1, 1.5, NaN, '1', 2 ** 53]) {
        const v = showArg(index);
        attempts.push([`store index ${v}`, () => ops.storeSliceHash(FULL, any(index), new Uint8Array([1]))]);
        attempts.push([`get index ${v}`, () => ops.retrieveSliceHash(FULL, any(index))]);
      }
      attempts.push(['store hash [1]', () => ops.storeSliceHash(FULL, 1, any([1]))]);
      attempts.push(['retrieve ids with [1, 2]', () => ops.retrieveOps(any([idAt(1, 1), [1, 2]]))]);
      attempts.push(["retrieve 'ids'", () => ops.retrieveOps(any('ids'))]);
      attempts.push(["filter ids with 'x'", () => ops.filterOutExistingOps(any([idAt(1, 1), 'x']))]);
      check(attempts.length > 80, `more than 80 bad calls (${attempts.length})`);
      await checkEachRejects(attempts, 'invalid-argument', 'calls with a bad argument');
      checkThrows(() => store.opStore(any(1)), 'invalid-argument', 'opStore(1)');
      checkThrows(() => store.opStore('s', any('options')), 'invalid-argument', "opStore('s', 'options')");
      checkThrows(
        () => store.opStore('s', any({ decodeOp: 5 })),
        'invalid-argument',
        "opStore('s', { decodeOp: 5 })",
      );
      checkEqual(await ops.sliceHashCount(FULL), 1, 'sliceHashCount after the bad calls');
      checkEqual(
        (await ops.retrieveOpHashesInTimeSlice(FULL, 0, 1e9))[0].length,
        1,
        'ops stored after the bad calls',
      );
    },
  },
  {
    title: 'calls on a closed store reject with closed',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      await store.close();
      const calls: ExpectedFailure[] = [
        ['processIncomingOps', () => ops.processIncomingOps([op(idAt(1, 1), 1)])],
        ['retrieveOpHashesInTimeSlice', () => ops.retrieveOpHashesInTimeSlice(FULL, 0, 1)],
        ['retrieveOps', () => ops.retrieveOps([idAt(1, 1)])],
        ['filterOutExistingOps', () => ops.filterOutExistingOps([idAt(1, 1)])],
        ['retrieveOpIdsBounded', () => ops.retrieveOpIdsBounded(FULL, 0, 1)],
        ['earliestTimestampInArc', () => ops.earliestTimestampInArc(FULL)],
        ['storeSliceHash', () => ops.storeSliceHash(FULL, 0, new Uint8Array([1]))],
        ['sliceHashCount', () => ops.sliceHashCount(FULL)],
        ['retrieveSliceHash', () => ops.retrieveSliceHash(FULL, 0)],
        ['retrieveSliceHashes', () => ops.retrieveSliceHashes(FULL)],
      ];
      await checkEachRejects(calls, 'closed', 'calls on a closed store');
    },
  },
];

/** Bytes for a failure message, as `[255,254,123]`. */
function show8(bytes: Uint8Array): string {
  return `[${Array.from(bytes).join(',')}]`;
}

/** A bad argument for a failure message: `JSON.stringify` shows neither `NaN` nor bigints. */
function showArg(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || v === undefined) return String(v);
  return JSON.stringify(v);
}
