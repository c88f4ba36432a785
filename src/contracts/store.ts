import type { Consensus } from './consensus.js';
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
  /** Commits every buffered write of this store durably; resolves with the bytes written. */
  flush(): Promise<number>;
  /** Resolves what the write-behind buffer holds (larder's addition to the contract). */
  stats(): Promise<StoreStats>;
  /** Flushes, then closes the engine (and terminates a worker the kit started). */
  close(): Promise<void>;
}
