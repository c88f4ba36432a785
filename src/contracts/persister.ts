import type { DocumentChange, Unsubscribe } from './change-feed.js';

/** Byte totals of what one {@link Persister} holds. */
export interface StoredSizes {
  /** Sum of the stored changes' lengths. */
  changes: number;
  /** The document's length, 0 when none is stored. */
  document: number;
  /** Sum of the stored sync states' lengths. */
  syncStates: number;
}

/**
 * The storage of one Automerge document: automerge-persistent's `Persister`.
 *
 * @remarks
 * A persister is a namespace: persisters of different docIds never see each other's data.
 * Writes may be buffered (write-behind); reads always see every earlier write of the same store.
 */
export interface Persister {
  /** Resolves every stored change, in no particular order. */
  getChanges(): Promise<Uint8Array[]>;
  /**
   * Upserts changes keyed by `(actorId, seq)`; the last write of a key wins, also within one call.
   * Resolves once the changes are checked, copied and queued for the engine (buffered, not yet
   * committed: see `store.receipt()` and `flush()`); reads made after it see them.
   * @remarks `actorId` is any non-empty string; `seq` a non-negative safe integer.
   * @throws {@link StoreError} code 'invalid-argument' for a bad key or a non-`Uint8Array` change.
   */
  insertChanges(
    changes: ReadonlyArray<readonly [actorId: string, seq: number, change: Uint8Array]>,
  ): Promise<void>;
  /** Removes changes by key; an absent key is not an error. */
  removeChanges(changes: ReadonlyArray<readonly [actorId: string, seq: number]>): Promise<void>;
  /** Resolves the stored document, or `undefined` before the first {@link Persister.setDocument}. */
  getDocument(): Promise<Uint8Array | undefined>;
  /** Replaces the stored document; an empty array is stored as an empty document. */
  setDocument(data: Uint8Array): Promise<void>;
  /** Resolves the sync state stored for a peer, or `undefined`. */
  getSyncState(peerId: Uint8Array): Promise<Uint8Array | undefined>;
  /** Stores the sync state of a peer, whose id is any bytes. */
  setSyncState(peerId: Uint8Array, syncState: Uint8Array): Promise<void>;
  /** Removes the sync states of these peers; absent peers are not an error. */
  removeSyncStates(peerIds: ReadonlyArray<Uint8Array>): Promise<void>;
  /** Resolves the ids of every peer that has a sync state, in no particular order. */
  getPeerIds(): Promise<Uint8Array[]>;
  /** Resolves exact byte totals of what this document holds. */
  sizes(): Promise<StoredSizes>;
  /**
   * Commits everything buffered for this store durably.
   * @returns the number of bytes committed, 0 when nothing was pending.
   */
  flush(): Promise<number>;
  /**
   * Calls `listener` after each commit that changed this document, in any tab (larder's
   * addition: see `Store.subscribe` for delivery).
   * @returns a function that stops the calls.
   * @throws {@link StoreError} code 'invalid-argument' when `listener` is not a function.
   */
  subscribe(listener: (change: DocumentChange) => void): Unsubscribe;
}
