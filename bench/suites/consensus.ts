import { deleteStore, openStore, type Consensus, type Store } from '../../src/index.js';
import { deleteDatabase, done, openDatabase, request } from '../contenders/idb-util.js';
import type { BenchCase, BenchGoal, BenchOptions, BenchSuite } from '../suite.js';

/** The workload, by the name the report shows. */
export const CAS = 'consensus compare-and-set';

const RAW = 'raw IndexedDB';
const KEY = 'shard';

/** Sizes, each overridable with `npm run bench -- --name=value`. */
function sizes(options: BenchOptions) {
  return {
    /** compareAndSet calls per timed run, one after another on one key. */
    casOps: options['casOps'] ?? 300,
    /** Bytes per version: a small state-rollup pointer, as Materialize stores. */
    casBytes: options['casBytes'] ?? 256,
  };
}

function payload(bytes: number, i: number): Uint8Array {
  return new Uint8Array(bytes).fill(i & 0xff);
}

function dbName(contender: string): string {
  return `bench ${CAS} ${contender}`.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** larder's Consensus, its store open (and its connection warm) before the clock starts. */
function larderCase(engine: 'worker' | 'inline', ops: number, bytes: number): BenchCase {
  const contender = `larder ${engine}`;
  const name = dbName(contender);
  let store: Store | undefined;
  let consensus: Consensus | undefined;
  return {
    workload: CAS,
    contender,
    async setup() {
      await deleteStore(name);
      store = await openStore(name, { engine });
      consensus = store.consensus();
      await consensus.listKeys();
    },
    async run() {
      const c = consensus as Consensus;
      let expected: bigint | undefined;
      for (let i = 1; i <= ops; i++) {
        const seqno = BigInt(i);
        const result = await c.compareAndSet(KEY, expected, { seqno, data: payload(bytes, i) });
        if (result !== 'committed') throw new Error(`compareAndSet ${i}: ${result}`);
        expected = seqno;
      }
      return ops;
    },
    async teardown() {
      await store?.close();
      store = undefined;
      consensus = undefined;
      await deleteStore(name);
    },
  };
}

/**
 * The same get-then-add by hand, on the main thread: one readwrite transaction per call that
 * reads the key's head with a reverse key cursor, compares it and adds the next version under
 * the same `[key, 16 hex digits]` key, committed with the same 'strict' durability.
 */
function rawCase(ops: number, bytes: number): BenchCase {
  const name = dbName(RAW);
  let db: IDBDatabase | undefined;
  const range = IDBKeyRange.bound([KEY], [KEY, []]);
  const cas = async (expected: bigint | undefined, seqno: bigint, data: Uint8Array): Promise<boolean> => {
    const tx = (db as IDBDatabase).transaction('versions', 'readwrite', { durability: 'strict' });
    const committed = done(tx);
    const versions = tx.objectStore('versions');
    const cursor = await request(versions.openKeyCursor(range, 'prev'));
    const head = cursor === null ? undefined : BigInt(`0x${(cursor.key as [string, string])[1]}`);
    const match = head === expected;
    if (match) versions.add(data, [KEY, seqno.toString(16).padStart(16, '0')]);
    await committed;
    return match;
  };
  return {
    workload: CAS,
    contender: RAW,
    reference: true,
    async setup() {
      await deleteDatabase(name);
      db = await openDatabase(name, (d) => d.createObjectStore('versions'));
    },
    async run() {
      let expected: bigint | undefined;
      for (let i = 1; i <= ops; i++) {
        const seqno = BigInt(i);
        if (!(await cas(expected, seqno, payload(bytes, i))))
          throw new Error(`raw compareAndSet ${i} missed`);
        expected = seqno;
      }
      return ops;
    },
    async teardown() {
      db?.close();
      db = undefined;
      await deleteDatabase(name);
    },
  };
}

const suite: BenchSuite = {
  name: 'consensus',

  cases(options) {
    const s = sizes(options);
    return [
      larderCase('worker', s.casOps, s.casBytes),
      larderCase('inline', s.casOps, s.casBytes),
      rawCase(s.casOps, s.casBytes),
    ];
  },

  goals(): BenchGoal[] {
    return [
      {
        kind: 'speedup',
        label: 'compareAndSet: larder worker ≥ 0.8× raw IndexedDB',
        workload: CAS,
        contender: 'larder worker',
        atLeast: 0.8,
      },
      {
        kind: 'speedup',
        label: 'compareAndSet: larder worker ≥ 0.95× raw IndexedDB (issue 16)',
        workload: CAS,
        contender: 'larder worker',
        atLeast: 0.95,
      },
    ];
  },
};

export default suite;
