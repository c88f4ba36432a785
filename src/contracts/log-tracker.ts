import type { GrowthChange, Unsubscribe } from './change-feed.js';

/** Enqueues writes that {@link Batch.commit} applies all or nothing, in one transaction. */
export interface Batch {
  /** Enqueues a put of `value` under `key` in the app table `table`. */
  put(table: string, key: IDBValidKey, value: unknown): this;
  /** Enqueues a delete of `key` from the app table `table`. */
  delete(table: string, key: IDBValidKey): this;
  /**
   * Applies everything enqueued, all or nothing, in one IndexedDB transaction.
   * @throws {@link StoreError} code 'conflict' when a tracked `(peerId, entryIdx)` already exists.
   */
  commit(): Promise<void>;
}

/** Reads the app's own records that batches write. */
export interface Table {
  /** Resolves the value under `key`, or `undefined`. */
  get(key: IDBValidKey): Promise<unknown>;
  /** Resolves every `[key, value]`, in key order. */
  getAll(): Promise<Array<[IDBValidKey, unknown]>>;
  /**
   * Calls `listener` after each batch that wrote to this table commits, in any tab (larder's
   * addition). A batch that failed is never reported.
   * @returns a function that stops the calls.
   */
  subscribe(listener: (change: GrowthChange) => void): Unsubscribe;
}

/** A row of a peer's op log: an entry, or the marker of an expunged one. */
export type DecodedEntry<Op> =
  | { kind: 'entry'; timestamp: bigint; serverUserId: string | undefined; op: Op }
  | { kind: 'expunged'; hash: Uint8Array };

/**
 * Per-peer op logs with cursors: Ubiquisync's `LogTracker`.
 *
 * @remarks
 * `(peerId, entryIdx)` is unique within a prefix; a duplicate fails the whole batch at commit.
 */
export interface LogTracker<Op> {
  /**
   * Enqueues an entry into `batch`.
   * @throws {@link StoreError} code 'invalid-argument' synchronously for bad arguments.
   */
  trackOne(
    peerId: string,
    entryIdx: bigint,
    timestamp: bigint,
    serverUserId: string | undefined,
    op: Op,
    batch: Batch,
  ): void;
  /**
   * Enqueues an expunged marker into `batch`.
   * @throws {@link StoreError} code 'invalid-argument' synchronously for bad arguments.
   */
  trackExpunged(peerId: string, entryIdx: bigint, hash: Uint8Array, batch: Batch): void;
  /** Resolves, per peer with rows, the highest recorded `entryIdx + 1n`. */
  allCursors(): Promise<Map<string, bigint>>;
  /** Resolves up to `limit` rows with `entryIdx >= from`, ascending. */
  readEntries(peerId: string, from: bigint, limit: number): Promise<Array<[bigint, DecodedEntry<Op>]>>;
  /**
   * Calls `listener` after each batch that tracked rows of this prefix commits, in any tab
   * (larder's addition); read {@link LogTracker.allCursors} to learn which peers grew.
   * @returns a function that stops the calls.
   */
  subscribe(listener: (change: GrowthChange) => void): Unsubscribe;
}
