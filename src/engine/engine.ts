import type { StoreStats } from '../contracts/store.js';
import { StoreError } from '../store-error.js';
import { Connection } from './connection.js';
import { ConsensusEngine } from './consensus-engine.js';
import type { EngineApi, EngineOptions } from './engine-api.js';
import { LogStateEngine } from './log-state-engine.js';
import { LogTrackerEngine } from './log-tracker-engine.js';
import { OpStoreEngine } from './op-store-engine.js';
import { PersisterEngine } from './persister-engine.js';
import { DEFAULT_WRITE_BEHIND } from './write-behind-queue.js';
import type { MarkTransfer } from './transfer.js';

/** The IndexedDB database name of the store `name`. */
export function databaseName(name: string): string {
  return `larder:${name}`;
}

/**
 * larder's one engine: the IndexedDB implementation of every contract, over one connection.
 *
 * @remarks
 * It runs in the caller's thread ('inline') or in a worker behind Comlink; either way the
 * client calls it through {@link EngineApi}.
 */
export class Engine implements EngineApi {
  readonly persister: PersisterEngine;
  readonly consensus: ConsensusEngine;
  readonly logState: LogStateEngine;
  readonly logTracker: LogTrackerEngine;
  readonly opStore: OpStoreEngine;
  readonly #conn: Connection;
  #closed = false;

  /**
   * @param name - the store name.
   * @param options - engine options, already validated.
   * @param mark - how results' buffers are marked for transfer.
   */
  constructor(name: string, options: EngineOptions, mark: MarkTransfer) {
    this.#conn = new Connection(databaseName(name));
    this.persister = new PersisterEngine(this.#conn, mark, {
      ...DEFAULT_WRITE_BEHIND,
      ...options.writeBehind,
    });
    this.consensus = new ConsensusEngine(this.#conn, mark);
    this.logState = new LogStateEngine(this.#conn, mark);
    this.logTracker = new LogTrackerEngine(this.#conn, mark);
    this.opStore = new OpStoreEngine(this.#conn, mark);
  }

  async open(): Promise<void> {
    this.#check();
    await this.#conn.db();
  }

  async flush(): Promise<number> {
    this.#check();
    return this.persister.flush('strict');
  }

  async stats(): Promise<StoreStats> {
    this.#check();
    return { pendingBytes: this.persister.pendingBytes };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.persister.stop();
    try {
      await this.persister.flush('strict');
    } finally {
      await this.#conn.close();
    }
  }

  #check(): void {
    if (this.#closed) throw new StoreError('closed', 'The store is closed');
  }
}
