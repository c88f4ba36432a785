import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import type { DecodedEntry } from '../contracts/log-tracker.js';
import type { ChangeChunk } from './change-chunks.js';
import type { StorageRecord } from './storage-record.js';
import type { StoredCheckpoint } from './log-state-engine.js';
import type { OpKey, OpRecord } from './op-record.js';
import type { KeyRecord, SealedBytes } from './record-checksums.js';
import type { QuarantineRecord } from './record-quarantine.js';
import type { StoredTotals } from './usage-counters.js';
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

declare const unchecked: unique symbol;

/**
 * What a store whose records carry a check (`changes`, `documents`, `syncStates`, `keyValues`)
 * holds: larder writes `T`, so `put` and `add` take only `T`, but a read may find anything (a
 * flipped bit, a record another program wrote), so what `get` returns cannot be used as `T`
 * until it has passed the store's check.
 *
 * @remarks
 * Typing these values plain `T` would drop every cast and make a read that skips its check
 * compile; typing them `unknown` would let any value be written. This is `T` on write and as
 * good as `unknown` on read: the checks (`chunkProblem`, `checkDocument`, `checkSyncState`,
 * `keyValueProblem`) take `unknown`, and the code that uses a record after its check casts it
 * there, where the check licenses it.
 */
export type Unchecked<T> = T | { readonly [unchecked]: never };

/**
 * Every object store of {@link STORES} with its key, value and indexes, as `idb` types them, so
 * that reads are typed without a cast at each call site.
 *
 * @remarks
 * Keys are typed as larder writes them (IndexedDB holds only that each is a valid key). Values
 * of the stores with a check are {@link Unchecked}; the others are typed as written and read
 * as they always were, unchecked. `meta` and `usage` hold a value type per key, which a schema
 * cannot say: their values are the union, and a read names its key's type.
 */
export interface LarderSchema extends DBSchema {
  changes: { key: number; value: Unchecked<ChangeChunk>; indexes: { doc: string } };
  /** Records from before checksums are the bare bytes: both shapes still read. */
  documents: { key: string; value: Unchecked<SealedBytes | Uint8Array> };
  syncStates: { key: [docId: string, peer: ArrayBuffer]; value: Unchecked<SealedBytes | Uint8Array> };
  consensus: { key: [key: string, seqno: string]; value: Uint8Array };
  consensusKeys: { key: string; value: true };
  logState: { key: string; value: StoredCheckpoint };
  logEntries: { key: [prefix: string, peer: string, entryIdx: string]; value: DecodedEntry<unknown> };
  tables: { key: [table: string, key: IDBValidKey]; value: unknown };
  ops: {
    key: OpKey;
    value: OpRecord;
    indexes: {
      stored: [space: string, storedAt: number];
      loc: [space: string, loc: number, storedAt: number];
    };
  };
  opData: { key: [space: string, id: ArrayBuffer]; value: Uint8Array };
  sliceHashes: { key: [space: string, arc: number[], sliceIndex: number]; value: Uint8Array };
  /** The storage record under `'storage'`, the op clock's high-water mark under its key. */
  meta: { key: string; value: StorageRecord | number };
  keyValues: { key: string[]; value: Unchecked<KeyRecord> };
  /** Item sizes and dirty markers are numbers, totals {@link StoredTotals} (see usage-counters.ts). */
  usage: { key: string[]; value: number | StoredTotals };
  quarantine: { key: number; value: QuarantineRecord };
}

/** A version-change transaction over larder's stores, as `idb` types it. */
export type UpgradeTx = IDBPTransaction<LarderSchema, StoreName[], 'versionchange'>;

type Upgrade = (db: IDBPDatabase<LarderSchema>, tx: UpgradeTx) => void;

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
export function upgradeSchema(db: IDBPDatabase<LarderSchema>, oldVersion: number, tx: UpgradeTx): void {
  for (let v = oldVersion; v < STEPS.length; v++) STEPS[v]?.(db, tx);
}
