import type { Consensus } from '../contracts/consensus.js';
import type { LogStatePersistence } from '../contracts/log-state.js';
import type { Batch, LogTracker, Table } from '../contracts/log-tracker.js';
import type { OpStore, OpStoreOptions } from '../contracts/op-store.js';
import type { Persister } from '../contracts/persister.js';
import type { KeySpace } from '../contracts/key-space.js';
import type { Store, StoreEvents, StoreStats } from '../contracts/store.js';
import type { EngineApi } from '../engine/engine-api.js';
import type { MarkTransfer } from '../engine/transfer.js';
import { StoreError, toStoreError } from '../store-error.js';
import { Emitter } from './emitter.js';
import { createBatchClient } from './batch-client.js';
import { createClientContext, type ClientContext } from './client-context.js';
import { createConsensusClient } from './consensus-client.js';
import { listenForHide, type HideEvent } from './listen-for-hide.js';
import { createLogStateClient } from './log-state-client.js';
import { createLogTrackerClient } from './log-tracker-client.js';
import { createOpStoreClient } from './op-store-client.js';
import { createPersisterClient } from './persister-client.js';
import { createTableClient } from './table-client.js';
import { checkString } from './validate.js';

/** How long an unloading page waits for its worker to commit unsaved writes; see `#onHide`. */
const UNLOAD_GRACE_MS = 100;

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
  readonly #events = new Emitter<StoreEvents>();
  /** Buffered writes sent, and how many of them an explicit flush is known to have committed. */
  #writes = 0;
  #committedWrites = 0;

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
    this.#ctx = createClientContext(
      mark,
      () => this.#closing !== undefined,
      () => void this.#writes++,
    );
    this.#unlisten = flushOnHide ? listenForHide((event) => this.#onHide(event)) : () => undefined;
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

  keySpace(name: string): KeySpace {
    checkString(name, 'name');
    // Placeholder until the engine's key space lands (issue 10); replaced, never shipped.
    throw new StoreError('unknown', 'keySpace is not implemented yet');
  }

  get storageId(): string {
    return '';
  }

  on<K extends keyof StoreEvents>(type: K, listener: (event: StoreEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  flush(): Promise<number> {
    const writes = this.#writes;
    return this.#ctx.call(async () => {
      const bytes = await this.#api.flush();
      this.#committedWrites = Math.max(this.#committedWrites, writes);
      return bytes;
    });
  }

  /**
   * Flushes as the page hides. On `pagehide` and `freeze` the flush needs the page to live a
   * moment longer: Chromium terminates a dedicated worker with its document, so a flush message
   * still queued then is lost, and an inline transaction that has asked to commit can still be
   * aborted if the document goes first. Measured with a write followed at once by
   * `page.close()` (worker engine, 1 s write-behind): 4 of 30 writes lost with no grace, 1 of 60
   * with 10 ms, 0 of 60 with 20 ms; inline, a reload lost the first write after the database
   * was created in 2 of 8 runs without the grace and 0 of 6 with it. So, only when writes may
   * be unsaved, the page waits {@link UNLOAD_GRACE_MS}: 25 ms still lost one write under a load
   * average of 10, and 50 ms lost one of 8 in a CI run on an idle 2-core machine, so this is a
   * margin, not a proof. A page that is going away costs its user little by waiting.
   */
  #onHide(event: HideEvent): void {
    // A failed flush keeps its writes buffered in the engine; the next flush reports it.
    this.flush().catch(() => undefined);
    if (event === 'hidden' || this.#writes <= this.#committedWrites) return;
    const until = performance.now() + UNLOAD_GRACE_MS;
    while (performance.now() < until) {
      // Busy-wait: nothing else keeps an unloading document, and so its worker, alive.
    }
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
