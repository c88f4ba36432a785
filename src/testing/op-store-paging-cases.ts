import type { ContractCase } from './contract-setup.js';
import { check, checkEqual } from './check.js';
import { ARCS, LOCS, TOP, hex, idAt, idOrdered, locsIn, op, type ArcName } from './op-store-fixtures.js';

/** The arcs of {@link ARCS}, by name. */
const ARC_NAMES = Object.keys(ARCS) as ArcName[];

/**
 * The `OpStore` contract's reads by arc and time: time slices, bounded paging by `storedAt`, the
 * earliest time in an arc, and `storedAt` of two connections storing at once. Part of
 * `opStoreCases`.
 */
export const opStorePagingCases: readonly ContractCase[] = [
  {
    title: 'time slices: start inclusive, end exclusive, by arc, ascending by createdAt',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      // Op k sits at LOCS[k], created at 100 * (k + 1), with k extra bytes; processed in an
      // order unlike creation order.
      const made = LOCS.map(([loc], k) => ({ id: idAt(loc, k), op: op(idAt(loc, k), 100 * (k + 1), k) }));
      const order = made.map((_, k) => (k * 5) % made.length);
      await ops.processIncomingOps(order.slice(0, 6).map((k) => made[k]!.op));
      await ops.processIncomingOps(order.slice(6).map((k) => made[k]!.op));
      const ids = (ks: number[]) => ks.map((k) => hex(made[k]!.id));
      const size = (ks: number[]) => ks.reduce((s, k) => s + 32 + k, 0);
      const slice = async (
        arc: (typeof ARCS)[ArcName],
        start: number,
        end: number,
      ): Promise<[string[], number]> => {
        const [got, total] = await ops.retrieveOpHashesInTimeSlice(arc, start, end);
        return [got.map(hex), total];
      };
      for (const key of ARC_NAMES) {
        const arc = ARCS[key];
        const inArc = locsIn(key);
        const middle = inArc.filter((k) => k >= 2 && k < 6);
        const all = await slice(arc, 0, 1e9);
        checkEqual(all, [ids(inArc), size(inArc)], `arc ${key}: the slice 0 to 1e9`);
        // 300 is op 2's time (included); 700 is op 6's (excluded).
        const inMiddle = await slice(arc, 300, 700);
        checkEqual(inMiddle, [ids(middle), size(middle)], `arc ${key}: the slice 300 to 700`);
        checkEqual(await slice(arc, 700, 300), [[], 0], `arc ${key}: the inverted slice 700 to 300`);
        checkEqual(await slice(arc, 500, 500), [[], 0], `arc ${key}: the empty slice 500 to 500`);
        // The fixtures put ops inside and outside every non-empty arc.
        if (key === 'wrap') checkEqual(all[0].length, 4, 'ops of the wrapping arc');
        if (key === 'plain') checkEqual(inMiddle[0].length, 2, 'ops of the plain arc from 300 to 700');
      }
    },
  },
  {
    title: 'bounded paging finds every op in the arc exactly once, by storedAt',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      // 48 ops over the fixture locations, sizes 32..52, created in reverse of the order they
      // are stored in, in three calls.
      const made = Array.from({ length: 48 }, (_, k) => {
        const id = idAt(LOCS[k % LOCS.length]![0], k);
        return { id: hex(id), k, size: 32 + ((k * 7) % 21), op: op(id, 1_000_000 - k, (k * 7) % 21) };
      });
      for (let i = 0; i < 48; i += 16) await ops.processIncomingOps(made.slice(i, i + 16).map((m) => m.op));
      const budget = 150;
      const lastNext: Partial<Record<ArcName, number>> = {};
      for (const key of ARC_NAMES) {
        const seen = {
          ids: [] as string[],
          totals: [] as number[],
          sums: [] as number[],
          nexts: [] as number[],
        };
        let start = 0;
        for (let guard = 0; guard < 100; guard++) {
          const [ids, total, next] = await ops.retrieveOpIdsBounded(ARCS[key], start, budget);
          seen.nexts.push(next);
          if (ids.length === 0) break;
          seen.ids.push(...ids.map(hex));
          seen.totals.push(total);
          seen.sums.push(ids.reduce((s, id) => s + made.find((m) => m.id === hex(id))!.size, 0));
          start = next;
        }
        const want = made.filter((m) => LOCS[m.k % LOCS.length]![1].includes(key)).map((m) => m.id);
        // Every op of the arc once, in the order stored.
        checkEqual(seen.ids, want, `arc ${key}: the ops paged`);
        checkEqual(seen.totals, seen.sums, `arc ${key}: each page's total, the sum of its ops' sizes`);
        for (const t of seen.totals)
          check(t <= budget, `arc ${key}: a page's total ${t} is within ${budget}`);
        // Each page but the last ended at an op that did not fit, the next page's first; the
        // last reports the clock, which reads need not advance.
        for (let i = 1; i < seen.nexts.length - 1; i++)
          check(
            seen.nexts[i]! > seen.nexts[i - 1]!,
            `arc ${key}: next of page ${i} (${seen.nexts[i]}) is after the one before (${seen.nexts[i - 1]})`,
          );
        if (seen.nexts.length > 1)
          check(
            seen.nexts.at(-1)! >= seen.nexts.at(-2)!,
            `arc ${key}: the last next (${seen.nexts.at(-1)}) is not before the one before (${seen.nexts.at(-2)})`,
          );
        // Budget 150 holds 2 to 4 of these ops: the full arc needs many pages.
        if (key === 'full')
          check(seen.totals.length > 10, `the full arc takes more than 10 pages (${seen.totals.length})`);
        if (key === 'empty') checkEqual(seen.ids, [], 'ops paged in the empty arc');
        lastNext[key] = seen.nexts.at(-1)!;
      }
      // After the last page nothing is new; a later op is the only thing the next page finds.
      const [none, , after] = await ops.retrieveOpIdsBounded(ARCS.full, lastNext.full!, 1e6);
      checkEqual(none.length, 0, 'ops after the last page of the full arc');
      const late = idAt(7, 1000);
      await ops.processIncomingOps([op(late, 1)]);
      const [fresh, freshTotal] = await ops.retrieveOpIdsBounded(ARCS.full, after, 1e6);
      checkEqual(fresh.map(hex), [hex(late)], 'the page after an op stored later');
      checkEqual(freshTotal, 32, 'its total');
    },
  },
  {
    title: 'bounded paging over many ops resumes exactly where each page stopped',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      // 300 ops of 32 bytes; every third in the wrapping arc, alternately on either side of the
      // wrap point, so a page of the arc reads well past the index's chunk size.
      const ids = Array.from({ length: 300 }, (_, i) =>
        idAt(i % 3 === 0 ? (i % 2 === 0 ? i % 33 : TOP - (i % 33)) : 2 ** 31 + i, i),
      );
      for (let i = 0; i < 300; i += 100) {
        await ops.processIncomingOps(ids.slice(i, i + 100).map((id, k) => op(id, 5000 - i - k)));
      }
      const page = async (key: ArcName, perPage: number) => {
        const seen: string[] = [];
        let start = 0;
        for (let guard = 0; guard < 100; guard++) {
          const [got, total, next] = await ops.retrieveOpIdsBounded(ARCS[key], start, 32 * perPage);
          if (got.length === 0) break;
          checkEqual(total, 32 * got.length, `arc ${key}: the total of a page of ${got.length} ops`);
          check(got.length <= perPage, `arc ${key}: a page of ${got.length} ops holds at most ${perPage}`);
          seen.push(...got.map(hex));
          start = next;
        }
        return seen;
      };
      const all = ids.map(hex);
      checkEqual(
        await page('wrap', 30),
        all.filter((_, i) => i % 3 === 0),
        'ops paged in the wrapping arc',
      );
      checkEqual(await page('full', 100), all, 'ops paged in the full arc');
    },
  },
  {
    title: 'bounded paging stops at the first op that does not fit',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      const ids = [idAt(1, 1), idAt(2, 2), idAt(3, 3)].map(hex);
      // Sizes 40, 100, 32.
      await ops.processIncomingOps([op(idAt(1, 1), 10, 8), op(idAt(2, 2), 20, 68), op(idAt(3, 3), 30, 0)]);
      const first = await ops.retrieveOpIdsBounded(ARCS.full, 0, 90);
      const second = await ops.retrieveOpIdsBounded(ARCS.full, first[2], 200);
      const zero = await ops.retrieveOpIdsBounded(ARCS.full, 0, 0);
      const third = await ops.retrieveOpIdsBounded(ARCS.full, second[2], 200);
      const emptyArc = await ops.retrieveOpIdsBounded(null, 0, 1e6);
      // 40 fits in 90; 100 does not, and the 32 after it is not taken.
      checkEqual([first[0].map(hex), first[1]], [[ids[0]], 40], 'the page of 90 bytes');
      checkEqual([second[0].map(hex), second[1]], [[ids[1], ids[2]], 132], 'the page after it');
      checkEqual([third[0].length, third[1]], [0, 0], 'the page after the last op');
      checkEqual([emptyArc[0].length, emptyArc[1]], [0, 0], 'the page of the empty arc');
      const [op1At, op2At, clockAfter, clockLater, emptyClock] = [
        zero[2],
        first[2],
        second[2],
        third[2],
        emptyArc[2],
      ];
      // limitBytes 0: the first op does not fit, so next is its storedAt.
      check(op2At > op1At, `the second op's storedAt (${op2At}) is after the first's (${op1At})`);
      check(
        clockAfter > op2At,
        `the clock after the last op (${clockAfter}) is after its storedAt (${op2At})`,
      );
      check(clockLater >= clockAfter, `the clock read later (${clockLater}) is not before ${clockAfter}`);
      check(
        emptyClock >= clockLater,
        `the clock of the empty arc's page (${emptyClock}) is not before ${clockLater}`,
      );
    },
  },
  {
    title: 'earliestTimestampInArc is the smallest createdAt in the arc',
    async run({ open }) {
      const store = await open();
      const ops = store.opStore('space');
      checkEqual(
        await ops.earliestTimestampInArc(ARCS.full),
        undefined,
        'earliest of the full arc before any op',
      );
      // Created latest-first, so each arc's earliest op is its last fixture.
      await ops.processIncomingOps(LOCS.map(([loc], k) => op(idAt(loc, k), 10_000 - 100 * k)));
      const earliest = (key: ArcName) => {
        const ks = locsIn(key);
        return ks.length === 0 ? undefined : 10_000 - 100 * Math.max(...ks);
      };
      for (const key of ARC_NAMES)
        checkEqual(await ops.earliestTimestampInArc(ARCS[key]), earliest(key), `earliest of arc ${key}`);
      checkEqual(await ops.earliestTimestampInArc([5000, 6000]), undefined, 'earliest of an arc with no op');
      checkEqual(
        await ops.earliestTimestampInArc([TOP, TOP]),
        10_000 - 100 * 11,
        'earliest of the arc [TOP, TOP]',
      );
      // 128 ops created at 7000, ordered by id: 64 outside the arc [0, 1e6], then one inside,
      // then more outside; and 300 later ones inside. The scan by time must resume exactly after
      // the first chunk of equal times to meet the one inside.
      const ties = store.opStore('ties');
      const batch = [];
      for (let o = 0; o < 128; o++) batch.push(op(idOrdered(o, o === 64 ? 100 : 3_000_000 + o, o), 7000));
      for (let i = 0; i < 300; i++) batch.push(op(idAt(50 + i, 2000 + i), 8000 + i));
      await ties.processIncomingOps(batch);
      checkEqual(
        await ties.earliestTimestampInArc([0, 1_000_000]),
        7000,
        'earliest with one op among many ties',
      );
      checkEqual(
        await ties.earliestTimestampInArc([3_000_000, 3_000_127]),
        7000,
        'earliest of the arc of the ties outside',
      );
      checkEqual(
        await ties.earliestTimestampInArc([2_000_000, 2_999_999]),
        undefined,
        'earliest of an arc between',
      );
    },
  },
  {
    title: 'two connections storing at once never share a storedAt',
    // The original test opened the second connection on the other built-in engine; here the
    // setup decides the engine, and both are its connections: the clock is in the database.
    async run({ open }) {
      const one = await open();
      const two = await open();
      const calls = [];
      for (let c = 0; c < 6; c++) {
        const s = (c % 2 === 0 ? one : two).opStore('space');
        calls.push(s.processIncomingOps(Array.from({ length: 20 }, (_, i) => op(idAt(i, c * 100 + i), i))));
      }
      await Promise.all(calls);
      // A budget of exactly one op: each page is one op, and a shared storedAt would make paging
      // return the same op again.
      const ops = one.opStore('space');
      const seen: string[] = [];
      const nexts: number[] = [];
      let start = 0;
      for (let guard = 0; guard < 200; guard++) {
        const [ids, , next] = await ops.retrieveOpIdsBounded(ARCS.full, start, 32);
        if (ids.length === 0) break;
        seen.push(...ids.map(hex));
        nexts.push(next);
        start = next;
      }
      checkEqual(seen.length, 120, 'ops paged one at a time');
      checkEqual(new Set(seen).size, 120, 'distinct ops paged');
      for (let i = 1; i < nexts.length; i++)
        check(
          nexts[i]! > nexts[i - 1]!,
          `next of page ${i} (${nexts[i]}) is after the one before (${nexts[i - 1]})`,
        );
    },
  },
];
