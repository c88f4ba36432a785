import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import type { KeySpace } from '../contracts/key-space.js';
import type { Store, StoreOptions } from '../contracts/store.js';
import { openStore } from '../open-store.js';
import { StoreError } from '../store-error.js';

/** Where a {@link LarderStorageAdapter} keeps its chunks. */
export interface LarderStorageAdapterOptions {
  /** The store's key space to use. Default 'automerge-repo'; give each Repo on one store its own. */
  space?: string;
}

/** The key space a {@link LarderStorageAdapter} uses unless told otherwise. */
export const DEFAULT_SPACE = 'automerge-repo';

/**
 * automerge-repo's storage on a larder store: every `StorageKey` is a key path of one of the
 * store's key spaces, so a chunk load, a prefix range and a prefix delete are each one engine
 * call, and saves ride the store's write-behind (committed within `writeBehind.maxDelayMs`, on
 * hide, and by `flush()`).
 *
 * @remarks
 * `loadRange` returns chunks in the order they were last saved, which is the order
 * automerge-repo's own acceptance suite checks (automerge-repo itself does not depend on it).
 * `removeRange` commits at once, so a chunk saved in another tab after it resolved survives.
 * Values come back byte-identical; the arrays passed to `save` are copied, never kept or
 * detached.
 *
 * @example
 * ```ts
 * import { Repo } from '@automerge/automerge-repo';
 * import { LarderStorageAdapter } from 'larder-kit/automerge-repo';
 *
 * const repo = new Repo({ storage: await LarderStorageAdapter.open('my-app'), network: [] });
 * ```
 */
export class LarderStorageAdapter implements StorageAdapterInterface {
  /** The store the chunks live in. */
  readonly store: Store;
  readonly #space: KeySpace;
  /** Whether {@link LarderStorageAdapter.open} opened the store, so that close() closes it. */
  #owned = false;

  /**
   * Uses an open store; closing it stays the caller's business.
   *
   * @param store - an open larder store.
   * @param options - which key space to use.
   * @throws {@link larder-kit!StoreError} code 'invalid-argument' when `store` is not a larder store or
   * `options.space` is not a string.
   */
  constructor(store: Store, options: LarderStorageAdapterOptions = {}) {
    if (typeof (store as Partial<Store> | null)?.keySpace !== 'function') {
      throw new StoreError('invalid-argument', 'LarderStorageAdapter needs an open larder Store');
    }
    this.store = store;
    this.#space = store.keySpace(options.space ?? DEFAULT_SPACE);
  }

  /**
   * Opens the store `name` and an adapter on it; {@link LarderStorageAdapter.close} closes both.
   *
   * @param name - the store's name.
   * @param options - the store's options, and which key space to use.
   * @returns the adapter.
   * @throws {@link larder-kit!StoreError} as `openStore` does.
   */
  static async open(
    name: string,
    options: StoreOptions & LarderStorageAdapterOptions = {},
  ): Promise<LarderStorageAdapter> {
    const { space, ...storeOptions } = options;
    const store = await openStore(name, storeOptions);
    try {
      const adapter = new LarderStorageAdapter(store, space === undefined ? {} : { space });
      adapter.#owned = true;
      return adapter;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /** Resolves the chunk under `key`, or `undefined`. */
  load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#space.get(key);
  }

  /** Stores `data` under `key`, replacing any chunk there. */
  save(key: StorageKey, data: Uint8Array): Promise<void> {
    return this.#space.put(key, data);
  }

  /** Removes the chunk under `key`; an absent one is not an error. */
  remove(key: StorageKey): Promise<void> {
    return this.#space.delete(key);
  }

  /** Resolves every chunk whose key starts with `keyPrefix` (every chunk for `[]`), each once. */
  loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    return this.#space.getRange(keyPrefix, { order: 'written' });
  }

  /** Removes every chunk whose key starts with `keyPrefix` (every chunk for `[]`), atomically. */
  removeRange(keyPrefix: StorageKey): Promise<void> {
    return this.#space.deleteRange(keyPrefix);
  }

  /** Commits every buffered save of the store durably. */
  async flush(): Promise<void> {
    await this.store.flush();
  }

  /** Flushes; closes the store too when {@link LarderStorageAdapter.open} opened it. */
  async close(): Promise<void> {
    if (this.#owned) await this.store.close();
    else await this.store.flush();
  }
}
