import type { KeySpaceChange, Unsubscribe } from './change-feed.js';

/**
 * A key in a {@link KeySpace}: a path of strings, ordered element by element, so that every key
 * that starts with a prefix forms one contiguous range (automerge-repo's `StorageKey`).
 */
export type KeyPath = readonly string[];

/** One entry of a {@link KeySpace} range read. */
export interface KeyEntry {
  /** The entry's full key, a fresh array. */
  key: string[];
  /** The stored bytes, byte-identical to what was put. */
  data: Uint8Array;
}

/** How {@link KeySpace.getRange} orders its result. */
export interface KeyRangeOptions {
  /**
   * 'key' (default): key order. 'written': the order in which each entry was last written,
   * by the writing engine's clock (across tabs only as exact as the machine's clock); this is
   * the insertion order that automerge-repo's acceptance suite expects of `loadRange`.
   */
  order?: 'key' | 'written';
}

/**
 * An ordered binary key-value space with prefix ranges: the engine part under the
 * automerge-repo adapter and the Yjs provider.
 *
 * @remarks
 * Writes (`put`, `delete`, `deleteRange`) go through the store's write-behind queue, like a
 * Persister's: coalesced, committed at the latest after `writeBehind.maxDelayMs`, flushed when
 * the page hides, and covered by {@link KeySpace.flush} and `store.flush()`. Reads see every
 * earlier write of the same store, buffered or not. Each range read and each range delete runs
 * in one transaction. Key spaces of different names never see each other's keys.
 */
export interface KeySpace {
  /** Resolves the value of `key`, or `undefined`. */
  get(key: KeyPath): Promise<Uint8Array | undefined>;
  /**
   * Stores `data` under `key`, replacing any value; buffered.
   * @throws {@link StoreError} code 'invalid-argument' for an empty key, a non-string element or
   * a non-`Uint8Array` value; nothing is written then.
   */
  put(key: KeyPath, data: Uint8Array): Promise<void>;
  /** Removes `key`; an absent key is not an error. Buffered. */
  delete(key: KeyPath): Promise<void>;
  /**
   * Resolves every entry whose key starts with `prefix` (every entry for `[]`), each once, in
   * key order, or in the order of their latest writes with `{ order: 'written' }`.
   * @remarks
   * The values of one result may be views of one buffer: copy one before transferring it.
   */
  getRange(prefix: KeyPath, options?: KeyRangeOptions): Promise<KeyEntry[]>;
  /**
   * Removes every entry whose key starts with `prefix` (everything for `[]`), atomically.
   * @remarks
   * Unlike the other writes it does not wait out the write-behind delay: it commits at once,
   * together with every write made before it, and resolves when that commit is done. So an
   * entry that another tab writes after it resolved is never removed by it. A failed commit
   * rejects it; it then stays buffered and is retried like any write.
   */
  deleteRange(prefix: KeyPath): Promise<void>;
  /**
   * Commits everything buffered for this store durably.
   * @returns the number of bytes committed, 0 when nothing was pending.
   */
  flush(): Promise<number>;
  /**
   * Calls `listener` after each commit that changed keys of this space, in any tab, with
   * prefixes covering those keys.
   * @returns a function that stops the calls.
   */
  subscribe(listener: (change: KeySpaceChange) => void): Unsubscribe;
}
