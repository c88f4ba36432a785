import { withStoreErrors } from './client/engine-errors.js';
import { storageMarker } from './client/storage-marker.js';
import { StoreClient } from './client/store-client.js';
import { invalid } from './client/validate.js';
import { openRemoteEngine, markTransfer } from './client/worker-transport.js';
import type { Store, StoreOptions } from './contracts/store.js';
import { databaseName } from './engine/database-name.js';
import type { EngineApi, EngineOptions } from './engine/engine-api.js';
import { noTransfer } from './engine/transfer.js';
import type { EngineEvent, OpenRequest, OpenResult } from './protocol.js';
import { StoreError, toStoreError } from './store-error.js';

/**
 * Opens the store `name`: one IndexedDB database with every contract on it.
 *
 * @param name - the store's name; stores of the same name, in any tab, share their data.
 * @param options - where the engine runs and how writes are buffered.
 * @returns the open store.
 * @throws {@link StoreError} code 'invalid-argument' for bad options; 'blocked' when the
 * database cannot be opened because another connection holds it.
 * @example
 * ```ts
 * const store = await openStore('notes');
 * const persister = store.persister(docId);
 * await persister.insertChanges([[actorId, seq, change]]);
 * ```
 */
export async function openStore(name: string, options: StoreOptions = {}): Promise<Store> {
  try {
    if (typeof name !== 'string' || name.length === 0) invalid('name must be a non-empty string');
    const checked = checkOptions(options);
    const engine = options.engine ?? 'worker';
    const flushOnHide = options.flushOnHide ?? true;
    const marker = storageMarker(name);
    const request: OpenRequest = {
      options: checked.engine,
      ...(checked.acceptStorageLoss ? { acceptStorageLoss: true } : {}),
      ...((checked.expectStorageId ?? marker.get()) === undefined
        ? {}
        : { expectStorageId: (checked.expectStorageId ?? marker.get()) as string }),
    };
    // Events can arrive before the store exists (a commit report of the open itself); they
    // wait for it.
    const ref: { client?: StoreClient } = {};
    const early: EngineEvent[] = [];
    const listener = (event: EngineEvent) =>
      ref.client ? ref.client.onEngineEvent(event) : early.push(event);
    let lostEarly: StoreError | undefined;
    const onLost = (error: StoreError) => (ref.client ? ref.client.onEngineLost(error) : (lostEarly = error));

    let api: EngineApi;
    let mark = noTransfer;
    let dispose = () => undefined as void;
    if (engine === 'inline') {
      const { Engine } = await import('./engine/engine.js');
      api = withStoreErrors(new Engine(name, request, noTransfer, listener));
    } else {
      const remote = await openRemoteEngine(name, request, {
        endpoint: engine === 'worker' ? undefined : engine,
        // The kit's own worker reports a failed load through its `error` event at once; its
        // timeout only guards against a worker that loaded and never answers, and must not fire
        // on a healthy start that a busy machine slowed (module loading took over 2 s at a load
        // average of 50). A caller's endpoint may run anything, so it gets the short default.
        startTimeoutMs:
          checked.startTimeoutMs ??
          (engine === 'worker' ? KIT_WORKER_START_TIMEOUT_MS : DEFAULT_START_TIMEOUT_MS),
        listener,
        onLost,
      });
      api = remote.api;
      mark = markTransfer;
      dispose = remote.dispose;
    }
    let opened: OpenResult;
    try {
      opened = await api.open();
    } catch (e) {
      dispose();
      throw e;
    }
    marker.set(opened.storageId);
    const client = new StoreClient(
      name,
      api,
      mark,
      dispose,
      flushOnHide,
      opened.storageId,
      opened.feedSource,
    );
    ref.client = client;
    for (const event of early) client.onEngineEvent(event);
    if (lostEarly !== undefined) client.onEngineLost(lostEarly);
    return client;
  } catch (e) {
    throw toStoreError(e);
  }
}

/**
 * Deletes the store `name` and everything in it. Open larder stores of that name, in any tab,
 * flush and close their connections so the delete goes through.
 *
 * @param name - the store's name.
 * @throws {@link StoreError} code 'blocked' when another connection will not close.
 */
export async function deleteStore(name: string): Promise<void> {
  try {
    if (typeof name !== 'string' || name.length === 0) invalid('name must be a non-empty string');
    // Loaded on first use: it ran 5.9 kB gzipped into the page's entry for a call most pages
    // never make. It runs here rather than in a worker: it waits on IndexedDB's version
    // changes, with little to compute, and a worker would cost a start-up per delete.
    const { deleteDatabase } = await import('./engine/delete-database.js');
    await deleteDatabase(databaseName(name));
    storageMarker(name).clear();
  } catch (e) {
    throw toStoreError(e);
  }
}

/** {@link StoreOptions}, read once and checked. */
interface CheckedOptions {
  engine: EngineOptions;
  expectStorageId: string | undefined;
  acceptStorageLoss: boolean;
  startTimeoutMs: number | undefined;
}

/** How long a caller's Worker or MessagePort may take to start serving. */
const DEFAULT_START_TIMEOUT_MS = 2000;
/** How long the kit's own worker may take to answer once it did not fail to load. */
const KIT_WORKER_START_TIMEOUT_MS = 15_000;

function checkOptions(options: StoreOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  // Each option is read once: a getter could answer differently, or throw, on a second read.
  let read: Pick<
    StoreOptions,
    'engine' | 'writeBehind' | 'flushOnHide' | 'expectStorageId' | 'acceptStorageLoss' | 'startTimeoutMs'
  >;
  let maxDelayMs: unknown;
  let maxBytes: unknown;
  try {
    const { engine, writeBehind, flushOnHide, expectStorageId, acceptStorageLoss, startTimeoutMs } = options;
    read = { engine, writeBehind, flushOnHide, expectStorageId, acceptStorageLoss, startTimeoutMs };
    if (typeof writeBehind === 'object' && writeBehind !== null) ({ maxDelayMs, maxBytes } = writeBehind);
  } catch (e) {
    throw new StoreError('invalid-argument', `options could not be read: ${String(e)}`, { cause: e });
  }
  const { engine, writeBehind, flushOnHide, expectStorageId, acceptStorageLoss, startTimeoutMs } = read;
  const isPort =
    (typeof Worker !== 'undefined' && engine instanceof Worker) ||
    (typeof MessagePort !== 'undefined' && engine instanceof MessagePort);
  if (engine !== undefined && engine !== 'worker' && engine !== 'inline' && !isPort) {
    invalid("engine must be 'worker', 'inline', a Worker or a MessagePort");
  }
  if (flushOnHide !== undefined && typeof flushOnHide !== 'boolean') invalid('flushOnHide must be a boolean');
  if (expectStorageId !== undefined && (typeof expectStorageId !== 'string' || expectStorageId === '')) {
    invalid('expectStorageId must be a non-empty string');
  }
  if (acceptStorageLoss !== undefined && typeof acceptStorageLoss !== 'boolean') {
    invalid('acceptStorageLoss must be a boolean');
  }
  if (startTimeoutMs !== undefined && !isNonNegative(startTimeoutMs)) {
    invalid('startTimeoutMs must be a non-negative number');
  }
  if (writeBehind !== undefined && (typeof writeBehind !== 'object' || writeBehind === null)) {
    invalid('writeBehind must be an object');
  }
  if (maxDelayMs !== undefined && !isNonNegative(maxDelayMs)) {
    invalid('writeBehind.maxDelayMs must be a non-negative number');
  }
  if (maxBytes !== undefined && !isNonNegative(maxBytes))
    invalid('writeBehind.maxBytes must be a non-negative number');
  return {
    engine:
      writeBehind === undefined
        ? {}
        : {
            writeBehind: {
              ...(maxDelayMs === undefined ? {} : { maxDelayMs: maxDelayMs as number }),
              ...(maxBytes === undefined ? {} : { maxBytes: maxBytes as number }),
            },
          },
    expectStorageId,
    acceptStorageLoss: acceptStorageLoss ?? false,
    startTimeoutMs,
  };
}

function isNonNegative(n: unknown): n is number {
  return typeof n === 'number' && n >= 0 && Number.isFinite(n);
}
