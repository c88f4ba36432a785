import * as Y from 'yjs';
import type { KeySpace } from '../contracts/key-space.js';
import type { Store } from '../contracts/store.js';
import { StoreError, toStoreError } from '../store-error.js';
import { applyInSlices } from './apply-in-slices.js';
import { DocChannel, type StoredNotice } from './doc-channel.js';
import { decodeMetaValue, encodeMetaKey, encodeMetaValue, type MetaKey } from './metadata-codec.js';
import { Observable } from './observable.js';
import { clearStored } from './clear-document.js';
import { Compactor } from './compactor.js';
import {
  holdStore,
  resolveOptions,
  type HeldStore,
  type LarderPersistenceOptions,
  type ResolvedOptions,
} from './larder-persistence-options.js';
import { UpdateLog } from './update-log.js';
import { sendAllWaiting, UpdateSender } from './update-sender.js';

/** The events of a {@link LarderPersistence}, as lib0's Observable names them. */
export interface LarderPersistenceEvents {
  /** The stored updates have been applied to the document. Emitted once. */
  synced: (provider: LarderPersistence) => void;
  /**
   * Every update the document had when the provider began to wait is committed: by
   * `whenStored()` (strictly), or by the store's write-behind `storeDelayMs` after an update
   * (a relaxed commit: it survives a tab crash, and a browser kill in practice).
   */
  stored: (provider: LarderPersistence) => void;
}

/**
 * Persists a `Y.Doc` in a larder store, with the shape of y-indexeddb's `IndexeddbPersistence`.
 *
 * @remarks
 * Loading applies every stored update and writes nothing, unless the document already had
 * content of its own that storage lacks. Each update of the document is stored as it happens,
 * through the store's write-behind; updates this provider applied from storage are not stored
 * again. Past {@link LarderPersistenceOptions.compactBytes}, one tab at a time (a Web Lock)
 * merges the stored updates into one, deleting exactly the keys it read. Other tabs with the
 * same document open receive each other's updates through storage.
 *
 * @example
 * ```ts
 * import { LarderPersistence } from 'larder-kit/yjs';
 * const provider = new LarderPersistence('my-doc', ydoc);
 * await provider.whenSynced;
 * ydoc.getText('t').insert(0, 'hello');
 * await provider.whenStored(); // committed
 * ```
 */
export class LarderPersistence extends Observable<LarderPersistenceEvents> {
  /** The document. */
  readonly doc: Y.Doc;
  /** The document's name in the store. */
  readonly name: string;
  /** Whether the stored updates have been applied. */
  synced = false;
  /**
   * Resolves once the stored updates have been applied; rejects with a {@link larder-kit!StoreError}
   * (code 'closed' when the provider was destroyed first).
   */
  readonly whenSynced: Promise<LarderPersistence>;

  readonly #options: LarderPersistenceOptions;
  /** The options checked, once `#ks` resolved. */
  #settings: ResolvedOptions | undefined;
  readonly #ks: Promise<KeySpace>;
  /** The store, once `#ks` resolved. */
  #openStore: Store | undefined;
  readonly #release: () => Promise<void>;
  #log: UpdateLog | undefined;
  #compactor: Compactor | undefined;
  #channel: DocChannel | undefined;
  /** Ids written since the last commit that other tabs were told about. */
  #unannounced: { id: string; bytes: number }[] = [];
  #sender: UpdateSender | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Compactions and notices, one at a time. */
  #serial: Promise<void> = Promise.resolve();
  #destroyed: Promise<void> | undefined;

  /**
   * Starts loading document `name` into `doc`.
   *
   * @param name - the document's name.
   * @param doc - the Yjs document to load into and persist.
   * @param options - the store, or a store name and options; compaction and commit delay.
   */
  constructor(name: string, doc: Y.Doc, options: LarderPersistenceOptions = {}) {
    super();
    this.doc = doc;
    this.name = name;
    this.#options = options;
    let held: HeldStore | undefined;
    this.#release = () => held?.release() ?? Promise.resolve();
    this.#ks = (async () => {
      if (typeof name !== 'string') throw new StoreError('invalid-argument', 'name must be a string');
      if (!(doc instanceof Y.Doc)) throw new StoreError('invalid-argument', 'doc must be a Y.Doc');
      const settings = resolveOptions(options);
      held = holdStore(options);
      const store = await held.store;
      const ks = store.keySpace(settings.keySpace);
      this.#openStore = store;
      this.#settings = settings;
      return ks;
    })();
    this.#ks.catch(() => undefined);
    this.whenSynced = this.#load();
    // Settles for everyone; an app that never awaits it must not see an unhandled rejection.
    this.whenSynced.catch(() => undefined);
    // Not a Y.Doc: whenSynced has rejected with invalid-argument; nothing to listen to.
    if (!(doc instanceof Y.Doc)) return;
    doc.on('update', this.#onUpdate);
    doc.on('destroy', this.#onDocDestroy);
  }

  async #load(): Promise<LarderPersistence> {
    try {
      const ks = await this.#ks;
      this.#check();
      const { storeName, keySpace, compactBytes } = this.#settings as ResolvedOptions;
      const log = new UpdateLog(ks, this.name);
      // What the document holds before it is loaded (y-indexeddb stores all of it on every load).
      const own = this.doc.store.clients.size > 0 ? Y.encodeStateAsUpdate(this.doc) : undefined;
      this.#log = log;
      const lockName = JSON.stringify(['larder/yjs compaction', storeName, keySpace, this.name]);
      const compactor = new Compactor(log, this.name, lockName, compactBytes, {
        readAll: () => this.#readAll(log),
        apply: (updates) => this.#apply(updates),
        state: () => Y.encodeStateAsUpdate(this.doc),
        queue: (task) => this.#queue(task),
        flush: () => ks.flush(),
        post: (notice) => this.#channel?.post(notice),
      });
      this.#compactor = compactor;
      this.#sender = new UpdateSender(log, (id, bytes) => {
        this.#unannounced.push({ id, bytes });
        compactor.maybeCompact();
      });
      const { fresh } = await this.#readAll(log);
      this.#check();
      await applyInSlices(this.doc, fresh, this, () => this.#destroyed !== undefined);
      this.#check();
      if (own !== undefined) {
        const missing = missingFrom(own, fresh);
        if (missing !== undefined) this.#store(missing);
      }
      this.#channel = new DocChannel(JSON.stringify(['larder/yjs', storeName, keySpace]), (n) =>
        this.#receive(n),
      );
      this.synced = true;
      this.emit('synced', [this]);
      return this;
    } catch (e) {
      throw toStoreError(e);
    }
  }

  /** Reads every stored update, after sending what the page's providers hold back. */
  #readAll(log: UpdateLog): ReturnType<UpdateLog['readAll']> {
    sendAllWaiting();
    return log.readAll();
  }

  readonly #onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.#log === undefined || this.#destroyed !== undefined) return;
    this.#store(update);
  };

  readonly #onDocDestroy = (): void => {
    void this.destroy();
  };

  #store(update: Uint8Array): void {
    (this.#sender as UpdateSender).push(update);
    this.#timer ??= setTimeout(
      () => {
        this.#timer = undefined;
        this.#commit('write-behind').catch(() => undefined);
      },
      (this.#settings as ResolvedOptions).storeDelayMs,
    );
  }

  #apply(updates: Uint8Array[]): void {
    if (updates.length === 0) return;
    Y.transact(this.doc, () => updates.forEach((u) => Y.applyUpdate(this.doc, u)), this, false);
  }

  /** Commits what is buffered, then tells the other tabs and emits 'stored'. */
  /**
   * Waits until what is sent is committed, then tells the other tabs and emits 'stored'.
   * @param how - 'flush' commits now (strictly); 'write-behind' waits for the store's own
   * commit, so that typing does not force a strict commit every `storeDelayMs`.
   */
  async #commit(how: 'flush' | 'write-behind'): Promise<void> {
    const ks = await this.#ks;
    let batch: { id: string; bytes: number }[] = [];
    try {
      await this.#sender?.sent();
      batch = this.#unannounced;
      this.#unannounced = [];
      if (how === 'flush') await ks.flush();
      else await (this.#openStore as Store).receipt().committed();
    } catch (e) {
      this.#unannounced = batch.concat(this.#unannounced);
      throw toStoreError(e);
    }
    if (batch.length > 0) {
      this.#channel?.post({
        doc: this.name,
        ids: batch.map((b) => b.id),
        sizes: batch.map((b) => b.bytes),
        replaces: [],
      });
    }
    this.emit('stored', [this]);
  }

  /**
   * Resolves once every update the document had when it was called is committed durably, and
   * a compaction under way has finished (larder's addition: y-indexeddb has no way to tell).
   * Emits 'stored' too.
   * @throws {@link larder-kit!StoreError} when loading or a write failed; code 'closed' after destroy().
   */
  async whenStored(): Promise<void> {
    if (this.#destroyed !== undefined) throw new StoreError('closed', 'the provider was destroyed');
    await this.whenSynced;
    // Sent first: what it writes may start a compaction, which this waits for too.
    this.#sender?.send();
    await this.#compactor?.idle;
    await this.#commit('flush');
  }

  /**
   * Applies the updates that other providers stored and this one has not applied yet. Notices
   * between tabs do this on their own; this is for a tab that cannot receive them.
   */
  fetchUpdates(): Promise<void> {
    return this.#queue(async () => {
      const { fresh } = await this.#readAll(this.#log as UpdateLog);
      this.#apply(fresh);
    });
  }

  #receive(notice: StoredNotice): void {
    if (notice.doc !== this.name) return;
    this.#queue(async () => {
      const log = this.#log as UpdateLog;
      const [merged] = notice.ids;
      if (notice.replaces.length > 0 && merged !== undefined) {
        const bytes = notice.sizes[0] ?? 0;
        this.#compactor?.noteMerged(bytes);
        if (log.replace(notice.replaces, merged, bytes)) return;
      }
      this.#apply(await log.fetch(notice.ids));
      // Another tab's updates count too: past the threshold, this tab may merge them.
      this.#compactor?.maybeCompact();
    }).catch(() => undefined);
  }

  #queue(task: () => Promise<void>): Promise<void> {
    const run = this.#serial.then(async () => {
      if (this.#destroyed !== undefined) throw new StoreError('closed', 'the provider was destroyed');
      await task();
    });
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /**
   * Stores a custom value under `key`, beside the document (buffered).
   * @param key - a string, number, Date, binary or array of those, as IndexedDB keys are.
   * @param value - anything structured clone takes, except cycles.
   * @returns `key`, as y-indexeddb's does.
   * @throws {@link larder-kit!StoreError} code 'invalid-argument' for a bad key or value; nothing is written.
   */
  set(key: MetaKey, value: unknown): Promise<MetaKey> {
    return this.#meta(async (ks) => {
      await ks.put([this.name, 'm', encodeMetaKey(key)], encodeMetaValue(value));
      return key;
    });
  }

  /** Resolves the custom value under `key`, or `undefined`. */
  get(key: MetaKey): Promise<unknown> {
    return this.#meta(async (ks) => {
      const bytes = await ks.get([this.name, 'm', encodeMetaKey(key)]);
      return bytes === undefined ? undefined : decodeMetaValue(bytes);
    });
  }

  /** Removes the custom value under `key`. */
  del(key: MetaKey): Promise<undefined> {
    return this.#meta(async (ks) => {
      await ks.delete([this.name, 'm', encodeMetaKey(key)]);
      return undefined;
    });
  }

  async #meta<T>(f: (ks: KeySpace) => Promise<T>): Promise<T> {
    try {
      // One `then` per call on the same promise: calls reach the key space in call order.
      const ks = await this.#ks;
      if (this.#destroyed !== undefined) throw new StoreError('closed', 'the provider was destroyed');
      return await f(ks);
    } catch (e) {
      throw toStoreError(e);
    }
  }

  /**
   * Stops persisting the document (updates already made are still committed) and releases the
   * store. Called when the document is destroyed.
   */
  override destroy(): Promise<void> {
    return this.#shutdown(async () => undefined);
  }

  /** Destroys the provider and deletes the document's updates and custom values. */
  async clearData(): Promise<void> {
    if (this.#destroyed === undefined) return this.#shutdown((ks) => clearStored(ks, this.name));
    // Destroyed before: the store may be closed, so open it again, as y-indexeddb deletes its
    // database by name.
    await this.#destroyed.catch(() => undefined);
    const { store, release } = holdStore(this.#options);
    try {
      await clearStored((await store).keySpace(resolveOptions(this.#options).keySpace), this.name);
    } catch (e) {
      throw toStoreError(e);
    } finally {
      await release();
    }
  }

  #shutdown(last: (ks: KeySpace) => Promise<void>): Promise<void> {
    if (this.#destroyed !== undefined) return this.#destroyed;
    clearTimeout(this.#timer);
    if (this.doc instanceof Y.Doc) {
      this.doc.off('update', this.#onUpdate);
      this.doc.off('destroy', this.#onDocDestroy);
    }
    this.#channel?.close();
    this.#sender?.close();
    this.#destroyed = (async () => {
      try {
        await this.whenSynced.catch(() => undefined);
        await this.#compactor?.idle;
        await this.#serial;
        await this.#sender?.sent().catch(() => undefined);
        const ks = await this.#ks.catch(() => undefined);
        if (ks !== undefined) await last(ks);
      } catch (e) {
        throw toStoreError(e);
      } finally {
        await this.#release();
      }
    })();
    return this.#destroyed;
  }

  #check(): void {
    if (this.#destroyed !== undefined) throw new StoreError('closed', 'the provider was destroyed');
  }
}

/**
 * What of `own` (a document's state before loading) the `stored` updates lack, or undefined
 * when they hold all of it. Deletions are compared by state only: a document that deleted
 * stored content before loading stores its delete set again.
 */
function missingFrom(own: Uint8Array, stored: Uint8Array[]): Uint8Array | undefined {
  if (stored.length === 0) return own;
  const diff = Y.diffUpdate(own, Y.encodeStateVectorFromUpdate(Y.mergeUpdates(stored)));
  const { structs, ds } = Y.decodeUpdate(diff);
  return structs.length === 0 && ds.clients.size === 0 ? undefined : diff;
}
