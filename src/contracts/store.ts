import type { StoreError } from '../store-error.js';
import type { StoreChange, Unsubscribe } from './change-feed.js';
import type { Lease, LeaseOptions } from './lease.js';
import type { StorageHealth } from './storage-health.js';
import type { BackupSource, ImportOptions, ImportResult } from './backup.js';
import type { Consensus } from './consensus.js';
import type { KeySpace } from './key-space.js';
import type { LogStatePersistence } from './log-state.js';
import type { Batch, LogTracker, Table } from './log-tracker.js';
import type { OpStore, OpStoreOptions } from './op-store.js';
import type { Persister } from './persister.js';

/** How {@link openStore} runs the engine and buffers writes. */
export interface StoreOptions {
  /** Where the engine runs.
   *  'worker' (default): a dedicated module Worker that the kit starts itself.
   *  'inline': in the calling thread (inside a Service Worker, your own worker, tests).
   *  A Worker or MessagePort: one you started that runs the kit's worker entry. */
  engine?: 'worker' | 'inline' | Worker | MessagePort;
  /** Write-behind for Persister writes: a buffered write is committed at the latest after
   *  maxDelayMs, or as soon as maxBytes are pending. Defaults are chosen by benchmark. */
  writeBehind?: { maxDelayMs?: number; maxBytes?: number };
  /** Flush pending writes when the page becomes hidden, on pagehide and on freeze. Default true. */
  flushOnHide?: boolean;
  /**
   * The {@link Store.storageId} the app expects, kept by the app elsewhere (its server, a peer).
   * When the database turns out to be new or different, `openStore` rejects with
   * 'storage-lost' and creates nothing. larder also keeps its own marker in `localStorage`
   * where there is one, and checks it the same way.
   */
  expectStorageId?: string;
  /**
   * Open even though the database was lost: start a new, empty one. Default false, so that a
   * lost store is noticed rather than silently started empty.
   */
  acceptStorageLoss?: boolean;
  /**
   * How long a worker may take to start serving before `openStore` rejects 'engine-lost':
   * 2000 ms by default for a Worker or MessagePort you pass, 15000 ms for the kit's own worker
   * (whose failure to load, a 404, a parse error or a CSP refusal, is reported at once anyway).
   */
  startTimeoutMs?: number;
}

/** An acknowledged write that the engine had not committed when it was lost. */
export interface LostWrite {
  /** The method called, such as 'insertChanges' or 'put'. */
  method: string;
  /** What it wrote to: a docId, a key space name. */
  target: string;
}

/**
 * How far a write has come: held in the engine's write-behind buffer, committed (a relaxed
 * commit: survives a tab crash, and a browser kill in practice), or committed with strict
 * durability (what `flush()` promises).
 */
export type Durability = 'buffered' | 'committed' | 'strict';

/**
 * Where the store's buffered writes (Persister and key space) stand, as of one moment: see
 * {@link Store.receipt}. Other contracts commit strictly on every call and need no receipt.
 */
export interface WriteReceipt {
  /** Where every write made before the receipt stands now: the least advanced of them. */
  readonly state: Durability;
  /** Resolves once every write made before the receipt is committed. */
  committed(): Promise<void>;
  /**
   * Resolves once every write made before the receipt is committed strictly. It does not
   * start a commit: `store.flush()` or the flush on hide does.
   * @throws {@link StoreError} 'engine-lost' or 'storage-lost' when the writes were lost.
   */
  strict(): Promise<void>;
}

/** What a store has not saved yet; see the `'saved'` event. */
export interface SaveStatus {
  /** Bytes of acknowledged writes not committed yet (a key written twice counts twice). */
  unsavedBytes: number;
  /** Acknowledged writes not committed yet. */
  unsavedWrites: number;
  /** When the last strict commit finished (`Date.now()`), if there was one in this session. */
  lastStrictCommit: number | undefined;
}

/**
 * A stored record that failed its check on read (its checksum or its shape), and was moved to
 * the database's `quarantine` object store instead of failing every read of what it belongs to.
 * Reads then behave as if it had never been written. `kind` says what was lost and which fields
 * name it.
 */
export type CorruptRecord = CorruptChanges | CorruptDocument | CorruptSyncState | CorruptKeyValue;

/** A corrupt chunk of a Persister document's changes: see {@link CorruptRecord}. */
export interface CorruptChanges {
  /** What kind of record: a chunk of a Persister document's changes. */
  kind: 'changes';
  /** The document it belonged to: the rest of it still loads. */
  docId: string;
  /** Its key in the database (the `changes` store), also kept in the quarantine. */
  record: number;
  /** What is wrong with it. */
  reason: string;
  /**
   * The changes it held, as far as its lists can still be read (they may be damaged too):
   * fetch these again from a peer. `undefined` when nothing can be read.
   */
  lost: Array<{ actor: string; seq: number }> | undefined;
}

/**
 * A corrupt Persister document (the snapshot of `setDocument`): see {@link CorruptRecord}.
 * `getDocument` resolves `undefined` until a new one is set; the document's changes still load.
 */
export interface CorruptDocument {
  /** What kind of record: a Persister document. */
  kind: 'document';
  /** The document whose snapshot was lost. */
  docId: string;
  /** What is wrong with it. */
  reason: string;
}

/**
 * A corrupt Persister sync state: see {@link CorruptRecord}. `getSyncState` resolves
 * `undefined` for the peer and `getPeerIds` leaves it out, as for a peer never synced with.
 */
export interface CorruptSyncState {
  /** What kind of record: a sync state of one peer. */
  kind: 'sync-state';
  /** The document it belonged to. */
  docId: string;
  /** The peer id, as lowercase hex. */
  peer: string;
  /** What is wrong with it. */
  reason: string;
}

/**
 * A corrupt key-space value: see {@link CorruptRecord}. `get` resolves `undefined` for its key
 * and range reads leave it out, as if it had been deleted.
 */
export interface CorruptKeyValue {
  /** What kind of record: one value of a key space. */
  kind: 'key-value';
  /** The key space's name. */
  space: string;
  /** Its key path in the space. */
  key: string[];
  /** What is wrong with it. */
  reason: string;
}

/** The events of a {@link Store}, by type, and what a listener receives. */
export interface StoreEvents {
  /**
   * What the store has not saved changed: after writes and after commits, at most once a
   * microtask. Show "Saving…"/"Saved" from it instead of polling `stats()`.
   */
  saved: SaveStatus;
  /**
   * A read found a corrupt record (a chunk of changes, a document, a sync state or a key-space
   * value; see {@link CorruptRecord}) and moved it to the quarantine; reads go on as if it had
   * never been written, and the rest of its document or key space loads. Reported once, by the
   * store whose read moved it.
   */
  corruption: CorruptRecord;
  /**
   * A background (write-behind) commit failed. Its writes stay buffered and are retried by the
   * next write or flush; `error.code` is 'quota-exceeded' when the disk is full.
   */
  'commit-error': { error: StoreError; pendingBytes: number };
  /**
   * The engine's worker died. Every pending and later call rejects with 'engine-lost';
   * `lostWrites` are the acknowledged writes it had not committed.
   */
  'engine-lost': { error: StoreError; lostWrites: LostWrite[] };
  /**
   * The database was deleted or cleared under the open store. Every later call rejects with
   * 'storage-lost' and nothing is recreated; `lostWrites` are buffered writes that never
   * reached it.
   */
  'storage-lost': { error: StoreError; lostWrites: LostWrite[] };
}

/** What the write-behind buffer holds right now (larder's addition to the contract). */
export interface StoreStats {
  /** Bytes written but not yet committed to IndexedDB. */
  pendingBytes: number;
}

/** One IndexedDB database with the five storage contracts on it. */
export interface Store {
  /** The name the store was opened with. */
  readonly name: string;
  /** Returns the Persister of one document; cheap and synchronous. */
  persister(docId: string): Persister;
  /** Returns the compare-and-set log of this store. */
  consensus(): Consensus;
  /** Returns the checkpoint persistence of this store. */
  logState(): LogStatePersistence;
  /** Opens (and initialises) the op log of `prefix`. */
  logTracker<Op = unknown>(prefix: string): Promise<LogTracker<Op>>;
  /** Returns read access to an app table that batches write. */
  table(name: string): Table;
  /** Starts an empty batch. */
  batch(): Batch;
  /** Returns the op store of a DHT space. */
  opStore(space: string, options?: OpStoreOptions): OpStore;
  /** Returns the ordered key space `name` (larder's addition: under automerge-repo and Yjs). */
  keySpace(name: string): KeySpace;
  /**
   * A random id the database got when it was created: keep it elsewhere and pass it as
   * {@link StoreOptions.expectStorageId} to notice a database that was lost and recreated.
   */
  readonly storageId: string;
  /**
   * A receipt for every buffered write made so far, awaited or not: where they stand, and
   * promises for each state (y-indexeddb#28 asks for this).
   * @example
   * ```ts
   * await persister.insertChanges(changes);
   * const receipt = store.receipt();
   * await receipt.committed(); // on disk, relaxed
   * ```
   */
  receipt(): WriteReceipt;
  /** What the store has not saved right now; the `'saved'` event reports each change of it. */
  saveStatus(): SaveStatus;
  /**
   * Calls `listener` on each event of `type` (see {@link StoreEvents}).
   * @returns a function that removes the listener.
   */
  on<K extends keyof StoreEvents>(type: K, listener: (event: StoreEvents[K]) => void): () => void;
  /**
   * Calls `listener` after commits, in this tab or any other tab or worker of the origin, with
   * what they changed: which documents, consensus keys, checkpoints, logs, tables, op spaces and
   * key spaces (see {@link StoreChange}). Each contract's own `subscribe` filters this feed.
   *
   * @remarks
   * A notice follows its commit (never a write that failed, was rolled back, or a
   * compare-and-set that did not match); commits that finish together make one notice. A store
   * hears only commits made after it subscribed, and nothing once it or the subscription is
   * closed. Without `BroadcastChannel` (some workers of older browsers) no notice arrives.
   * @returns a function that stops the calls.
   * @throws {@link StoreError} code 'invalid-argument' when `listener` is not a function;
   * 'closed' after {@link Store.close}.
   * @example
   * ```ts
   * const stop = store.persister(docId).subscribe((change) => {
   *   if (!change.local) void reload(); // another tab saved this document
   * });
   * ```
   */
  subscribe(listener: (change: StoreChange) => void): Unsubscribe;
  /**
   * Returns the lease `key`: one holder at a time across every tab and worker, that a closed
   * holder gives up at once and a frozen one loses once its claim expires (see {@link Lease}).
   * Cheap and synchronous; closing the store ends the leases it holds.
   * @throws {@link StoreError} code 'invalid-argument' for an empty key or bad options.
   * @example
   * ```ts
   * const held = await store.lease(`compaction/${docId}`).tryAcquire();
   * if (held) {
   *   try {
   *     const snapshot = build();
   *     if (await held.renew()) await persister.setDocument(snapshot); // fenced
   *   } finally {
   *     await held.release();
   *   }
   * }
   * ```
   */
  lease(key: string, options?: LeaseOptions): Lease;
  /** Commits every buffered write of this store durably; resolves with the bytes written. */
  flush(): Promise<number>;
  /** Resolves what the write-behind buffer holds (larder's addition to the contract). */
  stats(): Promise<StoreStats>;
  /**
   * Resolves the storage's health in one call: the origin's usage, quota and persistence, and
   * what this store's Persister data takes, in total and for `options.docId`, from counters
   * the engine keeps as it writes (O(1): nothing is read but the counters).
   * @throws {@link StoreError} code 'invalid-argument' for a bad `docId`.
   * @example
   * ```ts
   * const { origin, store: mine, lowSpace } = await store.health();
   * if (lowSpace) warn(`${origin.available} bytes left; this board takes ${mine.total}`);
   * ```
   */
  health(options?: { docId?: string }): Promise<StorageHealth>;
  /**
   * Asks the browser to keep the origin's storage under pressure (`navigator.storage.persist()`,
   * which may prompt or decide by engagement); resolves whether it is persisted now, false where
   * the browser cannot say.
   */
  requestPersistence(): Promise<boolean>;
  /**
   * Tells whether `bytes` more fit in the origin's quota, before an operation that needs them
   * (a compaction writes its snapshot before it deletes the changes); true where the browser
   * does not report a quota.
   * @throws {@link StoreError} code 'invalid-argument' when `bytes` is not a non-negative integer.
   */
  canFit(bytes: number): Promise<boolean>;
  /**
   * Takes a backup of the whole store, every contract, as one consistent snapshot (what is
   * buffered is committed first): a versioned text format, one line of JSON per record between
   * a header and a checksummed end line, encoded as the stream is read.
   * @example
   * ```ts
   * const file = await new Response(await store.exportBackup()).blob(); // to download
   * ```
   */
  exportBackup(): Promise<ReadableStream<Uint8Array>>;
  /**
   * Replaces the whole store's data with a backup's, in one transaction, after reading and
   * checking all of it: a file that is not a larder backup, of a newer format, truncated,
   * damaged, inconsistent, or of another store (unless `acceptOtherStore`) is refused, and the
   * store is left as it was. Other tabs hear of it through the change feed.
   * @throws {@link StoreError} code 'invalid-argument' naming what is wrong with the backup.
   */
  importBackup(source: BackupSource, options?: ImportOptions): Promise<ImportResult>;
  /** Flushes, then closes the engine (and terminates a worker the kit started). */
  close(): Promise<void>;
}
