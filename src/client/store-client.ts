import type { Consensus } from '../contracts/consensus.js';
import type { KeySpace } from '../contracts/key-space.js';
import type { LogStatePersistence } from '../contracts/log-state.js';
import type { StoreChange, Unsubscribe } from '../contracts/change-feed.js';
import type { Lease, LeaseOptions } from '../contracts/lease.js';
import type { StorageHealth } from '../contracts/storage-health.js';
import type { BackupSource, ImportOptions, ImportResult } from '../contracts/backup.js';
import type { Batch, LogTracker, Table } from '../contracts/log-tracker.js';
import type { OpStore, OpStoreOptions } from '../contracts/op-store.js';
import type { Persister } from '../contracts/persister.js';
import type { SaveStatus, Store, StoreEvents, StoreStats, WriteReceipt } from '../contracts/store.js';
import { databaseName } from '../engine/database-name.js';
import type { EngineApi } from '../engine/engine-api.js';
import type { MarkTransfer } from '../engine/transfer.js';
import type { EngineEvent } from '../protocol.js';
import { fromWireError, StoreError, toStoreError } from '../store-error.js';
import { runBeforeFlush } from './before-flush.js';
import { createBatchClient } from './batch-client.js';
import { ChangeFeedClient } from './change-feed-client.js';
import type { HeldLeaseClient } from './held-lease.js';
import type { LeaseClient, LeaseHost } from './lease-client.js';
import { checkLeaseOptions } from './lease-options.js';
import { createClientContext, type ClientContext } from './client-context.js';
import { createConsensusClient } from './consensus-client.js';
import { Emitter } from './emitter.js';
import { createKeySpaceClient } from './key-space-client.js';
import { listenForHide } from './listen-for-hide.js';
import { createLogStateClient } from './log-state-client.js';
import { checkOpStoreOptions } from './op-store-options.js';
import { createPersisterClient } from './persister-client.js';
import { createTableClient } from './table-client.js';
import { guardUnload } from './unload-grace.js';
import { WriteTracker } from './write-tracker.js';
import { loadPart } from './load-part.js';
import { checkIndex, checkString, invalid } from './validate.js';

/** The storage health code, loaded on first use: few pages ask for it, and not at start. */
const loadHealth = () => loadPart('storage health', () => import('./storage-health-client.js'));

/** Every type of {@link StoreEvents}, to check `on`'s argument. */
const EVENT_TYPES: ReadonlySet<string> = new Set<keyof StoreEvents>([
  'saved',
  'commit-error',
  'engine-lost',
  'storage-lost',
  'corruption',
]);

/**
 * The {@link Store} that callers hold: the same code over the inline engine and over the
 * worker, since both are an {@link EngineApi}.
 *
 * @remarks
 * The store tracks each buffered write it sent by the id the engine gave it, until an engine
 * commit report covers that id. That is how it knows, without polling, whether anything is
 * unsaved (for the unload guard), and exactly which acknowledged writes a lost worker or a
 * lost database took with it.
 */
export class StoreClient implements Store {
  readonly name: string;
  readonly storageId: string;
  readonly #api: EngineApi;
  /**
   * The engine's members, taken once: reading a member of a released remote throws, and the
   * clients made after close() must still reject with 'closed' rather than throw.
   */
  readonly #parts: Pick<
    EngineApi,
    'persister' | 'consensus' | 'logState' | 'logTracker' | 'opStore' | 'keySpace'
  >;
  readonly #ctx: ClientContext;
  readonly #dispose: () => void;
  readonly #unlisten: () => void;
  readonly #events = new Emitter<StoreEvents>();
  #closing: Promise<void> | undefined;
  #failure: StoreError | undefined;
  readonly #writes = new WriteTracker((status) => this.#events.emit('saved', status));
  readonly #feed: ChangeFeedClient;
  /** The leases this store holds: closing the store ends them. */
  readonly #leases = new Set<HeldLeaseClient>();

  /**
   * @param name - the store name.
   * @param api - the engine, inline or remote.
   * @param mark - how argument buffers are marked for transfer.
   * @param dispose - releases the transport after the engine closed.
   * @param flushOnHide - whether to flush when the page is hidden.
   * @param storageId - the database's storage id.
   * @param feedSource - the engine's id in change-feed notices.
   */
  constructor(
    name: string,
    api: EngineApi,
    mark: MarkTransfer,
    dispose: () => void,
    flushOnHide: boolean,
    storageId: string,
    feedSource: string,
  ) {
    this.name = name;
    this.storageId = storageId;
    this.#feed = new ChangeFeedClient(name, feedSource);
    this.#api = api;
    const { persister, consensus, logState, logTracker, opStore, keySpace } = api;
    this.#parts = { persister, consensus, logState, logTracker, opStore, keySpace };
    this.#dispose = dispose;
    this.#ctx = createClientContext(mark, {
      failure: () => this.#failure,
      sendWrites: (writes, transfers) => api.write(mark(writes, transfers)),
      track: (done, writes) => this.#writes.track(done, writes),
      acknowledged: (bytes) => this.#writes.acknowledged(bytes),
    });
    if (flushOnHide) {
      const unlistenHidden = listenForHide((event) => {
        if (event === 'hidden') this.#flushSoon();
      });
      const unguard = guardUnload({ flush: () => this.#flushSoon(), unsaved: () => this.#hasUnsaved() });
      this.#unlisten = () => {
        unlistenHidden();
        unguard();
      };
    } else {
      this.#unlisten = () => undefined;
    }
  }

  /**
   * Takes an engine event: the store's transport calls this for every event the engine sends.
   *
   * @param event - what the engine reported.
   */
  onEngineEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'committed':
        this.#writes.committed(event.through, event.durability);
        break;
      case 'commit-error':
        this.#events.emit('commit-error', {
          error: fromWireError(event.error),
          pendingBytes: event.pendingBytes,
        });
        break;
      case 'storage-lost':
        this.#fail('storage-lost', fromWireError(event.error));
        break;
      case 'corruption':
        this.#events.emit('corruption', event.record);
        break;
    }
  }

  /**
   * Takes the news that the engine is gone (its worker failed or died): every later call
   * rejects with `error`, and listeners learn which acknowledged writes were not committed.
   *
   * @param error - a StoreError of code 'engine-lost'.
   */
  onEngineLost(error: StoreError): void {
    this.#fail('engine-lost', error);
  }

  #fail(type: 'engine-lost' | 'storage-lost', error: StoreError): void {
    if (this.#failure !== undefined && this.#failure.code !== 'closed') return;
    this.#failure = error;
    const lostWrites = this.#writes.fail(error);
    this.#unlisten();
    this.#events.emit(type, { error, lostWrites });
  }

  #hasUnsaved(): boolean {
    return this.#writes.hasUnsaved();
  }

  #flushSoon(): void {
    // A failed flush keeps its writes buffered in the engine; 'commit-error' reports it.
    if (this.#failure === undefined && this.#hasUnsaved()) this.flush().catch(() => undefined);
  }

  persister(docId: string): Persister {
    checkString(docId, 'docId', true);
    const subscribe = this.#feed.document(docId);
    return createPersisterClient(this.#parts.persister, docId, this.#ctx, () => this.flush(), subscribe);
  }

  consensus(): Consensus {
    return createConsensusClient(this.#parts.consensus, this.#ctx, this.#feed.consensus());
  }

  logState(): LogStatePersistence {
    return createLogStateClient(this.#parts.logState, this.#ctx, this.#feed.logStates());
  }

  logTracker<Op = unknown>(prefix: string): Promise<LogTracker<Op>> {
    return this.#ctx.call(async () => {
      checkString(prefix, 'prefix');
      const [{ createLogTrackerClient }] = await Promise.all([
        loadPart('log tracker', () => import('./log-tracker-client.js')),
        this.#parts.logTracker.init(),
      ]);
      const subscribe = this.#feed.growth('logs', prefix);
      return createLogTrackerClient<Op>(this.#parts.logTracker, prefix, this.#ctx, subscribe);
    });
  }

  table(name: string): Table {
    checkString(name, 'name');
    return createTableClient(this.#parts.logTracker, name, this.#ctx, this.#feed.growth('tables', name));
  }

  batch(): Batch {
    return createBatchClient(this.#parts.logTracker, this.#ctx);
  }

  opStore(space: string, options?: OpStoreOptions): OpStore {
    checkString(space, 'space');
    const decodeOp = checkOpStoreOptions(options);
    const subscribe = this.#feed.growth('opSpaces', space);
    // The op store client (op decoding, DHT arcs) loads on the space's first call.
    let client: Promise<OpStore> | undefined;
    const loaded = () =>
      (client ??= loadPart('op store', () => import('./op-store-client.js')).then(({ createOpStoreClient }) =>
        createOpStoreClient(this.#parts.opStore, space, decodeOp, this.#ctx, subscribe),
      ));
    return {
      subscribe,
      processIncomingOps: async (ops) => (await loaded()).processIncomingOps(ops),
      retrieveOpHashesInTimeSlice: async (arc, start, end) =>
        (await loaded()).retrieveOpHashesInTimeSlice(arc, start, end),
      retrieveOps: async (opIds) => (await loaded()).retrieveOps(opIds),
      filterOutExistingOps: async (opIds) => (await loaded()).filterOutExistingOps(opIds),
      retrieveOpIdsBounded: async (arc, start, limitBytes) =>
        (await loaded()).retrieveOpIdsBounded(arc, start, limitBytes),
      earliestTimestampInArc: async (arc) => (await loaded()).earliestTimestampInArc(arc),
      storeSliceHash: async (arc, sliceIndex, hash) => (await loaded()).storeSliceHash(arc, sliceIndex, hash),
      sliceHashCount: async (arc) => (await loaded()).sliceHashCount(arc),
      retrieveSliceHash: async (arc, sliceIndex) => (await loaded()).retrieveSliceHash(arc, sliceIndex),
      retrieveSliceHashes: async (arc) => (await loaded()).retrieveSliceHashes(arc),
    };
  }

  keySpace(name: string): KeySpace {
    checkString(name, 'name');
    const subscribe = this.#feed.keySpace(name);
    return createKeySpaceClient(this.#parts.keySpace, name, this.#ctx, () => this.flush(), subscribe);
  }

  receipt(): WriteReceipt {
    return this.#writes.receipt();
  }

  saveStatus(): SaveStatus {
    return this.#writes.status();
  }

  lease(key: string, options?: LeaseOptions): Lease {
    const checked = checkLeaseOptions(key, options);
    const host: LeaseHost = {
      consensus: this.consensus(),
      database: databaseName(this.name),
      held: this.#leases,
      check: () => {
        if (this.#failure !== undefined) throw this.#failure;
      },
    };
    // The lease client (Web Locks, records, renewal) loads on the lease's first call.
    let client: Promise<LeaseClient> | undefined;
    const loaded = () =>
      (client ??= loadPart('lease', () => import('./lease-client.js')).then(
        ({ LeaseClient }) => new LeaseClient(host, key, checked),
      ));
    return {
      key,
      tryAcquire: async () => (await loaded()).tryAcquire(),
      acquire: async (options) => (await loaded()).acquire(options),
      read: async () => (await loaded()).read(),
    };
  }

  subscribe(listener: (change: StoreChange) => void): Unsubscribe {
    return this.#feed.subscribe(listener);
  }

  on<K extends keyof StoreEvents>(type: K, listener: (event: StoreEvents[K]) => void): () => void {
    if (!EVENT_TYPES.has(type)) invalid(`type must be one of ${[...EVENT_TYPES].join(', ')}`);
    if (typeof listener !== 'function') invalid('listener must be a function');
    return this.#events.on(type, listener);
  }

  flush(): Promise<number> {
    runBeforeFlush();
    return this.#ctx.call(() => this.#api.flush());
  }

  health(options?: { docId?: string }): Promise<StorageHealth> {
    return this.#ctx.call(async () => {
      const { checkHealthOptions, originStorage, toHealth } = await loadHealth();
      const docId = checkHealthOptions(options);
      const [origin, usage] = await Promise.all([originStorage(), this.#api.usage(docId)]);
      return toHealth(origin, usage);
    });
  }

  requestPersistence(): Promise<boolean> {
    return this.#ctx.call(async () => {
      // `persist()` exists only in windows (the WebWorker lib has no such member); elsewhere
      // report what is.
      const storage = (typeof navigator === 'undefined' ? undefined : navigator.storage) as
        { persist?: () => Promise<boolean> } | undefined;
      if (typeof storage?.persist === 'function') return storage.persist();
      return (await (await loadHealth()).originStorage()).persisted ?? false;
    });
  }

  canFit(bytes: number): Promise<boolean> {
    return this.#ctx.call(async () => {
      checkIndex(bytes, 'bytes');
      const { available } = await (await loadHealth()).originStorage();
      return available === undefined || bytes <= available;
    });
  }

  exportBackup(): Promise<ReadableStream<Uint8Array>> {
    return this.#ctx.call(async () => {
      // Backups load on first use: most pages never take one, and the code is a third of the client.
      const [{ backupStream }, records] = await Promise.all([
        loadPart('backup', () => import('./backup-writer.js')),
        this.#api.exportRecords(),
      ]);
      return backupStream(this.name, records);
    });
  }

  importBackup(source: BackupSource, options?: ImportOptions): Promise<ImportResult> {
    return this.#ctx.call(async () => {
      if (options !== undefined && (typeof options !== 'object' || options === null)) {
        invalid('options must be an object');
      }
      const accept = options?.acceptOtherStore ?? false;
      if (typeof accept !== 'boolean') invalid('acceptOtherStore must be a boolean');
      const { readBackup } = await loadPart('backup', () => import('./backup-reader.js'));
      const { header, snapshot } = await readBackup(source, this.name, accept);
      const records = await this.#api.importRecords(snapshot);
      return {
        records,
        from: { store: header.store, storageId: header.storageId, exportedAt: header.exportedAt },
      };
    });
  }

  stats(): Promise<StoreStats> {
    return this.#ctx.call(() => this.#api.stats());
  }

  /**
   * Flushes and closes; idempotent: a second call resolves with the first. After the engine
   * or the database was lost it rejects with that error, since the flush could not happen.
   */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      // Writes acknowledged before close() go first: close() flushes them.
      runBeforeFlush();
      this.#ctx.close();
      const lost = this.#failure;
      this.#failure ??= new StoreError('closed', 'The store is closed');
      this.#unlisten();
      this.#feed.close();
      // Their Web Locks go with them, so another tab takes over at once.
      for (const lease of [...this.#leases]) lease.drop();
      try {
        if (lost?.code === 'engine-lost') throw lost;
        await this.#api.close();
        // Its last commit report may trail the answer to close(): no receipt may wait forever.
        if (lost === undefined) this.#writes.closed();
        else this.#writes.fail(lost);
      } catch (e) {
        throw toStoreError(e);
      } finally {
        this.#dispose();
      }
    })();
    return this.#closing;
  }
}
