import { expect, test } from '@playwright/test';
import { installOpFixtures } from './support/op-fixtures.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

const TOP = 2 ** 32 - 1;

/** Arc fixtures: the wrap point, the full arc, the empty arc and a plain one. */
const ARCS = {
  full: [0, TOP],
  wrap: [TOP - 32, 32],
  plain: [1000, 2000],
  empty: null,
} as const;

/**
 * Locations of the fixture ops and the arcs that hold them: both edges of every arc, a step
 * outside each edge, and the ends of the ring.
 */
const LOCS: ReadonlyArray<readonly [loc: number, arcs: ReadonlyArray<keyof typeof ARCS>]> = [
  [0, ['full', 'wrap']],
  [32, ['full', 'wrap']],
  [33, ['full']],
  [999, ['full']],
  [1000, ['full', 'plain']],
  [1500, ['full', 'plain']],
  [2000, ['full', 'plain']],
  [2001, ['full']],
  [2 ** 31, ['full']],
  [TOP - 33, ['full']],
  [TOP - 32, ['full', 'wrap']],
  [TOP, ['full', 'wrap']],
];

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installOpFixtures);
  await openHarness(page);
});

for (const engine of ENGINES) {
  test.describe(`op store (${engine})`, () => {
    test('processes default-format ops, retrieves and filters them', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
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
            return {
              processed: processed.map(hex),
              isBytes: processed.every((id) => id instanceof Uint8Array),
              retrieved: retrieved.map((m) => [hex(m.opId), hex(m.opData)]),
              filtered: filtered.map(hex),
              want: {
                a: hex(idAt(5, 1)),
                short: hex(new Uint8Array([1, 2, 3, 4, 5, ...new Array<number>(27).fill(0)])),
                c: hex(idAt(6, 2)),
                aBytes,
                cBytes: hex(c),
                unknown: hex(unknown),
                other: hex(idAt(5, 7)),
              },
              empty: [
                await ops.retrieveOps([]),
                await ops.filterOutExistingOps([]),
                await ops.processIncomingOps([]),
              ],
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-basic'), engine },
      );
      const w = out.want;
      expect(out.processed).toEqual([w.a, w.short, w.a, w.c]);
      expect(out.isBytes).toBe(true);
      expect(out.retrieved).toEqual([
        [w.c, w.cBytes],
        [w.a, w.aBytes],
        [w.a, w.aBytes],
      ]);
      expect(out.filtered).toEqual([w.unknown, w.unknown, w.other]);
      expect(out.empty).toEqual([[], [], []]);
    });

    test('the first copy of an op wins and keeps its times', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
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
            const [early, earlyTotal] = await ops.retrieveOpHashesInTimeSlice(full, 0, 6500);
            const [late] = await ops.retrieveOpHashesInTimeSlice(full, 6500, 10_000);
            const [paged] = await ops.retrieveOpIdsBounded(full, 0, 1_000_000);
            const stored = await ops.retrieveOps([idAt(1, 1), idAt(3, 3)]);
            return {
              again: again.map(hex),
              early: early.map(hex),
              earlyTotal,
              late: late.map(hex),
              paged: paged.map(hex),
              stored: stored.map((m) => hex(m.opData)),
              want: {
                x: hex(idAt(1, 1)),
                z: hex(idAt(2, 2)),
                p: hex(idAt(3, 3)),
                xBytes: hex(x),
                p1Bytes: hex(p1),
              },
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-first'), engine, full: ARCS.full },
      );
      const w = out.want;
      expect(out.again).toEqual([w.x]);
      // x at 5000 with size 34, z at 5500 (32), p1 at 6000 (33): neither copy's later time.
      expect(out.early).toEqual([w.x, w.z, w.p]);
      expect(out.earlyTotal).toBe(34 + 32 + 33);
      expect(out.late).toEqual([]);
      // storedAt kept too: x still pages before z.
      expect(out.paged).toEqual([w.x, w.z, w.p]);
      expect(out.stored).toEqual([w.xBytes, w.p1Bytes]);
    });

    test('a custom decodeOp decodes ops and sizes them by byte length', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
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
            const [slice, total] = await ops.retrieveOpHashesInTimeSlice(full, 0, 10_000);
            const [bounded, boundedTotal] = await ops.retrieveOpIdsBounded(full, 0, 12);
            const retrieved = await ops.retrieveOps([new Uint8Array([3, 0, 0, 0])]);
            let thrown = '';
            try {
              await ops.processIncomingOps([new Uint8Array([4, 0, 0, 0, 1]), new Uint8Array([5])]);
            } catch (e) {
              thrown = (e as { code: string }).code;
            }
            const notStored = await ops.filterOutExistingOps([new Uint8Array([4, 0, 0, 0])]);
            const badShapes: string[] = [];
            const returns = [
              () => ({ opId: [1, 2], createdAt: 1 }),
              () => ({ opId: new Uint8Array(1), createdAt: '1' }),
              () => ({ opId: new Uint8Array(1), createdAt: NaN }),
              () => null,
            ];
            for (const decodeOp of returns) {
              const bad = store.opStore('space', {
                decodeOp: decodeOp as unknown as (op: Uint8Array) => { opId: Uint8Array; createdAt: number },
              });
              try {
                await bad.processIncomingOps([new Uint8Array([6, 0, 0, 0, 1])]);
                badShapes.push('resolved');
              } catch (e) {
                badShapes.push((e as { code: string }).code);
              }
            }
            return {
              ids: ids.map(hex),
              slice: slice.map(hex),
              total,
              bounded: bounded.map(hex),
              boundedTotal,
              retrieved: retrieved.map((m) => hex(m.opData)),
              o3: hex(o3),
              thrown,
              notStored: notStored.length,
              badShapes,
              afterBad: (await ops.retrieveOpHashesInTimeSlice(full, 0, 10_000))[0].length,
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-custom'), engine, full: ARCS.full },
      );
      expect(out.ids).toEqual(['01000000', '02000000', '03000000']);
      expect(out.slice).toEqual(['02000000', '03000000', '01000000']);
      expect(out.total).toBe(7 + 5 + 11);
      // Budget 12 holds o1 (7) and o2 (5) exactly; o3 (11) does not fit.
      expect(out.bounded).toEqual(['01000000', '02000000']);
      expect(out.boundedTotal).toBe(12);
      expect(out.retrieved).toEqual([out.o3]);
      expect(out.thrown).toBe('invalid-argument');
      expect(out.notStored).toBe(1);
      expect(out.badShapes).toEqual([
        'invalid-argument',
        'invalid-argument',
        'invalid-argument',
        'invalid-argument',
      ]);
      expect(out.afterBad).toBe(3);
    });

    test('undecodable default-format ops reject the whole call and store nothing', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op } = window.opFx;
          const store = await openStore(name, { engine });
          try {
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
            const codes: string[] = [];
            for (const b of bad) {
              const good = op(idAt(1, codes.length), 100);
              try {
                await ops.processIncomingOps([good, b as Uint8Array]);
                codes.push('resolved');
              } catch (e) {
                codes.push(
                  window.larder.isStoreError(e, 'invalid-argument') ? 'invalid-argument' : String(e),
                );
              }
            }
            let notArray = '';
            try {
              await ops.processIncomingOps('ops' as unknown as Uint8Array[]);
            } catch (e) {
              notArray = (e as { code: string }).code;
            }
            const goods = bad.map((_, i) => idAt(1, i));
            return {
              codes,
              notArray,
              missing: (await ops.filterOutExistingOps(goods)).length,
              count: goods.length,
              slice: (await ops.retrieveOpHashesInTimeSlice([0, 2 ** 32 - 1], 0, 1e9))[0].length,
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-undecodable'), engine },
      );
      expect(out.codes).toEqual(new Array(out.count).fill('invalid-argument'));
      expect(out.notArray).toBe('invalid-argument');
      expect(out.missing).toBe(out.count);
      expect(out.slice).toBe(0);
    });

    test('time slices: start inclusive, end exclusive, by arc, ascending by createdAt', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, arcs, locs }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            // Op k sits at locs[k], created at 100 * (k + 1), with k extra bytes; processed in
            // an order unlike creation order.
            const made = locs.map(([loc], k) => ({
              id: idAt(loc, k),
              op: op(idAt(loc, k), 100 * (k + 1), k),
            }));
            const order = made.map((_, k) => (k * 5) % made.length);
            await ops.processIncomingOps(order.slice(0, 6).map((k) => made[k]!.op));
            await ops.processIncomingOps(order.slice(6).map((k) => made[k]!.op));
            const result: Record<string, unknown> = {};
            for (const [key, arc] of Object.entries(arcs)) {
              result[key] = {
                all: await ops.retrieveOpHashesInTimeSlice(arc, 0, 1e9),
                // 300 is op 2's time (included); 700 is op 6's (excluded).
                middle: await ops.retrieveOpHashesInTimeSlice(arc, 300, 700),
                inverted: await ops.retrieveOpHashesInTimeSlice(arc, 700, 300),
                point: await ops.retrieveOpHashesInTimeSlice(arc, 500, 500),
              };
            }
            return {
              result: JSON.parse(
                JSON.stringify(result, (_, v: unknown) => (v instanceof Uint8Array ? hex(v) : v)),
              ) as Record<string, Record<string, [string[], number]>>,
              ids: made.map((m) => hex(m.id)),
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-slice'), engine, arcs: ARCS, locs: LOCS },
      );
      for (const key of Object.keys(ARCS) as Array<keyof typeof ARCS>) {
        const inArc = LOCS.map(([, a], k) => (a.includes(key) ? k : -1)).filter((k) => k >= 0);
        const ids = (ks: number[]) => ks.map((k) => out.ids[k]);
        const size = (ks: number[]) => ks.reduce((s, k) => s + 32 + k, 0);
        const middle = inArc.filter((k) => k >= 2 && k < 6);
        const r = out.result[key]!;
        expect(r['all'], key).toEqual([ids(inArc), size(inArc)]);
        expect(r['middle'], key).toEqual([ids(middle), size(middle)]);
        expect(r['inverted'], key).toEqual([[], 0]);
        expect(r['point'], key).toEqual([[], 0]);
      }
      // The fixtures put ops inside and outside every non-empty arc.
      expect(out.result['wrap']!['all']![0]).toHaveLength(4);
      expect(out.result['plain']!['middle']![0]).toHaveLength(2);
    });

    test('bounded paging finds every op in the arc exactly once, by storedAt', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, arcs, locs }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            // 48 ops over the fixture locations, sizes 32..52, created in reverse of the
            // order they are stored in, in three calls.
            const made = Array.from({ length: 48 }, (_, k) => {
              const id = idAt(locs[k % locs.length]![0], k);
              return { id, k, size: 32 + ((k * 7) % 21), op: op(id, 1_000_000 - k, (k * 7) % 21) };
            });
            for (let i = 0; i < 48; i += 16)
              await ops.processIncomingOps(made.slice(i, i + 16).map((m) => m.op));
            const budget = 150;
            const pages: Record<
              string,
              { ids: string[]; totals: number[]; sums: number[]; nexts: number[] }
            > = {};
            for (const [key, arc] of Object.entries(arcs)) {
              const seen = {
                ids: [] as string[],
                totals: [] as number[],
                sums: [] as number[],
                nexts: [] as number[],
              };
              let start = 0;
              for (let guard = 0; guard < 100; guard++) {
                const [ids, total, next] = await ops.retrieveOpIdsBounded(arc, start, budget);
                seen.nexts.push(next);
                if (ids.length === 0) break;
                seen.ids.push(...ids.map(hex));
                seen.totals.push(total);
                seen.sums.push(ids.reduce((s, id) => s + made.find((m) => hex(m.id) === hex(id))!.size, 0));
                start = next;
              }
              pages[key] = seen;
            }
            // After the last page nothing is new; a later op is the only thing the next page finds.
            const [none, , after] = await ops.retrieveOpIdsBounded(
              arcs.full,
              pages['full']!.nexts.at(-1)!,
              1e6,
            );
            const late = idAt(7, 1000);
            await ops.processIncomingOps([op(late, 1)]);
            const [fresh, freshTotal] = await ops.retrieveOpIdsBounded(arcs.full, after, 1e6);
            return {
              pages,
              made: made.map((m) => ({ id: hex(m.id), k: m.k, size: m.size })),
              none: none.length,
              fresh: fresh.map(hex),
              freshTotal,
              late: hex(late),
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-bounded'), engine, arcs: ARCS, locs: LOCS },
      );
      for (const key of Object.keys(ARCS) as Array<keyof typeof ARCS>) {
        const want = out.made.filter((m) => LOCS[m.k % LOCS.length]![1].includes(key)).map((m) => m.id);
        const p = out.pages[key]!;
        // Every op of the arc once, in the order stored.
        expect(p.ids, key).toEqual(want);
        expect(p.totals, key).toEqual(p.sums);
        for (const t of p.totals) expect(t).toBeLessThanOrEqual(150);
        // Each page but the last ended at an op that did not fit, the next page's first; the
        // last reports the clock, which reads need not advance.
        for (let i = 1; i < p.nexts.length - 1; i++)
          expect(p.nexts[i]!, key).toBeGreaterThan(p.nexts[i - 1]!);
        if (p.nexts.length > 1) expect(p.nexts.at(-1)!, key).toBeGreaterThanOrEqual(p.nexts.at(-2)!);
      }
      // Budget 150 holds 2 to 4 of these ops: the full arc needs many pages.
      expect(out.pages['full']!.totals.length).toBeGreaterThan(10);
      expect(out.pages['empty']!.ids).toEqual([]);
      expect(out.none).toBe(0);
      expect(out.fresh).toEqual([out.late]);
      expect(out.freshTotal).toBe(32);
    });

    test('bounded paging over many ops resumes exactly where each page stopped', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, arcs, top }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            // 300 ops of 32 bytes; every third in the wrapping arc, alternately on either side
            // of the wrap point, so a page of the arc reads well past the index's chunk size.
            const ids = Array.from({ length: 300 }, (_, i) =>
              idAt(i % 3 === 0 ? (i % 2 === 0 ? i % 33 : top - (i % 33)) : 2 ** 31 + i, i),
            );
            for (let i = 0; i < 300; i += 100) {
              await ops.processIncomingOps(ids.slice(i, i + 100).map((id, k) => op(id, 5000 - i - k)));
            }
            const page = async (arc: readonly [number, number], perPage: number) => {
              const seen: string[] = [];
              let start = 0;
              for (let guard = 0; guard < 100; guard++) {
                const [got, total, next] = await ops.retrieveOpIdsBounded(arc, start, 32 * perPage);
                if (got.length === 0) break;
                if (total !== 32 * got.length || got.length > perPage) throw new Error('bad page');
                seen.push(...got.map(hex));
                start = next;
              }
              return seen;
            };
            return {
              wrap: await page(arcs.wrap, 30),
              full: await page(arcs.full, 100),
              ids: ids.map(hex),
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-bounded-many'), engine, arcs: ARCS, top: TOP },
      );
      expect(out.wrap).toEqual(out.ids.filter((_, i) => i % 3 === 0));
      expect(out.full).toEqual(out.ids);
    });

    test('bounded paging stops at the first op that does not fit', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            const ids = [idAt(1, 1), idAt(2, 2), idAt(3, 3)];
            // Sizes 40, 100, 32.
            await ops.processIncomingOps([op(ids[0]!, 10, 8), op(ids[1]!, 20, 68), op(ids[2]!, 30, 0)]);
            const first = await ops.retrieveOpIdsBounded(full, 0, 90);
            const second = await ops.retrieveOpIdsBounded(full, first[2], 200);
            const zero = await ops.retrieveOpIdsBounded(full, 0, 0);
            const third = await ops.retrieveOpIdsBounded(full, second[2], 200);
            const emptyArc = await ops.retrieveOpIdsBounded(null, 0, 1e6);
            return {
              first: [first[0].map(hex), first[1]],
              second: [second[0].map(hex), second[1]],
              nexts: [zero[2], first[2], second[2], third[2], emptyArc[2]],
              third: [third[0].length, third[1]],
              emptyArc: [emptyArc[0].length, emptyArc[1]],
              ids: ids.map(hex),
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-stop'), engine, full: ARCS.full },
      );
      // 40 fits in 90; 100 does not, and the 32 after it is not taken.
      expect(out.first).toEqual([[out.ids[0]], 40]);
      expect(out.second).toEqual([[out.ids[1], out.ids[2]], 132]);
      expect(out.third).toEqual([0, 0]);
      expect(out.emptyArc).toEqual([0, 0]);
      const [op1At, op2At, clockAfter, clockLater, emptyClock] = out.nexts as number[];
      // limitBytes 0: the first op does not fit, so next is its storedAt.
      expect(op2At).toBeGreaterThan(op1At!);
      expect(clockAfter).toBeGreaterThan(op2At!);
      expect(clockLater).toBeGreaterThanOrEqual(clockAfter!);
      expect(emptyClock).toBeGreaterThanOrEqual(clockLater!);
    });

    test('earliestTimestampInArc is the smallest createdAt in the arc', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, arcs, locs, top }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, idOrdered, op } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            const before = await ops.earliestTimestampInArc(arcs.full);
            // Created latest-first, so each arc's earliest op is its last fixture.
            await ops.processIncomingOps(locs.map(([loc], k) => op(idAt(loc, k), 10_000 - 100 * k)));
            const result: Record<string, number | undefined> = { before };
            for (const [key, arc] of Object.entries(arcs))
              result[key] = await ops.earliestTimestampInArc(arc);
            result['gap'] = await ops.earliestTimestampInArc([5000, 6000]);
            result['top'] = await ops.earliestTimestampInArc([top, top]);
            // 128 ops created at 7000, ordered by id: 64 outside the arc [0, 1e6], then one
            // inside, then more outside; and 300 later ones inside. The scan by time must
            // resume exactly after the first chunk of equal times to meet the one inside.
            const space2 = store.opStore('ties');
            const batch = [];
            for (let o = 0; o < 128; o++)
              batch.push(op(idOrdered(o, o === 64 ? 100 : 3_000_000 + o, o), 7000));
            for (let i = 0; i < 300; i++) batch.push(op(idAt(50 + i, 2000 + i), 8000 + i));
            await space2.processIncomingOps(batch);
            result['ties'] = await space2.earliestTimestampInArc([0, 1_000_000]);
            result['tiesOutside'] = await space2.earliestTimestampInArc([3_000_000, 3_000_127]);
            result['tiesNone'] = await space2.earliestTimestampInArc([2_000_000, 2_999_999]);
            return result;
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-earliest'), engine, arcs: ARCS, locs: LOCS, top: TOP },
      );
      const earliest = (key: keyof typeof ARCS) => {
        const ks = LOCS.map(([, a], k) => (a.includes(key) ? k : -1)).filter((k) => k >= 0);
        return ks.length === 0 ? undefined : 10_000 - 100 * Math.max(...ks);
      };
      expect(out['before']).toBeUndefined();
      expect(out['full']).toBe(earliest('full'));
      expect(out['wrap']).toBe(earliest('wrap'));
      expect(out['plain']).toBe(earliest('plain'));
      expect(out['empty']).toBeUndefined();
      expect(out['gap']).toBeUndefined();
      expect(out['top']).toBe(10_000 - 100 * 11);
      expect(out['ties']).toBe(7000);
      expect(out['tiesOutside']).toBe(7000);
      expect(out['tiesNone']).toBeUndefined();
    });

    test('slice hashes are keyed by the exact arc and index', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, arcs, top }) => {
          const { openStore, deleteStore } = window.larder;
          const { hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            const h = (b: number, n = 4) => new Uint8Array(n).fill(b);
            const overlap: [number, number] = [top - 32, 33];
            const before = [await ops.sliceHashCount(arcs.wrap), await ops.retrieveSliceHashes(arcs.wrap)];
            await ops.storeSliceHash(arcs.wrap, 0, h(1));
            await ops.storeSliceHash(arcs.wrap, 10, h(10));
            await ops.storeSliceHash(arcs.wrap, 2, h(2, 32));
            await ops.storeSliceHash(arcs.wrap, 100, h(100));
            await ops.storeSliceHash(arcs.wrap, 0, h(0xaa, 1));
            await ops.storeSliceHash(arcs.full, 3, h(3));
            await ops.storeSliceHash(null, 1, h(5));
            const caller = h(7);
            await ops.storeSliceHash(overlap, 0, caller);
            caller.fill(0);
            let emptyCode = '';
            try {
              await ops.storeSliceHash(arcs.full, 50, new Uint8Array());
            } catch (e) {
              emptyCode = (e as { code: string }).code;
            }
            const list = async (arc: readonly [number, number] | null) =>
              (await ops.retrieveSliceHashes(arc)).map(([i, x]) => [i, hex(x)]);
            return {
              before,
              counts: [
                await ops.sliceHashCount(arcs.wrap),
                await ops.sliceHashCount(arcs.full),
                await ops.sliceHashCount(null),
                await ops.sliceHashCount(overlap),
                await ops.sliceHashCount(arcs.plain),
              ],
              one: [
                hex((await ops.retrieveSliceHash(arcs.wrap, 0))!),
                hex((await ops.retrieveSliceHash(arcs.wrap, 2))!),
                await ops.retrieveSliceHash(arcs.wrap, 1),
                await ops.retrieveSliceHash(arcs.plain, 0),
                hex((await ops.retrieveSliceHash(overlap, 0))!),
              ],
              wrap: await list(arcs.wrap),
              full: await list(arcs.full),
              empty: await list(null),
              plain: await list(arcs.plain),
              emptyCode,
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-slices'), engine, arcs: ARCS, top: TOP },
      );
      expect(out.before).toEqual([0, []]);
      // Highest index + 1, not the number of entries; a failed store changes nothing.
      expect(out.counts).toEqual([101, 4, 2, 1, 0]);
      expect(out.one).toEqual(['aa', '02'.repeat(32), undefined, undefined, '07070707']);
      expect(out.wrap).toEqual([
        [0, 'aa'],
        [2, '02'.repeat(32)],
        [10, '0a0a0a0a'],
        [100, '64646464'],
      ]);
      expect(out.full).toEqual([[3, '03030303']]);
      expect(out.empty).toEqual([[1, '05050505']]);
      expect(out.plain).toEqual([]);
      expect(out.emptyCode).toBe('invalid-argument');
    });

    test('spaces never see each other', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            // 'a' is a prefix of 'ab': no prefix collisions either.
            const a = store.opStore('a');
            const ab = store.opStore('ab');
            await a.processIncomingOps([op(idAt(1, 1), 100)]);
            await ab.processIncomingOps([op(idAt(2, 2), 50)]);
            await a.storeSliceHash(full, 4, new Uint8Array([1]));
            const view = async (s: typeof a) => ({
              slice: (await s.retrieveOpHashesInTimeSlice(full, 0, 1e9))[0].map(hex),
              bounded: (await s.retrieveOpIdsBounded(full, 0, 1e6))[0].map(hex),
              earliest: await s.earliestTimestampInArc(full),
              retrieved: (await s.retrieveOps([idAt(1, 1), idAt(2, 2)])).map((m) => hex(m.opId)),
              missing: (await s.filterOutExistingOps([idAt(1, 1), idAt(2, 2)])).map(hex),
              count: await s.sliceHashCount(full),
              hashes: (await s.retrieveSliceHashes(full)).length,
            });
            return {
              a: await view(a),
              ab: await view(ab),
              other: await view(store.opStore('')),
              ids: [hex(idAt(1, 1)), hex(idAt(2, 2))],
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-spaces'), engine, full: ARCS.full },
      );
      const [one, two] = out.ids;
      expect(out.a).toEqual({
        slice: [one],
        bounded: [one],
        earliest: 100,
        retrieved: [one],
        missing: [two],
        count: 5,
        hashes: 1,
      });
      expect(out.ab).toEqual({
        slice: [two],
        bounded: [two],
        earliest: 50,
        retrieved: [two],
        missing: [one],
        count: 0,
        hashes: 0,
      });
      expect(out.other).toEqual({
        slice: [],
        bounded: [],
        earliest: undefined,
        retrieved: [],
        missing: [one, two],
        count: 0,
        hashes: 0,
      });
    });

    test('storedAt keeps increasing across a reopen and a new worker with a clock behind', async ({
      page,
    }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op } = window.opFx;
          const realNow = Date.now;
          const workers: Worker[] = [];
          // A worker running the kit's entry whose wall clock reads 1 ms after the epoch.
          const laggingWorker = () => {
            const src =
              `import { serveEngine } from '${location.origin}/src/worker-host.ts';\n` +
              `Date.now = () => 1;\nserveEngine(self);\n`;
            const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
            const w = new Worker(url, { type: 'module' });
            workers.push(w);
            return w;
          };
          // The storedAt of the op stored k-th (sizes are all 32, so the budget takes k ops).
          const storedAt = async (k: number) => {
            const store = await openStore(name, { engine: 'inline' });
            try {
              return (await store.opStore('space').retrieveOpIdsBounded(full, 0, 32 * k))[2];
            } finally {
              await store.close();
            }
          };
          const phases: Array<() => Promise<void>> = [];
          const storeOne = (k: number, opts: Parameters<typeof openStore>[1], now?: () => number) =>
            phases.push(async () => {
              if (now !== undefined) Date.now = now;
              try {
                const store = await openStore(name, opts);
                await store.opStore('space').processIncomingOps([op(idAt(k, k), k)]);
                await store.close();
              } finally {
                Date.now = realNow;
              }
            });
          try {
            const ahead = realNow() + 24 * 3600 * 1000;
            // The first op with a clock a day ahead: inline by mocking this page's clock.
            storeOne(0, { engine }, engine === 'inline' ? () => ahead : undefined);
            storeOne(1, { engine: laggingWorker() });
            storeOne(2, { engine: 'inline' }, () => 1);
            storeOne(3, { engine: 'worker' });
            storeOne(4, { engine });
            const times: number[] = [];
            for (let k = 0; k < phases.length; k++) {
              await phases[k]!();
              times.push(await storedAt(k));
            }
            return { times, ahead: engine === 'inline' ? ahead * 1000 : 0 };
          } finally {
            for (const w of workers) w.terminate();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-clock'), engine, full: ARCS.full },
      );
      expect(out.times).toHaveLength(5);
      expect(out.times[0]).toBeGreaterThanOrEqual(out.ahead);
      for (let i = 1; i < out.times.length; i++) expect(out.times[i]!).toBeGreaterThan(out.times[i - 1]!);
    });

    test('two connections storing at once never share a storedAt', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore } = window.larder;
          const { idAt, op, hex } = window.opFx;
          const one = await openStore(name, { engine });
          const two = await openStore(name, { engine: engine === 'inline' ? 'worker' : 'inline' });
          try {
            const calls = [];
            for (let c = 0; c < 6; c++) {
              const s = (c % 2 === 0 ? one : two).opStore('space');
              calls.push(
                s.processIncomingOps(Array.from({ length: 20 }, (_, i) => op(idAt(i, c * 100 + i), i))),
              );
            }
            await Promise.all(calls);
            // A budget of exactly one op: each page is one op, and a shared storedAt would
            // make paging return the same op again.
            const ops = one.opStore('space');
            const seen: string[] = [];
            const nexts: number[] = [];
            let start = 0;
            for (let guard = 0; guard < 200; guard++) {
              const [ids, , next] = await ops.retrieveOpIdsBounded(full, start, 32);
              if (ids.length === 0) break;
              seen.push(...ids.map(hex));
              nexts.push(next);
              start = next;
            }
            return { seen, distinct: new Set(seen).size, nexts };
          } finally {
            await one.close();
            await two.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-concurrent'), engine, full: ARCS.full },
      );
      expect(out.seen).toHaveLength(120);
      expect(out.distinct).toBe(120);
      for (let i = 1; i < out.nexts.length; i++) expect(out.nexts[i]!).toBeGreaterThan(out.nexts[i - 1]!);
    });

    test('bad arguments reject with invalid-argument and change nothing', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const { idAt, op } = window.opFx;
          const store = await openStore(name, { engine });
          try {
            const ops = store.opStore('space');
            await ops.processIncomingOps([op(idAt(1, 1), 100)]);
            await ops.storeSliceHash(full, 0, new Uint8Array([1]));
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
            const attempts: Array<[string, () => Promise<unknown>]> = [];
            const any = (v: unknown) => v as never;
            for (const arc of badArcs) {
              attempts.push(['slice arc', () => ops.retrieveOpHashesInTimeSlice(any(arc), 0, 1)]);
              attempts.push(['bounded arc', () => ops.retrieveOpIdsBounded(any(arc), 0, 1)]);
              attempts.push(['earliest arc', () => ops.earliestTimestampInArc(any(arc))]);
              attempts.push(['store arc', () => ops.storeSliceHash(any(arc), 1, new Uint8Array([1]))]);
              attempts.push(['count arc', () => ops.sliceHashCount(any(arc))]);
              attempts.push(['get arc', () => ops.retrieveSliceHash(any(arc), 0)]);
              attempts.push(['list arc', () => ops.retrieveSliceHashes(any(arc))]);
            }
            for (const t of badTimes) {
              attempts.push(['slice start', () => ops.retrieveOpHashesInTimeSlice(full, any(t), 1)]);
              attempts.push(['slice end', () => ops.retrieveOpHashesInTimeSlice(full, 0, any(t))]);
              attempts.push(['bounded start', () => ops.retrieveOpIdsBounded(full, any(t), 1)]);
            }
            for (const limit of [-1, NaN, '1', undefined]) {
              attempts.push(['bounded limit', () => ops.retrieveOpIdsBounded(full, 0, any(limit))]);
            }
            for (const index of [-1, 1.5, NaN, '1', 2 ** 53]) {
              attempts.push(['store index', () => ops.storeSliceHash(full, any(index), new Uint8Array([1]))]);
              attempts.push(['get index', () => ops.retrieveSliceHash(full, any(index))]);
            }
            attempts.push(['store hash', () => ops.storeSliceHash(full, 1, any([1]))]);
            attempts.push(['retrieve ids', () => ops.retrieveOps(any([idAt(1, 1), [1, 2]]))]);
            attempts.push(['retrieve list', () => ops.retrieveOps(any('ids'))]);
            attempts.push(['filter ids', () => ops.filterOutExistingOps(any([idAt(1, 1), 'x']))]);
            const failures: string[] = [];
            for (const [what, run] of attempts) {
              try {
                await run();
                failures.push(`${what}: resolved`);
              } catch (e) {
                if (!isStoreError(e, 'invalid-argument')) failures.push(`${what}: ${String(e)}`);
              }
            }
            const sync: string[] = [];
            for (const [space, options] of [
              [1, undefined],
              ['s', 'options'],
              ['s', { decodeOp: 5 }],
            ] as const) {
              try {
                store.opStore(any(space), any(options));
                sync.push('returned');
              } catch (e) {
                sync.push(isStoreError(e, 'invalid-argument') ? 'invalid-argument' : String(e));
              }
            }
            return {
              attempts: attempts.length,
              failures,
              sync,
              count: await ops.sliceHashCount(full),
              stored: (await ops.retrieveOpHashesInTimeSlice(full, 0, 1e9))[0].length,
            };
          } finally {
            await store.close();
            await deleteStore(name);
          }
        },
        { name: uniqueName('ops-invalid'), engine, full: ARCS.full },
      );
      expect(out.attempts).toBeGreaterThan(80);
      expect(out.failures).toEqual([]);
      expect(out.sync).toEqual(['invalid-argument', 'invalid-argument', 'invalid-argument']);
      expect(out.count).toBe(1);
      expect(out.stored).toBe(1);
    });

    test('calls on a closed store reject with closed', async ({ page }) => {
      const out = await page.evaluate(
        async ({ name, engine, full }) => {
          const { openStore, deleteStore, isStoreError } = window.larder;
          const { idAt, op } = window.opFx;
          const store = await openStore(name, { engine });
          const ops = store.opStore('space');
          await store.close();
          const calls: Array<() => Promise<unknown>> = [
            () => ops.processIncomingOps([op(idAt(1, 1), 1)]),
            () => ops.retrieveOpHashesInTimeSlice(full, 0, 1),
            () => ops.retrieveOps([idAt(1, 1)]),
            () => ops.filterOutExistingOps([idAt(1, 1)]),
            () => ops.retrieveOpIdsBounded(full, 0, 1),
            () => ops.earliestTimestampInArc(full),
            () => ops.storeSliceHash(full, 0, new Uint8Array([1])),
            () => ops.sliceHashCount(full),
            () => ops.retrieveSliceHash(full, 0),
            () => ops.retrieveSliceHashes(full),
          ];
          const codes: string[] = [];
          for (const call of calls) {
            try {
              await call();
              codes.push('resolved');
            } catch (e) {
              codes.push(isStoreError(e, 'closed') ? 'closed' : String(e));
            }
          }
          await deleteStore(name);
          return codes;
        },
        { name: uniqueName('ops-closed'), engine, full: ARCS.full },
      );
      expect(out).toEqual(new Array(10).fill('closed'));
    });
  });
}
