import type { IDBPDatabase } from 'idb';
import { runIn, type Connection, type Tx } from './connection.js';
import type { StoreName } from './schema.js';
import { WriteBuffer } from './write-buffer.js';

/** Write-behind settings, resolved. */
export interface WriteBehind {
  maxDelayMs: number;
  maxBytes: number;
}

/** The defaults of {@link WriteBehind}, chosen by `npm run bench`. */
export const DEFAULT_WRITE_BEHIND: WriteBehind = { maxDelayMs: 10, maxBytes: 4 * 1024 * 1024 };

/**
 * Buffers writes and commits them in the background: at the latest after `maxDelayMs`, at once
 * past `maxBytes`, on {@link WriteBehindQueue.flush}, and synchronously when the connection must
 * close for another connection's upgrade or delete.
 *
 * @remarks
 * Flushes run one at a time, so a failed flush can put its writes back under newer ones
 * without resurrecting overwritten values. A failed background flush is not retried on a
 * timer (a full disk would make that a busy loop): the next write or flush retries it, and an
 * explicit flush reports the error.
 */
export class WriteBehindQueue {
  readonly #conn: Connection;
  readonly #options: WriteBehind;
  readonly #stores: StoreName[];
  readonly #write: (tx: Tx<'readwrite'>, buf: WriteBuffer) => Promise<void>;
  #pending = new WriteBuffer();
  /** Buffers whose transaction has been created and has not settled yet. */
  #inflight: WriteBuffer[] = [];
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param conn - the connection to commit on.
   * @param options - when to commit.
   * @param stores - the scope of a commit's transaction.
   * @param write - issues a buffer's writes in a transaction, without awaiting other work.
   */
  constructor(
    conn: Connection,
    options: WriteBehind,
    stores: StoreName[],
    write: (tx: Tx<'readwrite'>, buf: WriteBuffer) => Promise<void>,
  ) {
    this.#conn = conn;
    this.#options = options;
    this.#stores = stores;
    this.#write = write;
    conn.onBeforeClose((db) => {
      if (!this.#pending.empty) this.#commit(db, 'strict').catch(() => undefined);
    });
  }

  /** The buffer that new writes go to; call {@link WriteBehindQueue.changed} after writing. */
  get pending(): WriteBuffer {
    return this.#pending;
  }

  /** Every buffer not committed yet, oldest first: what a read must overlay. */
  overlay(): WriteBuffer[] {
    return [...this.#inflight, this.#pending];
  }

  /** Bytes written but not committed yet. */
  get pendingBytes(): number {
    let n = this.#pending.bytes;
    for (const b of this.#inflight) n += b.bytes;
    return n;
  }

  /** Arms the write-behind timer, or flushes at once past `maxBytes`. */
  changed(): void {
    if (this.#pending.empty) return;
    if (this.#pending.bytes >= this.#options.maxBytes) {
      this.flush('relaxed').catch(() => undefined);
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush('relaxed').catch(() => undefined);
      }, this.#options.maxDelayMs);
    }
  }

  /**
   * Commits everything buffered, after any flush under way.
   *
   * @param durability - 'strict' for an explicit flush, 'relaxed' for write-behind.
   * @returns the bytes this flush committed.
   */
  flush(durability: IDBTransactionDurability): Promise<number> {
    // Nothing under way and the database open: commit synchronously. On pagehide this is the
    // difference between a transaction that asked to commit before the page went away and one
    // that never started.
    const db = this.#conn.openNow;
    if (db !== undefined && this.#inflight.length === 0 && !this.#pending.empty) {
      const now = this.#commit(db, durability);
      this.#chain = now.catch(() => undefined);
      return now;
    }
    const next = this.#chain.then(
      () => this.#flushOnce(durability),
      () => this.#flushOnce(durability),
    );
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Drops the timer; the buffer stays for a final flush. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #flushOnce(durability: IDBTransactionDurability): Promise<number> {
    if (this.#pending.empty) return 0;
    const db = await this.#conn.db();
    // A versionchange may have committed the buffer while the connection was awaited.
    if (this.#pending.empty) return 0;
    return this.#commit(db, durability);
  }

  /** Swaps the buffer out and creates its transaction, synchronously. */
  #commit(db: IDBPDatabase, durability: IDBTransactionDurability): Promise<number> {
    this.stop();
    const buf = this.#pending;
    this.#pending = new WriteBuffer();
    this.#inflight.push(buf);
    const settle = () => (this.#inflight = this.#inflight.filter((b) => b !== buf));
    return runIn(db, this.#stores, 'readwrite', (tx) => this.#write(tx, buf), durability).then(
      () => {
        settle();
        return buf.bytes;
      },
      (e: unknown) => {
        settle();
        this.#pending = this.#pending.mergeOver(buf);
        throw e;
      },
    );
  }
}
