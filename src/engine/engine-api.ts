import type { StoreStats } from '../contracts/store.js';
import type { StoreSnapshot } from './backup-engine.js';
import type { BufferedWrite, OpenResult } from '../protocol.js';
import type { ConsensusEngineApi } from './consensus-engine.js';
import type { KeySpaceEngineApi } from './key-space-engine.js';
import type { LogStateEngineApi } from './log-state-engine.js';
import type { LogTrackerEngineApi } from './log-tracker-engine.js';
import type { OpStoreEngineApi } from './op-store-engine.js';
import type { PersisterEngineApi } from './persister-engine.js';

/**
 * What an engine offers its client, inline or across the worker boundary: one object per
 * contract, each method taking plain, cloneable arguments.
 */
export interface EngineApi {
  readonly persister: PersisterEngineApi;
  readonly consensus: ConsensusEngineApi;
  readonly logState: LogStateEngineApi;
  readonly logTracker: LogTrackerEngineApi;
  readonly opStore: OpStoreEngineApi;
  readonly keySpace: KeySpaceEngineApi;
  /**
   * Opens (creating or upgrading) the database, so that openStore reports 'blocked' or
   * 'storage-lost' at once.
   */
  open(): Promise<OpenResult>;
  /**
   * Applies buffered writes in order, each as its own method would; resolves the id the last
   * one was given (a commit report through that id covers them all).
   */
  write(writes: BufferedWrite[]): Promise<number>;
  /** Commits every buffered write durably; resolves with the bytes written. */
  flush(): Promise<number>;
  /** Resolves what the write-behind buffer holds. */
  stats(): Promise<StoreStats>;
  /** Commits what is buffered, then reads every contract's records in one transaction. */
  exportRecords(): Promise<StoreSnapshot>;
  /**
   * Commits what is buffered, then replaces every contract's records with `snapshot`'s in one
   * transaction; resolves how many records it wrote.
   */
  importRecords(snapshot: StoreSnapshot): Promise<number>;
  /** Resolves the kept byte counters of the store's Persister data, and of `docId`'s. */
  usage(docId?: string): Promise<UsageTotals>;
  /** Flushes, then closes the connection. */
  close(): Promise<void>;
}

/** Kept byte counters: the store's Persister data, and one document's when asked. */
export interface UsageTotals {
  store: { changes: number; document: number; syncStates: number; documents: number };
  document: { changes: number; document: number; syncStates: number } | undefined;
}

/** Options an engine is created with: {@link StoreOptions} minus what the client handles. */
export interface EngineOptions {
  writeBehind?: { maxDelayMs?: number; maxBytes?: number };
}
