import { expect, test } from '@playwright/test';
import { RangePager, type PagedSource } from '../../src/engine/range-pager.js';
import { compareIdbKeys, installModelKeyRange, ModelKeyRange, type ModelKey } from './idb-key-model.js';

// The range pager over a fake index that answers getAll from a sorted array, with IDBKeyRange
// modelled in Node: every record of the range comes back once, in key order, in chunks that
// start at 64 and double up to 4096. Real getAll and transactions are the browser suites' part.

installModelKeyRange();

/** A record of a `[space, loc, storedAt]` index, as larder's op indexes look. */
interface Row {
  space: string;
  loc: number;
  storedAt: number;
}

const keyOf = (r: Row): ModelKey => [r.space, r.loc, r.storedAt];

/** A fake index over `rows` that records every request it answers. */
function fakeIndex(rows: Row[]) {
  const sorted = [...rows].sort((a, b) => compareIdbKeys(keyOf(a), keyOf(b)));
  const requests: Array<{ range: ModelKeyRange; count: number | undefined }> = [];
  const source: PagedSource = {
    getAll: (query, count) => {
      const range = query as unknown as ModelKeyRange;
      requests.push({ range, count });
      const hits = sorted.filter((r) => range.includes(keyOf(r)));
      return Promise.resolve(count === undefined ? hits : hits.slice(0, count));
    },
  };
  return { source, requests };
}

/** Rows of space "s" at `locs.length` locations, `perLoc` each, with unique storedAt. */
function rowsOf(space: string, locs: number[], perLoc: number, firstStoredAt = 1): Row[] {
  const rows: Row[] = [];
  let storedAt = firstStoredAt;
  for (const loc of locs) for (let i = 0; i < perLoc; i++) rows.push({ space, loc, storedAt: storedAt++ });
  return rows;
}

async function drain(pager: RangePager<Row>): Promise<Row[][]> {
  const chunks: Row[][] = [];
  while (!pager.done) chunks.push(await pager.next());
  return chunks;
}

test('a long scan returns every record of the range once, in key order, chunks 64 doubling to 4096', async () => {
  // Many records share a location, so chunk boundaries fall inside runs of equal `loc`.
  const rows = rowsOf('s', [5, 6, 7, 8], 5000); // 20,000 rows
  const { source, requests } = fakeIndex(rows);
  const pager = new RangePager<Row>(source, ['s', 0], ['s', 2 ** 32 - 1, []], keyOf);
  const chunks = await drain(pager);

  // 64 + … + 2048 = 4032; three full chunks of 4096 make 16,320; the last 3,680 end the scan.
  expect(requests.map((r) => r.count)).toEqual([64, 128, 256, 512, 1024, 2048, 4096, 4096, 4096, 4096]);
  expect(chunks.map((c) => c.length)).toEqual([64, 128, 256, 512, 1024, 2048, 4096, 4096, 4096, 3680]);
  const seen = chunks.flat().map((r) => r.storedAt);
  expect(seen).toEqual(rows.map((r) => r.storedAt));
  expect(pager.done).toBe(true);
});

test('each chunk resumes just after the last key read, the first at the inclusive lower bound', async () => {
  const rows = rowsOf('s', [1, 2], 75); // 150 rows: a full chunk of 64, then a short one
  const { source, requests } = fakeIndex(rows);
  const pager = new RangePager<Row>(source, ['s', 1], ['s', 2, []], keyOf);
  await drain(pager);

  expect(requests).toHaveLength(2);
  expect(requests[0]?.range).toMatchObject({ lower: ['s', 1], lowerOpen: false, upperOpen: false });
  // The 64th row is loc 1, storedAt 64: the next chunk starts after exactly that key.
  expect(requests[1]?.range).toMatchObject({ lower: ['s', 1, 64], lowerOpen: true });
  expect(requests[1]?.range.upper).toEqual(['s', 2, []]);
});

test('records outside the range, below, above and in other spaces, are never returned', async () => {
  const rows = [
    ...rowsOf('r', [10], 50, 1),
    ...rowsOf('s', [9, 10, 11, 12, 13], 30, 100),
    ...rowsOf('t', [10], 50, 1000),
  ];
  const { source } = fakeIndex(rows);
  const pager = new RangePager<Row>(source, ['s', 10], ['s', 12, []], keyOf);
  const got = (await drain(pager)).flat();

  const expected = rows.filter((r) => r.space === 's' && r.loc >= 10 && r.loc <= 12);
  expect(got).toEqual(expected);
  expect(got).toHaveLength(90);
});

test('a short first chunk ends the scan after one request, and next() then reads nothing', async () => {
  const { source, requests } = fakeIndex(rowsOf('s', [1], 63));
  const pager = new RangePager<Row>(source, ['s', 0], ['s', 9, []], keyOf);
  expect(pager.done).toBe(false);
  expect(await pager.next()).toHaveLength(63);
  expect(pager.done).toBe(true);
  expect(await pager.next()).toEqual([]);
  expect(requests).toHaveLength(1);
});

test('a range of exactly one full chunk takes a second, empty request to know it is done', async () => {
  const { source, requests } = fakeIndex(rowsOf('s', [1], 64));
  const pager = new RangePager<Row>(source, ['s', 0], ['s', 9, []], keyOf);
  expect(await pager.next()).toHaveLength(64);
  expect(pager.done).toBe(false);
  expect(await pager.next()).toEqual([]);
  expect(pager.done).toBe(true);
  expect(requests.map((r) => r.count)).toEqual([64, 128]);
});

test('an empty range is done after one request', async () => {
  const { source, requests } = fakeIndex(rowsOf('s', [1], 10));
  const pager = new RangePager<Row>(source, ['s', 2], ['s', 3, []], keyOf);
  expect(await pager.next()).toEqual([]);
  expect(pager.done).toBe(true);
  expect(requests).toHaveLength(1);
});

test('a scan that stops early reads little more than it used', async () => {
  const { source, requests } = fakeIndex(rowsOf('s', [1], 100_000));
  const pager = new RangePager<Row>(source, ['s', 0], ['s', 9, []], keyOf);
  // A caller that finds what it wants in the first record stops after one request of 64.
  const first = await pager.next();
  expect(first[0]?.storedAt).toBe(1);
  expect(requests.map((r) => r.count)).toEqual([64]);
});
