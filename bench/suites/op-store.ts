import { deleteStore, openStore, type OpStore, type Store } from '../../src/index.js';
import { deleteDatabase, done, openDatabase } from '../contenders/idb-util.js';
import type { BenchCase, BenchGoal, BenchOptions, BenchSuite } from '../suite.js';

/** The series, by the names the report shows. */
export const SLICE = 'op time slice';
export const PROCESS = 'op process';

const SPACE = 'bench';
const FULL_ARC = [0, 2 ** 32 - 1] as const;
const DAY_US = 24 * 3600 * 1_000_000;
/** Stored ops are created within one day from here (µs); ops processed by runs, the day after. */
const BASE_US = 1_700_000_000_000_000;
/** Ops per processIncomingOps call while seeding. */
const SEED_CALL = 5_000;
/** Time-slice queries per timed run, at different places in the day. */
const QUERIES = 20;

/** Sizes, each overridable with `npm run bench -- --name=value`. */
function sizes(options: BenchOptions) {
  return {
    /** Ops stored, small and large: the goal compares the query cost at the two. */
    opsSmall: options['opsSmall'] ?? 10_000,
    opsLarge: options['opsLarge'] ?? 200_000,
    /** Ops a time slice holds, about. */
    sliceOps: options['sliceOps'] ?? 1_000,
    /** New ops per timed processIncomingOps call. */
    newOps: options['newOps'] ?? 1_000,
  };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A small seeded PRNG (mulberry32), so a seeded store is the same in every page. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A default-format op with a 32-byte payload (so its id is the payload, at a random location). */
function makeOp(random: () => number, createdAt: number): { op: Uint8Array; id: Uint8Array } {
  const id = new Uint8Array(32);
  for (let i = 0; i < 32; i++) id[i] = Math.floor(random() * 256);
  const json = `{"created_at":${createdAt},"op_data":[${id.join(',')}]}`;
  return { op: new TextEncoder().encode(json), id };
}

/** `n` ops created at random times within the day starting at `from`. */
function makeOps(random: () => number, n: number, from: number): Array<{ op: Uint8Array; id: Uint8Array }> {
  return Array.from({ length: n }, () => makeOp(random, from + Math.floor(random() * DAY_US)));
}

/**
 * Makes sure the store `name` holds the `n` seeded ops, storing them only if it does not yet:
 * seeding 200,000 ops takes longer than the runs it serves, so a seeded store stays for the
 * next sample (in the runner's temporary browser profile, which the runner deletes).
 */
async function ensureSeeded(name: string, n: number): Promise<void> {
  // Stored last, before the day the queries look at: its presence means the seed is complete.
  const sentinel = makeOp(() => 0.999, BASE_US - 1);
  const store = await openStore(name);
  try {
    const opStore = store.opStore(SPACE);
    if ((await opStore.filterOutExistingOps([sentinel.id])).length === 0) return;
    const ops = makeOps(prng(n), n, BASE_US);
    for (let i = 0; i < n; i += SEED_CALL) {
      await opStore.processIncomingOps(ops.slice(i, i + SEED_CALL).map((o) => o.op));
    }
    await opStore.processIncomingOps([sentinel.op]);
  } finally {
    await store.close();
  }
}

/** The stores of one size: fixed names, so a page finds them again. */
function dbName(kind: string, n: number): string {
  return `bench-op-store-${kind}-${n}`;
}

/**
 * Time slices of about `sliceOps` ops each, over the full arc, in a store of `n` ops: answered
 * from the `[space, createdAt]` index, so the cost should follow the slice, not `n`.
 */
function sliceCase(engine: 'worker' | 'inline', n: number, sliceOps: number): BenchCase {
  const name = dbName('query', n);
  const width = Math.round((DAY_US * sliceOps) / n);
  let store: Store | undefined;
  let opStore: OpStore | undefined;
  return {
    workload: `${SLICE} (${count(n)} stored)`,
    contender: `larder ${engine}`,
    reference: engine === 'worker',
    series: { name: SLICE, x: n },
    async setup() {
      await ensureSeeded(name, n);
      store = await openStore(name, { engine });
      opStore = store.opStore(SPACE);
      // Opens the connection before the clock starts.
      await opStore.retrieveOpHashesInTimeSlice(FULL_ARC, BASE_US, BASE_US + width);
    },
    async run() {
      let found = 0;
      for (let q = 0; q < QUERIES; q++) {
        const start = BASE_US + Math.floor(((q + 0.5) / QUERIES) * (DAY_US - width));
        const [ids] = await (opStore as OpStore).retrieveOpHashesInTimeSlice(FULL_ARC, start, start + width);
        found += ids.length;
      }
      // Random times put about sliceOps in each slice; far fewer means the seed went wrong.
      if (found < (QUERIES * sliceOps) / 2) throw new Error(`slices held ${found} ops in all`);
      return QUERIES;
    },
    async teardown() {
      await store?.close();
      store = undefined;
      opStore = undefined;
    },
  };
}

/** The name of the workload that processes `newOps` ops into a store of `n`. */
function processWorkload(newOps: number, n: number): string {
  return `process ${count(newOps)} ops (${count(n)} stored)`;
}

/** `newOps` ops not stored yet, processed in one call into a store of about `n` ops. */
function processCase(engine: 'worker' | 'inline', n: number, newOps: number): BenchCase {
  const name = dbName('process', n);
  let store: Store | undefined;
  let opStore: OpStore | undefined;
  let batch: Uint8Array[] = [];
  return {
    workload: processWorkload(newOps, n),
    contender: `larder ${engine}`,
    reference: engine === 'worker',
    series: { name: PROCESS, x: n },
    async setup() {
      // Every run adds ops (on the second day): past 5 % growth, start again from the seed.
      await ensureSeeded(name, n);
      const check = await openStore(name);
      const added = (
        await check
          .opStore(SPACE)
          .retrieveOpHashesInTimeSlice(FULL_ARC, BASE_US + DAY_US, BASE_US + 2 * DAY_US)
      )[0].length;
      await check.close();
      if (added + newOps > n * 0.05) {
        await deleteStore(name);
        await ensureSeeded(name, n);
      }
      batch = makeOps(Math.random, newOps, BASE_US + DAY_US).map((o) => o.op);
      store = await openStore(name, { engine });
      opStore = store.opStore(SPACE);
      await opStore.filterOutExistingOps([new Uint8Array(32)]);
    },
    async run() {
      const ids = await (opStore as OpStore).processIncomingOps(batch);
      return ids.length;
    },
    async teardown() {
      await store?.close();
      store = undefined;
      opStore = undefined;
      batch = [];
    },
  };
}

const RAW_PUT = 'raw IndexedDB put';

/**
 * What issue 16 measures `processIncomingOps` against: the same `newOps` op bytes put by hand,
 * keyed by their ids, in one relaxed transaction, into a database of its own. It stores no
 * times, no index entries and checks for no duplicates, so it is the floor, not a peer.
 */
function rawProcessCase(n: number, newOps: number): BenchCase {
  const name = `bench-op-raw-put-${n}`;
  let db: IDBDatabase | undefined;
  let batch: Array<{ op: Uint8Array; id: Uint8Array }> = [];
  return {
    workload: processWorkload(newOps, n),
    contender: RAW_PUT,
    async setup() {
      await deleteDatabase(name);
      db = await openDatabase(name, (d) => d.createObjectStore('ops'));
      batch = makeOps(Math.random, newOps, BASE_US + DAY_US);
    },
    async run() {
      const tx = (db as IDBDatabase).transaction('ops', 'readwrite', { durability: 'relaxed' });
      const store = tx.objectStore('ops');
      for (const { op, id } of batch) store.put(op, id.buffer as ArrayBuffer);
      await done(tx);
      return batch.length;
    },
    async teardown() {
      db?.close();
      db = undefined;
      batch = [];
      await deleteDatabase(name);
    },
  };
}

const suite: BenchSuite = {
  name: 'op-store',

  cases(options) {
    const s = sizes(options);
    const counts = [s.opsSmall, s.opsLarge];
    const engines = ['worker', 'inline'] as const;
    // Queries first: the runner keeps this order within a repetition, so the writes of the
    // process cases (and their reseeding) come after the queries rather than between them.
    return [
      ...counts.flatMap((n) => engines.map((e) => sliceCase(e, n, s.sliceOps))),
      ...counts.flatMap((n) => [
        ...engines.map((e) => processCase(e, n, s.newOps)),
        rawProcessCase(n, s.newOps),
      ]),
    ];
  },

  goals(options): BenchGoal[] {
    const s = sizes(options);
    return [
      {
        kind: 'per-op-growth',
        label: `time slice of ~${count(s.sliceOps)} ops: at ${count(s.opsLarge)} stored ≤ 1.5× at ${count(s.opsSmall)}`,
        series: SLICE,
        contender: 'larder worker',
        from: s.opsSmall,
        atMost: 1.5,
      },
      {
        // Issue 16: at most 2x the raw put, so at least 0.5x its speed.
        kind: 'speedup',
        label: `process ${count(s.newOps)} ops with ${count(s.opsLarge)} stored: larder worker ≤ 2× a raw put of them (issue 16)`,
        workload: processWorkload(s.newOps, s.opsLarge),
        contender: 'larder worker',
        vs: RAW_PUT,
        atLeast: 0.5,
      },
    ];
  },
};

export default suite;
