import type { Store, StoreOptions } from '../contracts/store.js';
import { StoreError } from '../store-error.js';
import { acquireStore } from './shared-store.js';

/** Where {@link LarderPersistence} keeps a document, and when it commits and compacts. */
export interface LarderPersistenceOptions {
  /** An open store to keep the document in. The provider never closes it. */
  store?: Store;
  /**
   * Without `store`: the name of the store to open (default 'larder-yjs'). Providers in one
   * page share a store of one name; the last one destroyed closes it.
   */
  name?: string;
  /** Without `store`: how to open it (the first provider's options win). */
  options?: StoreOptions;
  /** The store's key space that holds the documents (default 'yjs'). */
  keySpace?: string;
  /**
   * Merge the stored updates of the document into one when they pass this many bytes (and
   * have doubled since the last merge, so that a large document is not rewritten on every
   * keystroke). Default 64 KiB, some 3,000 single-character updates: a load applies every
   * stored update on the main thread, so fewer, larger ones load faster. `Infinity` never
   * merges.
   */
  compactBytes?: number;
  /**
   * How long after a local update the provider waits for the store's next commit (its
   * write-behind, at most `writeBehind.maxDelayMs` later), then emits 'stored' and tells the
   * other tabs (default 50 ms). `whenStored()` commits at once instead.
   */
  storeDelayMs?: number;
}

/** {@link LarderPersistenceOptions} checked, with defaults. */
export interface ResolvedOptions {
  storeName: string;
  keySpace: string;
  compactBytes: number;
  storeDelayMs: number;
}

/** An open (or opening) store, and how to let go of it. */
export interface HeldStore {
  store: Promise<Store>;
  release: () => Promise<void>;
}

const DEFAULT_STORE = 'larder-yjs';

/**
 * Checks `options` and fills in the defaults.
 * @throws {@link StoreError} code 'invalid-argument' for a bad option.
 */
export function resolveOptions(options: LarderPersistenceOptions): ResolvedOptions {
  const bad = (message: string): never => {
    throw new StoreError('invalid-argument', message);
  };
  if (typeof options !== 'object' || options === null) bad('options must be an object');
  const { store, name, keySpace = 'yjs', compactBytes = 64 * 1024, storeDelayMs = 50 } = options;
  if (store !== undefined && (typeof store !== 'object' || typeof store.keySpace !== 'function')) {
    bad('options.store must be an open larder Store');
  }
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    bad('options.name must be a non-empty string');
  if (typeof keySpace !== 'string') bad('options.keySpace must be a string');
  if (typeof compactBytes !== 'number' || !(compactBytes >= 0))
    bad('options.compactBytes must be a number ≥ 0');
  if (typeof storeDelayMs !== 'number' || !(storeDelayMs >= 0 && storeDelayMs <= 2 ** 31 - 1)) {
    bad('options.storeDelayMs must be a number of milliseconds ≥ 0');
  }
  return { storeName: store?.name ?? name ?? DEFAULT_STORE, keySpace, compactBytes, storeDelayMs };
}

/** The store of `options`: the one given, or one opened (or shared) by name. */
export function holdStore(options: LarderPersistenceOptions): HeldStore {
  if (options.store !== undefined) {
    return { store: Promise.resolve(options.store), release: async () => undefined };
  }
  return acquireStore(options.name ?? DEFAULT_STORE, options.options);
}
