import { automergeRepoIdb } from '../contenders/automerge-repo-idb.js';
import { initAutomerge, loadText, typeText } from '../contenders/automerge-text.js';
import type { Change, ChangeStore, Contender } from '../contenders/change-store.js';
import { batches, makeChanges, randomBytes } from '../contenders/data.js';
import { dexie } from '../contenders/dexie.js';
import { idbKeyval } from '../contenders/idb-keyval.js';
import { larder } from '../contenders/larder.js';
import { rawIdb, rawPackedIdb } from '../contenders/raw-idb.js';
import { yIndexeddb } from '../contenders/y-indexeddb.js';
import type { BenchCase, BenchGoal, BenchOptions, BenchSuite } from '../suite.js';

const LARDER_WORKER = larder('worker');
const LARDER_INLINE = larder('inline');
const RAW = rawIdb('batched');
const RAW_PER_CHANGE = rawIdb('per-change');
/** The layout's limit for batched writes and cold loads (issue 16): one packed record per batch. */
const RAW_PACKED = rawPackedIdb();
const LIBRARIES = [idbKeyval, dexie, yIndexeddb, automergeRepoIdb];
const EVERYONE = [LARDER_WORKER, LARDER_INLINE, RAW, RAW_PER_CHANGE, ...LIBRARIES];
/** Where one record per change and one per batch store the same thing, one of them is enough. */
const READERS = [LARDER_WORKER, LARDER_INLINE, RAW, ...LIBRARIES];
const SCALE = [LARDER_WORKER, LARDER_INLINE, RAW];
const AUTOMERGE = [LARDER_WORKER, LARDER_INLINE, automergeRepoIdb];

/** The workloads, by the names the report shows. */
export const W1 = 'W1 batched writes';
export const W2 = 'W2 single writes';
export const W3 = 'W3 cold load';
export const W4_PUT = 'W4 document put';
export const W4_GET = 'W4 document get';
export const SCALE_WRITE = 'scale write';
export const SCALE_LOAD = 'scale cold load';
export const AM_TYPING = 'Automerge typing';
export const AM_LOAD = 'Automerge cold load';

/** Sizes, each overridable with `npm run bench -- --name=value`. */
function sizes(options: BenchOptions) {
  return {
    changes: options['changes'] ?? 10_000,
    batch: options['batch'] ?? 100,
    changeBytes: options['changeBytes'] ?? 200,
    docBytes: options['docBytes'] ?? 2 * 1024 * 1024,
    scaleMin: options['scaleMin'] ?? 1_000,
    scaleMax: options['scaleMax'] ?? 100_000,
    typing: options['typing'] ?? 10_000,
  };
}

/** The database a case uses: derived from constants, so it is found again after a reload. */
function dbName(workload: string, contender: Contender): string {
  return `bench ${workload} ${contender.name}`.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Opens a store for a write workload. The read makes contenders that connect lazily (larder
 * opens IndexedDB on first use) connect now, so creating the database is not timed as a write.
 */
async function open(contender: Contender, db: string): Promise<ChangeStore> {
  const store = await contender.open(db);
  await store.getDocument();
  return store;
}

/** Writes batches one awaited call after another, then commits. */
async function writeAll(store: ChangeStore, groups: readonly Change[][]): Promise<void> {
  for (const group of groups) await store.write(group);
  await store.commit();
}

function check(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: read ${got}, expected ${want}`);
}

/**
 * A write workload: the store is open before the clock starts; the clock stops when everything
 * is committed durably.
 */
function writeCase(
  workload: string,
  contender: Contender,
  reference: Contender,
  data: () => Change[][],
  series?: BenchCase['series'],
): BenchCase {
  const db = dbName(workload, contender);
  let store: ChangeStore | undefined;
  let groups: Change[][] = [];
  return {
    workload,
    contender: contender.name,
    reference: contender === reference,
    ...(series === undefined ? {} : { series }),
    async setup() {
      await contender.remove(db);
      groups = data();
      store = await open(contender, db);
    },
    async run() {
      await writeAll(store as ChangeStore, groups);
      return groups.reduce((n, g) => n + g.length, 0);
    },
    async teardown() {
      await store?.close();
      store = undefined;
      await contender.remove(db);
    },
  };
}

/**
 * A cold-load workload: setup stores the data and the page reloads; the clock covers opening
 * the store (the worker's start-up included) and reading everything back.
 */
function coldLoadCase(
  workload: string,
  contender: Contender,
  reference: Contender,
  data: () => Change[],
  batch: number,
  use: (chunks: Uint8Array[]) => number,
  series?: BenchCase['series'],
): BenchCase {
  const db = dbName(workload, contender);
  let store: ChangeStore | undefined;
  return {
    workload,
    contender: contender.name,
    reference: contender === reference,
    reload: true,
    ...(series === undefined ? {} : { series }),
    async setup() {
      await contender.remove(db);
      const writer = await contender.open(db);
      await writeAll(writer, batches(data(), batch));
      await writer.close();
    },
    async run() {
      store = await contender.open(db);
      return use(await store.readAll());
    },
    async teardown() {
      await store?.close();
      store = undefined;
      await contender.remove(db);
    },
  };
}

function documentCase(
  workload: string,
  contender: Contender,
  docBytes: number,
  timed: (store: ChangeStore, doc: Uint8Array) => Promise<void>,
  prepare: (store: ChangeStore, doc: Uint8Array) => Promise<void>,
): BenchCase {
  const db = dbName(workload, contender);
  let store: ChangeStore | undefined;
  let doc: Uint8Array = new Uint8Array();
  return {
    workload,
    contender: contender.name,
    reference: contender === RAW,
    async setup() {
      await contender.remove(db);
      doc = randomBytes(docBytes);
      store = await open(contender, db);
      await prepare(store, doc);
    },
    async run() {
      await timed(store as ChangeStore, doc);
      return 1;
    },
    async teardown() {
      await store?.close();
      store = undefined;
      await contender.remove(db);
    },
  };
}

function powersOfTen(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n *= 10) out.push(n);
  return out;
}

const suite: BenchSuite = {
  name: 'persister',

  async init() {
    await initAutomerge();
  },

  cases(options) {
    const s = sizes(options);
    const changes = () => makeChanges(s.changes, s.changeBytes);
    const cases: BenchCase[] = [];

    for (const c of [...EVERYONE, RAW_PACKED]) {
      cases.push(writeCase(W1, c, RAW, () => batches(changes(), s.batch)));
    }
    for (const c of EVERYONE) cases.push(writeCase(W2, c, RAW_PER_CHANGE, () => batches(changes(), 1)));
    for (const c of [...READERS, RAW_PACKED]) {
      cases.push(
        coldLoadCase(W3, c, RAW, changes, s.batch, (chunks) => {
          check(W3, chunks.length, s.changes);
          return chunks.length;
        }),
      );
    }
    for (const c of READERS) {
      cases.push(
        documentCase(
          W4_PUT,
          c,
          s.docBytes,
          (store, doc) => store.putDocument(doc),
          async () => undefined,
        ),
      );
      cases.push(
        documentCase(
          W4_GET,
          c,
          s.docBytes,
          async (store) => check(W4_GET, (await store.getDocument())?.byteLength ?? -1, s.docBytes),
          (store, doc) => store.putDocument(doc),
        ),
      );
    }

    for (const n of powersOfTen(s.scaleMin, s.scaleMax)) {
      const data = () => makeChanges(n, s.changeBytes);
      for (const c of SCALE) {
        cases.push(
          writeCase(`${SCALE_WRITE} ${count(n)}`, c, RAW, () => batches(data(), s.batch), {
            name: SCALE_WRITE,
            x: n,
          }),
        );
      }
      for (const c of SCALE) {
        cases.push(
          coldLoadCase(
            `${SCALE_LOAD} ${count(n)}`,
            c,
            RAW,
            data,
            s.batch,
            (chunks) => {
              check(SCALE_LOAD, chunks.length, n);
              return chunks.length;
            },
            { name: SCALE_LOAD, x: n, plot: 'total' },
          ),
        );
      }
    }

    const typed = () => typeText(s.typing);
    for (const c of AUTOMERGE) {
      cases.push(writeCase(AM_TYPING, c, automergeRepoIdb, () => batches(typed(), 1)));
    }
    for (const c of AUTOMERGE) {
      cases.push(
        coldLoadCase(AM_LOAD, c, automergeRepoIdb, typed, s.batch, (chunks) => {
          check(AM_LOAD, loadText(chunks).length, s.typing);
          return chunks.length;
        }),
      );
    }
    return cases;
  },

  goals(options) {
    const s = sizes(options);
    const worker = LARDER_WORKER.name;
    const goals: BenchGoal[] = [];
    for (const c of [worker, LARDER_INLINE.name]) {
      goals.push(
        { kind: 'speedup', label: `W1 ${c} ≥ 3× raw IndexedDB`, workload: W1, contender: c, atLeast: 3 },
        {
          kind: 'speedup',
          label: `W2 ${c} ≥ 5× raw tx per change`,
          workload: W2,
          contender: c,
          atLeast: 5,
        },
      );
    }
    goals.push(
      // Issue 16's goals: against the layout's limit, and W2 at what an inline write costs.
      {
        kind: 'speedup',
        label: `W1 ${worker} ≥ 0.95× raw IndexedDB, packed`,
        workload: W1,
        contender: worker,
        vs: RAW_PACKED.name,
        atLeast: 0.95,
      },
      {
        kind: 'speedup',
        label: `W2 ${worker} ≥ 20× raw tx per change`,
        workload: W2,
        contender: worker,
        atLeast: 20,
      },
      {
        kind: 'speedup',
        label: `W3 ${worker} ≥ 1.3× raw IndexedDB`,
        workload: W3,
        contender: worker,
        atLeast: 1.3,
      },
      {
        kind: 'speedup',
        label: `W3 ${worker} ≥ 3× raw IndexedDB (issue 16)`,
        workload: W3,
        contender: worker,
        atLeast: 3,
      },
      {
        kind: 'speedup',
        label: `W4 put ${worker} ≥ 1.0× raw (issue 16)`,
        workload: W4_PUT,
        contender: worker,
        atLeast: 1,
      },
      {
        kind: 'speedup',
        label: `W4 get ${worker} ≥ 1.0× raw (issue 16)`,
        workload: W4_GET,
        contender: worker,
        atLeast: 1,
      },
      {
        kind: 'speedup',
        label: `W4 put ${worker} ≥ 0.9× raw`,
        workload: W4_PUT,
        contender: worker,
        atLeast: 0.9,
      },
      {
        kind: 'speedup',
        label: `W4 get ${worker} ≥ 0.9× raw`,
        workload: W4_GET,
        contender: worker,
        atLeast: 0.9,
      },
      {
        kind: 'main-thread',
        label: `${worker}: no long task, no heartbeat gap over 15 ms (storage workloads)`,
        contender: worker,
        // Not the Automerge cold load: there the app's own Automerge.loadIncremental runs on
        // the main thread, whichever storage it read from.
        workloads: [
          W1,
          W2,
          W3,
          W4_PUT,
          W4_GET,
          AM_TYPING,
          ...powersOfTen(s.scaleMin, s.scaleMax).flatMap((n) => [
            `${SCALE_WRITE} ${count(n)}`,
            `${SCALE_LOAD} ${count(n)}`,
          ]),
        ],
        maxGapMs: 15,
        maxLongTasks: 0,
      },
      {
        // Issue 16: no long task, and no pause longer than raw IndexedDB's own in the same run.
        kind: 'main-thread',
        label: `${worker}: no long task, no gap longer than raw IndexedDB's (W1-W4, issue 16)`,
        contender: worker,
        workloads: [W1, W2, W3, W4_PUT, W4_GET],
        maxGapMs: 50,
        maxLongTasks: 0,
        gapVs: RAW.name,
      },
    );
    const from = 10_000;
    if (s.scaleMin <= from && s.scaleMax > from) {
      goals.push(
        {
          kind: 'per-op-growth',
          label: `scale: ${worker} write cost per change at ${count(s.scaleMax)} ≤ 1.5× at ${count(from)}`,
          series: SCALE_WRITE,
          contender: worker,
          from,
          atMost: 1.5,
        },
        {
          kind: 'per-op-growth',
          label: `scale: ${worker} cold load per change at ${count(s.scaleMax)} ≤ 1.5× at ${count(from)} (linear)`,
          series: SCALE_LOAD,
          contender: worker,
          from,
          atMost: 1.5,
        },
      );
    }
    return goals;
  },
};

export default suite;
