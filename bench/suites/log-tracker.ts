import { deleteStore, openStore, type LogTracker, type Store } from '../../src/index.js';
import { deleteDatabase, done, openDatabase } from '../contenders/idb-util.js';
import type { BenchCase, BenchGoal, BenchOptions, BenchSuite } from '../suite.js';

/** The workload, by the name the report shows. */
export const BATCH = 'log tracker batch commit';

const RAW = 'raw IndexedDB';
const PREFIX = 'bench';
const PEER = '7c1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6';
const USER = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

/** An op of the size a CRDT text edit has: a few fields and a short string. */
interface BenchOp {
  path: string[];
  insert: string;
  at: number;
}

/** Sizes, each overridable with `npm run bench -- --name=value`. */
function sizes(options: BenchOptions) {
  return {
    /** Batches per timed run, committed one after another. */
    batches: options['batches'] ?? 300,
  };
}

function op(i: number): BenchOp {
  return { path: ['doc', 'text'], insert: `chunk ${i}`, at: i * 7 };
}

function dbName(contender: string): string {
  return `bench ${BATCH} ${contender}`.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** larder: one trackOne and one table put per batch, its store open before the clock starts. */
function larderCase(engine: 'worker' | 'inline', batches: number): BenchCase {
  const contender = `larder ${engine}`;
  const name = dbName(contender);
  let store: Store | undefined;
  let log: LogTracker<BenchOp> | undefined;
  return {
    workload: BATCH,
    contender,
    async setup() {
      await deleteStore(name);
      store = await openStore(name, { engine });
      log = await store.logTracker<BenchOp>(PREFIX);
    },
    async run() {
      const s = store as Store;
      const l = log as LogTracker<BenchOp>;
      for (let i = 0; i < batches; i++) {
        const batch = s.batch();
        l.trackOne(PEER, BigInt(i), BigInt(Date.now()) << 16n, USER, op(i), batch);
        batch.put('state', 'max', i);
        await batch.commit();
      }
      return batches;
    },
    async teardown() {
      await store?.close();
      store = undefined;
      log = undefined;
      await deleteStore(name);
    },
  };
}

/**
 * The same two writes by hand, on the main thread: one readwrite transaction per batch that
 * adds the row under `[prefix, peer, 16 hex digits]` and puts the register under
 * `[table, key]`, committed with the same 'strict' durability.
 */
function rawCase(batches: number): BenchCase {
  const name = dbName(RAW);
  let db: IDBDatabase | undefined;
  return {
    workload: BATCH,
    contender: RAW,
    reference: true,
    async setup() {
      await deleteDatabase(name);
      db = await openDatabase(name, (d) => {
        d.createObjectStore('logEntries');
        d.createObjectStore('tables');
      });
    },
    async run() {
      const d = db as IDBDatabase;
      for (let i = 0; i < batches; i++) {
        const tx = d.transaction(['logEntries', 'tables'], 'readwrite', { durability: 'strict' });
        const committed = done(tx);
        const row = {
          kind: 'entry',
          timestamp: BigInt(Date.now()) << 16n,
          serverUserId: USER,
          op: op(i),
        };
        tx.objectStore('logEntries').add(row, [PREFIX, PEER, i.toString(16).padStart(16, '0')]);
        tx.objectStore('tables').put(i, ['state', 'max']);
        await committed;
      }
      return batches;
    },
    async teardown() {
      db?.close();
      db = undefined;
      await deleteDatabase(name);
    },
  };
}

const suite: BenchSuite = {
  name: 'log-tracker',

  cases(options) {
    const s = sizes(options);
    return [larderCase('worker', s.batches), larderCase('inline', s.batches), rawCase(s.batches)];
  },

  goals(): BenchGoal[] {
    return [
      {
        kind: 'speedup',
        label: 'batch commit: larder worker ≥ 0.8× raw IndexedDB',
        workload: BATCH,
        contender: 'larder worker',
        atLeast: 0.8,
      },
    ];
  },
};

export default suite;
