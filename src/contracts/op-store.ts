import type { GrowthChange, Unsubscribe } from './change-feed.js';

/** A DHT arc: `null` is empty; `[start, end]` is inclusive and wraps when `start > end`. */
export type DhtArc = null | readonly [start: number, end: number];

/** A stored op: its id and the exact bytes processed. */
export interface MetaOp {
  opId: Uint8Array;
  opData: Uint8Array;
}

/** Options of {@link OpStore}. */
export interface OpStoreOptions {
  /** Extracts an op's id and creation time (microseconds since the epoch) from its bytes.
   *  Default: kitsune2's test op format, decoded by the engine (in its worker, with the worker
   *  engine). A function given here runs on the calling thread: a function cannot cross to a
   *  worker. May throw for undecodable bytes. */
  decodeOp?: (op: Uint8Array) => { opId: Uint8Array; createdAt: number };
}

/** DHT op storage by arc and time slice: kitsune2's `OpStore`. */
export interface OpStore {
  /** Stores ops not stored yet; resolves every op's id in input order. */
  processIncomingOps(ops: Uint8Array[]): Promise<Uint8Array[]>;
  /** Resolves ids of ops in `arc` with `start <= createdAt < end`, and their total size. */
  retrieveOpHashesInTimeSlice(arc: DhtArc, start: number, end: number): Promise<[Uint8Array[], number]>;
  /** Resolves the stored ops among `opIds`, in request order. */
  retrieveOps(opIds: Uint8Array[]): Promise<MetaOp[]>;
  /** Resolves the ids among `opIds` that are not stored, in input order. */
  filterOutExistingOps(opIds: Uint8Array[]): Promise<Uint8Array[]>;
  /** Pages ops in `arc` by `storedAt` under a byte budget; resolves `[ids, totalSize, next]`. */
  retrieveOpIdsBounded(
    arc: DhtArc,
    start: number,
    limitBytes: number,
  ): Promise<[Uint8Array[], number, number]>;
  /** Resolves the smallest `createdAt` in `arc`, or `undefined`. */
  earliestTimestampInArc(arc: DhtArc): Promise<number | undefined>;
  /** Inserts or overwrites a slice hash. */
  storeSliceHash(arc: DhtArc, sliceIndex: number, hash: Uint8Array): Promise<void>;
  /** Resolves the highest stored slice index + 1, or 0. */
  sliceHashCount(arc: DhtArc): Promise<number>;
  /** Resolves one slice hash, or `undefined`. */
  retrieveSliceHash(arc: DhtArc, sliceIndex: number): Promise<Uint8Array | undefined>;
  /** Resolves every `[index, hash]`, ascending by index. */
  retrieveSliceHashes(arc: DhtArc): Promise<Array<[number, Uint8Array]>>;
  /**
   * Calls `listener` after each commit that stored new ops in this space, in any tab (larder's
   * addition); ops that were all stored already are not reported.
   * @returns a function that stops the calls.
   */
  subscribe(listener: (change: GrowthChange) => void): Unsubscribe;
}
