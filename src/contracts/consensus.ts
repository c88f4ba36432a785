import type { ConsensusChange, Unsubscribe } from './change-feed.js';

/** One version of a consensus key. */
export interface VersionedData {
  /** The version number, `0n ..= 2n ** 63n - 1n`. */
  seqno: bigint;
  /** The stored bytes. */
  data: Uint8Array;
}

/** The outcome of {@link Consensus.compareAndSet}: a mismatch is a result, not an error. */
export type CaSResult = 'committed' | 'expectation-mismatch';

/**
 * A compare-and-set log of versioned blobs per key: Materialize's `Consensus`.
 *
 * @remarks
 * Linearizable across every connection to the store, tabs and workers included.
 */
export interface Consensus {
  /** Resolves every key that ever committed, each once, in no particular order. */
  listKeys(): Promise<string[]>;
  /** Resolves the highest-seqno version of `key`, or `undefined`. */
  head(key: string): Promise<VersionedData | undefined>;
  /**
   * Appends `next` when the current head's seqno is `expected` (`undefined`: no data yet).
   * @returns `'committed'` (durably), or `'expectation-mismatch'` having written nothing.
   * @throws {@link StoreError} code 'invalid-argument' when `next.seqno <= expected` or out of range.
   */
  compareAndSet(key: string, expected: bigint | undefined, next: VersionedData): Promise<CaSResult>;
  /** Resolves up to `limit` versions with `seqno >= from`, ascending. */
  scan(key: string, from: bigint, limit: number): Promise<VersionedData[]>;
  /**
   * Deletes every version below `seqno`; never the head.
   * @returns how many versions were deleted.
   * @throws {@link StoreError} code 'invalid-argument' for a key with no data or `seqno` past the head.
   */
  truncate(key: string, seqno: bigint): Promise<number>;
  /**
   * Calls `listener` for each key whose head advanced, after its compare-and-set committed, in
   * any tab (larder's addition). A compare-and-set that did not match is never reported.
   * @returns a function that stops the calls.
   */
  subscribe(listener: (change: ConsensusChange) => void): Unsubscribe;
}
