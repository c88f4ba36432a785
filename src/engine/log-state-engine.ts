import { StoreError } from '../store-error.js';
import { STORES } from './schema.js';
import { EnginePart } from './engine-part.js';

/** A log's stored checkpoint and how many times it was set. */
export interface StoredCheckpoint {
  checkpoint: Uint8Array;
  /** 1 after the first set, incremented by every later one. */
  version: number;
}

/** The LogStatePersistence side of the engine API. Arguments arrive validated by the client. */
export interface LogStateEngineApi {
  init(): Promise<void>;
  logs(): Promise<string[]>;
  read(logId: string): Promise<StoredCheckpoint | undefined>;
  /**
   * Stores `checkpoint` if the stored version is still `expected` (`undefined`: none stored).
   * @throws {@link StoreError} code 'conflict' otherwise, having written nothing.
   */
  set(logId: string, expected: number | undefined, checkpoint: Uint8Array): Promise<void>;
}

/**
 * Witness checkpoints, one record per log with a version number, for optimistic concurrency.
 *
 * @remarks
 * A write op holds no lock: it remembers the version it read, and `set` compares it in one
 * readwrite transaction. Comparing versions rather than bytes means a writer that stores the
 * very bytes another writer read still makes that other writer's `set` a conflict.
 */
export class LogStateEngine extends EnginePart implements LogStateEngineApi {
  async init(): Promise<void> {
    // Opening the database runs the schema upgrade, which creates the store if needed.
    await this.conn.db();
  }

  async logs(): Promise<string[]> {
    return this.conn.run([STORES.logState], 'readonly', (tx) => tx.objectStore(STORES.logState).getAllKeys());
  }

  async read(logId: string): Promise<StoredCheckpoint | undefined> {
    const found = await this.conn.run([STORES.logState], 'readonly', (tx) =>
      tx.objectStore(STORES.logState).get(logId),
    );
    if (found === undefined) return undefined;
    return this.mark(found, [found.checkpoint.buffer as ArrayBuffer]);
  }

  async set(logId: string, expected: number | undefined, checkpoint: Uint8Array): Promise<void> {
    const write = this.conn.run(
      [STORES.logState],
      'readwrite',
      async (tx) => {
        const logs = tx.objectStore(STORES.logState);
        const current = await logs.get(logId);
        if (current?.version !== expected) {
          throw new StoreError('conflict', `The checkpoint of log "${logId}" changed since it was read`);
        }
        const next: StoredCheckpoint = { checkpoint, version: (expected ?? 0) + 1 };
        await logs.put(next, logId);
      },
      // A committed set is durable: 'strict' waits for the commit to reach the disk.
      'strict',
    );
    await this.feed.track(write, (notice) => notice.logStates.add(logId));
  }
}
