import type { CorruptRecord, StoreStats } from '../contracts/store.js';
import type { BufferedWrite, EngineListener, OpenRequest, OpenResult } from '../protocol.js';
import { StoreError, toWireError } from '../store-error.js';
import { exportRecords, importRecords, type StoreSnapshot } from './backup-engine.js';
import { ChangeFeed } from './change-feed.js';
import { Connection, runIn, type Tx } from './connection.js';
import { databaseName } from './database-name.js';
import { ConsensusEngine } from './consensus-engine.js';
import type { EngineApi, EngineOptions, UsageTotals } from './engine-api.js';
import { LogStateEngine } from './log-state-engine.js';
import { LogTrackerEngine } from './log-tracker-engine.js';
import { OpStoreEngine } from './op-store-engine.js';
import { KeySpaceEngine, writeKeySpaces } from './key-space-engine.js';
import {
  freePersisterSpace,
  PERSISTER_STORES,
  PersisterEngine,
  writePersisterBuffer,
} from './persister-engine.js';
import { STORES } from './schema.js';
import { readUsage, UsageFolder, writeUsage } from './usage-counters.js';
import type { MarkTransfer } from './transfer.js';
import { DEFAULT_WRITE_BEHIND, WriteBehindQueue } from './write-behind-queue.js';
import type { WriteBuffer } from './write-buffer.js';

export { databaseName };

/**
 * larder's one engine: the IndexedDB implementation of every contract, over one connection.
 *
 * @remarks
 * It runs in the caller's thread ('inline') or in a worker behind Comlink; either way the
 * client calls it through {@link EngineApi} and hears from it through an {@link EngineListener}.
 */
export class Engine implements EngineApi {
  readonly persister: PersisterEngine;
  readonly consensus: ConsensusEngine;
  readonly logState: LogStateEngine;
  readonly logTracker: LogTrackerEngine;
  readonly opStore: OpStoreEngine;
  readonly keySpace: KeySpaceEngine;
  readonly #conn: Connection;
  readonly #queue: WriteBehindQueue;
  /** Tells every tab what each commit changed. */
  readonly #feed: ChangeFeed;
  /** The documents of the write-behind commit under way, whose counters fold after it. */
  readonly #touched = new Set<string>();
  /** Documents whose changes the commit under way writes (true: it removes some), for compaction. */
  readonly #changed = new Map<string, boolean>();
  readonly #folds = new UsageFolder();
  #closed = false;
  #onClosed: () => void = () => undefined;
  /** Settles once {@link Engine.close} has finished. */
  readonly closed = new Promise<void>((resolve) => (this.#onClosed = resolve));

  /**
   * @param name - the store name.
   * @param request - engine options, already validated, and what the database must be.
   * @param mark - how results' buffers are marked for transfer.
   * @param listener - receives the engine's events.
   */
  constructor(
    name: string,
    request: OpenRequest | EngineOptions,
    mark: MarkTransfer,
    listener: EngineListener = () => undefined,
  ) {
    const req: OpenRequest = 'options' in request ? request : { options: request };
    const emit = (event: Parameters<EngineListener>[0]) => {
      try {
        listener(event);
      } catch {
        // A client that went away cannot hear; the engine carries on.
      }
    };
    this.#conn = new Connection(databaseName(name), {
      expectStorageId: req.expectStorageId,
      acceptStorageLoss: req.acceptStorageLoss,
      onLost: (error) => {
        // Nothing buffered may reach a database that is not the one it was written for.
        this.#queue.discard();
        emit({ type: 'storage-lost', error: toWireError(error) });
      },
    });
    const feed = new ChangeFeed(databaseName(name));
    this.#feed = feed;
    this.#queue = new WriteBehindQueue(
      this.#conn,
      { ...DEFAULT_WRITE_BEHIND, ...req.options.writeBehind },
      [...PERSISTER_STORES, STORES.keyValues, STORES.usage],
      (tx, buf) => {
        feed.stage(buf);
        this.#noteTouched(buf);
        return writeBuffer(tx, buf, `${feed.source}:${buf.lastWrite}`);
      },
      {
        committed: (through, durability) => {
          feed.settle(true);
          this.#folds.schedule(() => this.#conn.openNow, this.#touched);
          this.#touched.clear();
          this.persister.afterCommit(this.#changed);
          this.#changed.clear();
          emit({
            type: 'committed',
            through,
            durability: durability === 'strict' ? 'strict' : 'relaxed',
            pendingBytes: this.#queue.pendingBytes,
          });
        },
        runFreeing: (db, buf, durability) =>
          runIn(
            db,
            [...PERSISTER_STORES, STORES.keyValues, STORES.usage],
            'readwrite',
            async (tx) => {
              feed.stage(buf);
              this.#noteTouched(buf);
              const writes = [
                ...writeUsage(tx, buf, `${feed.source}:${buf.lastWrite}`),
                ...(await freePersisterSpace(tx, buf)),
                ...writeKeySpaces(tx, buf),
              ];
              tx.commit();
              await Promise.all(writes);
            },
            durability,
          ),
        failed: (error, background) => {
          feed.settle(false);
          // What did commit (a space-freeing part) left its dirty markers: the next read folds it.
          this.#touched.clear();
          this.#changed.clear();
          emit({
            type: 'commit-error',
            error: toWireError(error),
            background,
            pendingBytes: this.#queue.pendingBytes,
          });
        },
      },
    );
    const onCorrupt = (found: CorruptRecord[]) => {
      for (const record of found) emit({ type: 'corruption', record });
    };
    this.persister = new PersisterEngine(this.#conn, mark, this.#queue, onCorrupt);
    this.consensus = new ConsensusEngine(this.#conn, mark, feed);
    this.logState = new LogStateEngine(this.#conn, mark, feed);
    this.logTracker = new LogTrackerEngine(this.#conn, mark, feed);
    this.opStore = new OpStoreEngine(this.#conn, mark, feed);
    this.keySpace = new KeySpaceEngine(this.#conn, mark, this.#queue, onCorrupt);
  }

  async open(): Promise<OpenResult> {
    this.#check();
    await this.#conn.db();
    return { storageId: this.#conn.storageId as string, feedSource: this.#feed.source };
  }

  async write(writes: BufferedWrite[]): Promise<number> {
    this.#check();
    // A batch waits, as one, for the database to be checked (see Connection.writable); then
    // every write of it reaches the buffer synchronously, in order, before anything else runs:
    // a flush or a read that follows the batch (inline, in the same task) sees all of it.
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    const ids = writes.map(([part, method, args]) => {
      const target = this[part] as unknown as Record<string, (...a: unknown[]) => Promise<number>>;
      return (target[method] as (...a: unknown[]) => Promise<number>).apply(target, args);
    });
    return (await Promise.all(ids)).at(-1) ?? 0;
  }

  async flush(): Promise<number> {
    this.#check();
    // A write that arrived before this flush may be waiting for the database to be checked
    // (see Connection.writable): it must be in the buffer before the flush looks at it.
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    return this.#queue.flush('strict');
  }

  async exportRecords(): Promise<StoreSnapshot> {
    this.#check();
    await this.#queue.flush('strict');
    return exportRecords(this.#conn);
  }

  async importRecords(snapshot: StoreSnapshot): Promise<number> {
    this.#check();
    // Writes made before the import are committed first, so that none lands on top of it later.
    await this.#queue.flush('strict');
    return importRecords(this.#conn, snapshot, (fill) => {
      void this.#feed.track(Promise.resolve(), (notice) => fill(notice));
    });
  }

  async usage(docId?: string): Promise<UsageTotals> {
    this.#check();
    return readUsage(await this.#conn.db(), docId);
  }

  async stats(): Promise<StoreStats> {
    this.#check();
    return { pendingBytes: this.#queue.pendingBytes };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.stop();
    try {
      if (this.#conn.lost === undefined) await this.#queue.flush('strict');
    } finally {
      // The flush's commit may have started a compaction: it ends before the connection does.
      await this.persister.settle();
      this.#feed.close();
      this.#folds.stop();
      await this.#conn.close();
      this.#onClosed();
    }
  }

  /** Notes what a commit writes: documents for the counters' fold, changes for compaction. */
  #noteTouched(buf: WriteBuffer): void {
    for (const [docId, d] of buf.docs) {
      this.#touched.add(docId);
      if (d.changes.size === 0) continue;
      let removed = this.#changed.get(docId) ?? false;
      if (!removed) for (const op of d.changes.values()) if (op.bytes === undefined) removed = true;
      this.#changed.set(docId, removed);
    }
  }

  #check(): void {
    if (this.#conn.lost !== undefined) throw this.#conn.lost;
    if (this.#closed) throw new StoreError('closed', 'The store is closed');
  }
}

/**
 * Issues every buffered write of one commit in its transaction, then asks it to commit now
 * rather than when the task ends: a flush on pagehide runs as the page unloads, and a
 * transaction that has not asked to commit by then is aborted with the page.
 */
async function writeBuffer(tx: Tx<'readwrite'>, buf: WriteBuffer, tag: string): Promise<void> {
  const writes = [...writePersisterBuffer(tx, buf), ...writeKeySpaces(tx, buf), ...writeUsage(tx, buf, tag)];
  tx.commit();
  await Promise.all(writes);
}
