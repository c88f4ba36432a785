import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { countExistingUsage } from './usage-upgrade.js';

/**
 * Object store names of larder's one IndexedDB schema, shared by every contract.
 *
 * @remarks
 * Binary ids and fixed-width encodings keep every key ordered the way its queries need.
 */
export const STORES = {
  /** Persister changes, packed: one record per flushed batch of one document. */
  changes: 'changes',
  /** Persister documents, keyed by docId. */
  documents: 'documents',
  /** Persister sync states, keyed by `[docId, peerId bytes]`. */
  syncStates: 'syncStates',
  /** Consensus versions, keyed by `[key, seqno as 16 hex digits]`. */
  consensus: 'consensus',
  /** Every consensus key that ever committed, keyed by itself. */
  consensusKeys: 'consensusKeys',
  /** Witness checkpoints, keyed by logId. */
  logState: 'logState',
  /** LogTracker rows, keyed by `[prefix, peer, entryIdx as 16 hex digits]`. */
  logEntries: 'logEntries',
  /** The app's own tables that batches write, keyed by `[table, key]`. */
  tables: 'tables',
  /** OpStore op metadata (location, times, size), keyed by `[space, createdAt, opId bytes, size]`. */
  ops: 'ops',
  /** OpStore op bytes, keyed by `[space, opId bytes]`: apart, so queries never read op data. */
  opData: 'opData',
  /** OpStore slice hashes, keyed by `[space, arc, sliceIndex]`. */
  sliceHashes: 'sliceHashes',
  /** Small engine bookkeeping such as clock high-water marks, keyed by string. */
  meta: 'meta',
  /** Key-space entries `{ key, data, written }`, keyed by `key`: `[space, ...key path]`. */
  keyValues: 'keyValues',
  /** Kept byte counters of the Persister's data (see usage-counters.ts). */
  usage: 'usage',
  /** Records that failed their check on read, moved out of the way (see chunk-quarantine.ts). */
  quarantine: 'quarantine',
} as const;

/** The name of one of larder's object stores. */
export type StoreName = (typeof STORES)[keyof typeof STORES];

type Upgrade = (db: IDBPDatabase, tx: IDBPTransaction<unknown, string[], 'versionchange'>) => void;

/**
 * Schema steps, in order: step `i` upgrades version `i` to version `i + 1`. A step only adds;
 * it never rewrites what an earlier version stored, so old data survives every upgrade.
 */
const STEPS: readonly Upgrade[] = [
  // v1: the Persister.
  (db) => {
    const changes = db.createObjectStore(STORES.changes, { keyPath: 'id', autoIncrement: true });
    // Index entries with equal keys are ordered by primary key, so this yields a document's
    // chunks in the order they were written, which replay needs.
    changes.createIndex('doc', 'doc');
    db.createObjectStore(STORES.documents);
    db.createObjectStore(STORES.syncStates);
  },
  // v2: Consensus and LogStatePersistence.
  (db) => {
    db.createObjectStore(STORES.consensus);
    db.createObjectStore(STORES.consensusKeys);
    db.createObjectStore(STORES.logState);
  },
  // v3: LogTracker and app tables.
  (db) => {
    db.createObjectStore(STORES.logEntries);
    db.createObjectStore(STORES.tables);
  },
  // v4: OpStore.
  (db) => {
    // `ops` is keyed in time order, so a time slice is one contiguous key range, read without
    // a lookup per op; it is filtered by location within the slice (see op-store-engine.ts).
    // Index keys end in storedAt, unique per store, so scans can resume after any record.
    const ops = db.createObjectStore(STORES.ops);
    ops.createIndex('stored', ['space', 'storedAt']);
    ops.createIndex('loc', ['space', 'loc', 'storedAt']);
    db.createObjectStore(STORES.opData);
    db.createObjectStore(STORES.sliceHashes);
    db.createObjectStore(STORES.meta);
  },
  // v5: key spaces. One flat store: an array key keeps every key path that starts with a prefix
  // in one contiguous range (see key-space-engine.ts), so a prefix read or delete is one
  // request. The key is in the record, so that one `getAll` returns keys and values together.
  (db) => {
    db.createObjectStore(STORES.keyValues, { keyPath: 'key' });
  },
  // v6: kept byte counters, so that what a store and a document take is read without reading
  // the data. What is stored already is counted once, here.
  (db, tx) => {
    db.createObjectStore(STORES.usage);
    countExistingUsage(tx);
  },
  // v7: the quarantine of records that fail their check, so one bad record never bricks a
  // document again (automerge-repo#60).
  (db) => {
    db.createObjectStore(STORES.quarantine, { autoIncrement: true });
  },
];

/** The schema version this build of larder opens. */
export const SCHEMA_VERSION = STEPS.length;

/**
 * Brings a database from `oldVersion` to {@link SCHEMA_VERSION}, step by step.
 *
 * @param db - the database being upgraded.
 * @param oldVersion - the version it had (0 when new).
 * @param tx - the upgrade transaction.
 */
export function upgradeSchema(
  db: IDBPDatabase,
  oldVersion: number,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
): void {
  for (let v = oldVersion; v < STEPS.length; v++) STEPS[v]?.(db, tx);
}
