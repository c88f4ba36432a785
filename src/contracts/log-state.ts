import type { LogStateChange, Unsubscribe } from './change-feed.js';

/** Reads one log's latest checkpoint. */
export interface LogStateReadOps {
  /**
   * Resolves the stored checkpoint.
   * @throws {@link StoreError} code 'not-found' when the log has none.
   */
  getLatest(): Promise<Uint8Array>;
}

/**
 * A read-then-write transaction on one log's checkpoint, with optimistic concurrency.
 *
 * @remarks
 * It snapshots the checkpoint when opened; `set` commits only if the stored value is still that
 * snapshot. After `set` or `close`, only `close` may be called.
 */
export interface LogStateWriteOps extends LogStateReadOps, AsyncDisposable {
  /**
   * Stores `checkpoint` if nothing changed since this write op was opened.
   * @throws {@link StoreError} code 'conflict' when another writer got there first.
   */
  set(checkpoint: Uint8Array): Promise<void>;
  /** Ends the write op; idempotent. */
  close(): Promise<void>;
}

/** Latest checkpoints per log: the transparency-dev witness's `LogStatePersistence`. */
export interface LogStatePersistence {
  /** Prepares storage; idempotent and keeps existing data. */
  init(): Promise<void>;
  /** Resolves the ids of logs that have a stored checkpoint. */
  logs(): Promise<string[]>;
  /** Opens read access to a log, known or not. */
  readOps(logId: string): Promise<LogStateReadOps>;
  /** Opens a read-then-write transaction on a log. */
  writeOps(logId: string): Promise<LogStateWriteOps>;
  /**
   * Calls `listener` for each log whose checkpoint was set, in any tab (larder's addition).
   * @returns a function that stops the calls.
   */
  subscribe(listener: (change: LogStateChange) => void): Unsubscribe;
}
