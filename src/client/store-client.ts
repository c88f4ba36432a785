import type { Consensus } from '../contracts/consensus.js';
import type { LogStatePersistence } from '../contracts/log-state.js';
import type { Batch, LogTracker, Table } from '../contracts/log-tracker.js';
import type { OpStore, OpStoreOptions } from '../contracts/op-store.js';
import type { Persister } from '../contracts/persister.js';
import type { Store, StoreStats } from '../contracts/store.js';
import type { EngineApi } from '../engine/engine-api.js';
import type { MarkTransfer } from '../engine/transfer.js';
import { toStoreError } from '../store-error.js';
import { createBatchClient } from './batch-client.js';
import { createClientContext, type ClientContext } from './client-context.js';
import { createConsensusClient } from './consensus-client.js';
import { listenForHide } from './listen-for-hide.js';
import { createLogStateClient } from './log-state-client.js';
import { createLogTrackerClient } from './log-tracker-client.js';
import { createOpStoreClient } from './op-store-client.js';
import { createPersisterClient } from './persister-client.js';
import { createTableClient } from './table-client.js';
import { checkString } from './validate.js';

/**
 * The {@link Store} that callers hold: the same code over the inline engine and over the
 * worker, since both are an {@link EngineApi}.
 */
export class StoreClient implements Store {
  readonly name: string;
  readonly #api: EngineApi;
  /**
   * The engine's members, taken once: reading a member of a released remote throws, and the
   * clients made after close() must still reject with 'closed' rather than throw.
   */
  readonly #parts: Pick<EngineApi, 'persister' | 'consensus' | 'logState' | 'logTracker' | 'opStore'>;
  readonly #ctx: ClientContext;
  readonly #dispose: () => void;
  readonly #unlisten: () => void;
  #closing: Promise<void> | undefined;

  /**
   * @param name - the store name.
   * @param api - the engine, inline or remote.
   * @param mark - how argument buffers are marked for transfer.
   * @param dispose - releases the transport after the engine closed.
   * @param flushOnHide - whether to flush when the page is hidden.
   */
  constructor(name: string, api: EngineApi, mark: MarkTransfer, dispose: () => void, flushOnHide: boolean) {
    this.name = name;
    this.#api = api;
    const { persister, consensus, logState, logTracker, opStore } = api;
    this.#parts = { persister, consensus, logState, logTracker, opStore };
    this.#dispose = dispose;
    this.#ctx = createClientContext(mark, () => this.#closing !== undefined);
    // A failed flush keeps its writes buffered in the engine; the next flush reports it.
    this.#unlisten = flushOnHide
      ? listenForHide(() => void this.flush().catch(() => undefined))
      : () => undefined;
  }

  persister(docId: string): Persister {
    checkString(docId, 'docId');
    return createPersisterClient(this.#parts.persister, docId, this.#ctx, () => this.flush());
  }

  consensus(): Consensus {
    return createConsensusClient(this.#parts.consensus, this.#ctx);
  }

  logState(): LogStatePersistence {
    return createLogStateClient(this.#parts.logState, this.#ctx);
  }

  logTracker<Op = unknown>(prefix: string): Promise<LogTracker<Op>> {
    return this.#ctx.call(async () => {
      checkString(prefix, 'prefix');
      await this.#parts.logTracker.init();
      return createLogTrackerClient<Op>(this.#parts.logTracker, prefix, this.#ctx);
    });
  }

  table(name: string): Table {
    checkString(name, 'name');
    return createTableClient(this.#parts.logTracker, name, this.#ctx);
  }

  batch(): Batch {
    return createBatchClient(this.#parts.logTracker, this.#ctx);
  }

  opStore(space: string, options?: OpStoreOptions): OpStore {
    checkString(space, 'space');
    return createOpStoreClient(this.#parts.opStore, space, options, this.#ctx);
  }

  flush(): Promise<number> {
    return this.#ctx.call(() => this.#api.flush());
  }

  stats(): Promise<StoreStats> {
    return this.#ctx.call(() => this.#api.stats());
  }

  /** Flushes and closes; idempotent: a second call resolves with the first. */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#unlisten();
      try {
        await this.#api.close();
      } catch (e) {
        throw toStoreError(e);
      } finally {
        this.#dispose();
      }
    })();
    return this.#closing;
  }
}
