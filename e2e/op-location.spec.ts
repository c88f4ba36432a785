import { expect, test } from '@playwright/test';
import { installOpFixtures } from './support/op-fixtures.js';
import { ENGINES, openHarness, uniqueName } from './support/harness.js';

const TOP = 2 ** 32 - 1;

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installOpFixtures);
  await openHarness(page);
});

test('opIdLoc folds the id into a little-endian u32', async ({ page }) => {
  const out = await page.evaluate((top) => {
    const { opIdLoc } = window.larder;
    const { u32le } = window.opFx;
    const samples = [0, 1, 255, 256, 0x12345678, 2 ** 31, 2 ** 32 - 33, top];
    // Two words XOR together: the fold of u32le(x) ++ u32le(y) is x ^ y.
    const pairs = [
      [0x01020304, 0x10203040],
      [top, 0x0f0f0f0f],
      [2 ** 31, 2 ** 31 + 1],
    ];
    return {
      empty: opIdLoc(new Uint8Array()),
      roundTrips: samples.map((x) => opIdLoc(u32le(x))),
      pairs: pairs.map(([x, y]) => {
        const id = new Uint8Array(8);
        id.set(u32le(x as number), 0);
        id.set(u32le(y as number), 4);
        return opIdLoc(id);
      }),
      nine: opIdLoc(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])),
      three: opIdLoc(new Uint8Array([0xff, 0, 0x80])),
      subarray: opIdLoc(new Uint8Array([9, 9, 1, 0, 0, 0]).subarray(2)),
    };
  }, TOP);
  expect(out.empty).toBe(0);
  expect(out.roundTrips).toEqual([0, 1, 255, 256, 0x12345678, 2 ** 31, 2 ** 32 - 33, TOP]);
  expect(out.pairs).toEqual([0x11223344, 0xf0f0f0f0, 1]);
  // Lanes: 1^5^9 = 13, 2^6 = 4, 3^7 = 4, 4^8 = 12.
  expect(out.nine).toBe(13 + 4 * 2 ** 8 + 4 * 2 ** 16 + 12 * 2 ** 24);
  expect(out.three).toBe(0x8000ff);
  expect(out.subarray).toBe(1);
});

test('arcContains: empty, full, plain and wrapping arcs with inclusive bounds', async ({ page }) => {
  const out = await page.evaluate((top) => {
    const { arcContains } = window.larder;
    const locs = [0, 1, 10, 20, 21, 32, 33, 2 ** 31, top - 33, top - 32, top];
    const arcs = {
      empty: null,
      full: [0, top],
      plain: [10, 20],
      point: [20, 20],
      wrap: [top - 32, 32],
      allButZero: [1, 0],
    } as const;
    return Object.fromEntries(
      Object.entries(arcs).map(([k, arc]) => [k, locs.filter((loc) => arcContains(arc, loc))]),
    );
  }, TOP);
  expect(out['empty']).toEqual([]);
  expect(out['full']).toEqual([0, 1, 10, 20, 21, 32, 33, 2 ** 31, TOP - 33, TOP - 32, TOP]);
  expect(out['plain']).toEqual([10, 20]);
  expect(out['point']).toEqual([20]);
  expect(out['wrap']).toEqual([0, 1, 10, 20, 21, 32, TOP - 32, TOP]);
  // [1, 0] wraps from 1 past the top back to 0: every location.
  expect(out['allButZero']).toEqual([0, 1, 10, 20, 21, 32, 33, 2 ** 31, TOP - 33, TOP - 32, TOP]);
});

for (const engine of ENGINES) {
  test(`ops land in the arcs opIdLoc and arcContains say (${engine})`, async ({ page }) => {
    const out = await page.evaluate(
      async ({ name, engine, top }) => {
        const { openStore, deleteStore, opIdLoc, arcContains } = window.larder;
        const { op, hex } = window.opFx;
        const store = await openStore(name, { engine });
        try {
          const ops = store.opStore('space');
          // Ids of random bytes, not built to land anywhere: the engine must place them by
          // the same fold as opIdLoc.
          const ids = Array.from({ length: 60 }, () => crypto.getRandomValues(new Uint8Array(32)));
          await ops.processIncomingOps(ids.map((id, i) => op(id, 1000 + i)));
          const locs = ids.map((id) => opIdLoc(id));
          const arcs: Array<[number, number] | null> = [null, [0, top], [top - 32, 32]];
          // Around three ops: an arc of just its location, and the wrapping arc of all others.
          for (const loc of locs.slice(0, 3)) {
            arcs.push([loc, loc]);
            arcs.push([(loc + 1) % 2 ** 32, (loc + 2 ** 32 - 1) % 2 ** 32]);
          }
          // Plain and wrapping arcs that cut through the data.
          const sorted = [...locs].sort((a, b) => a - b);
          arcs.push([sorted[10] as number, sorted[40] as number]);
          arcs.push([sorted[40] as number, sorted[10] as number]);
          const results = [];
          for (const arc of arcs) {
            const [got, total] = await ops.retrieveOpHashesInTimeSlice(arc, 0, 1e9);
            const want = ids.filter((id) => arcContains(arc, opIdLoc(id)));
            const earliest = await ops.earliestTimestampInArc(arc);
            const firstWanted = ids.findIndex((id) => arcContains(arc, opIdLoc(id)));
            results.push({
              got: got.map(hex),
              want: want.map(hex),
              total,
              wantTotal: want.length * 32,
              earliest,
              wantEarliest: firstWanted < 0 ? undefined : 1000 + firstWanted,
            });
          }
          return results;
        } finally {
          await store.close();
          await deleteStore(name);
        }
      },
      { name: uniqueName('op-loc'), engine, top: TOP },
    );
    // The arc of one location holds at least that op; the fixtures cover every case.
    expect(out.length).toBe(11);
    expect(out[0]?.got).toEqual([]);
    expect(out[1]?.got.length).toBe(60);
    for (const r of out) {
      expect(r.got).toEqual(r.want);
      expect(r.total).toBe(r.wantTotal);
      expect(r.earliest).toBe(r.wantEarliest);
    }
  });
}
