import { StoreClient } from './client/store-client.js';
import { invalid } from './client/validate.js';
import { openRemoteEngine, markTransfer } from './client/worker-transport.js';
import type { Store, StoreOptions } from './contracts/store.js';
import { deleteDatabase } from './engine/delete-database.js';
import { databaseName, Engine } from './engine/engine.js';
import type { EngineOptions } from './engine/engine-api.js';
import { noTransfer } from './engine/transfer.js';
import { toStoreError } from './store-error.js';

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
    const engineOptions = checkOptions(options);
    const engine = options.engine ?? 'worker';
    const flushOnHide = options.flushOnHide ?? true;
    if (engine === 'inline') {
      const api = new Engine(name, engineOptions, noTransfer);
      await api.open();
      return new StoreClient(name, api, noTransfer, () => undefined, flushOnHide);
    }
    const remote = await openRemoteEngine(name, engineOptions, engine === 'worker' ? undefined : engine);
    try {
      await remote.api.open();
    } catch (e) {
      remote.dispose();
      throw e;
    }
    return new StoreClient(name, remote.api, markTransfer, remote.dispose, flushOnHide);
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
    await deleteDatabase(databaseName(name));
  } catch (e) {
    throw toStoreError(e);
  }
}

function checkOptions(options: StoreOptions): EngineOptions {
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  const { engine, writeBehind, flushOnHide } = options;
  const isPort =
    (typeof Worker !== 'undefined' && engine instanceof Worker) ||
    (typeof MessagePort !== 'undefined' && engine instanceof MessagePort);
  if (engine !== undefined && engine !== 'worker' && engine !== 'inline' && !isPort) {
    invalid("engine must be 'worker', 'inline', a Worker or a MessagePort");
  }
  if (flushOnHide !== undefined && typeof flushOnHide !== 'boolean') invalid('flushOnHide must be a boolean');
  if (writeBehind === undefined) return {};
  if (typeof writeBehind !== 'object' || writeBehind === null) invalid('writeBehind must be an object');
  const { maxDelayMs, maxBytes } = writeBehind;
  if (
    maxDelayMs !== undefined &&
    !(typeof maxDelayMs === 'number' && maxDelayMs >= 0 && Number.isFinite(maxDelayMs))
  ) {
    invalid('writeBehind.maxDelayMs must be a non-negative number');
  }
  if (
    maxBytes !== undefined &&
    !(typeof maxBytes === 'number' && maxBytes >= 0 && Number.isFinite(maxBytes))
  ) {
    invalid('writeBehind.maxBytes must be a non-negative number');
  }
  return {
    writeBehind: {
      ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
      ...(maxBytes === undefined ? {} : { maxBytes }),
    },
  };
}
