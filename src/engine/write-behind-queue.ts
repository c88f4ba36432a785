import { toStoreError, type StoreError } from '../store-error.js';
import { runIn, type LarderDatabase, type Tx } from './connection.js';
import type { StoreName } from './schema.js';
import { WriteBuffer } from './write-buffer.js';

/** Write-behind settings, resolved. */
export interface WriteBehind {
  maxDelayMs: number;
  maxBytes: number;
}

/** The defaults of {@link WriteBehind}, chosen by `npm run bench`. */
export const DEFAULT_WRITE_BEHIND: WriteBehind = { maxDelayMs: 10, maxBytes: 4 * 1024 * 1024 };

/** What the queue needs of a connection: {@link Connection} in the engine, a fake in unit tests. */
export interface QueueConnection<Db = LarderDatabase> {
  /** The database if it is open right now. */
  readonly openNow: Db | undefined;
  /** Resolves the open database, opening it if needed. */
  db(): Promise<Db>;
  /** Registers work that runs synchronously before the connection closes for another's upgrade. */
  onBeforeClose(fn: (db: Db) => void): void;
}

/** What the queue reports as it commits. */
export interface QueueHooks<Db = LarderDatabase> {
  /** A commit succeeded: every write up to id `through` is committed with `durability`. */
  committed?(through: number, durability: IDBTransactionDurability): void;
  /** A commit failed; its writes are buffered again. */
  failed?(error: StoreError, background: boolean): void;
  /** Runs one commit; the default runs `write` in one read-write transaction over `stores`. */
  run?(db: Db, buf: WriteBuffer, durability: IDBTransactionDurability): Promise<void>;
  /**
   * Commits writes that only free space (see {@link WriteBuffer.takeFreeing}) so that they
   * release it at once (removed changes physically dropped, not marked). Used after a commit
   * failed for lack of space: without it, the deletes an app makes to free space would share
   * the failing transaction and fail with it.
   */
  runFreeing?(db: Db, buf: WriteBuffer, durability: IDBTransactionDurability): Promise<void>;
}

/**
 * How long a failed background commit waits before it is retried, doubling up to the max. The
 * max is what an app waits, after space was freed elsewhere (another tab, another site), for
 * its buffered writes to be saved without a write or flush of its own: 30 s made a CI run's
 * demo wait past a minute; one failing transaction every 4 s costs nothing.
 */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 4000;

/**
 * Buffers writes and commits them, one commit at a time, on one chain: at the latest after
 * `maxDelayMs`, at once past `maxBytes`, on {@link WriteBehindQueue.flush}, and synchronously
 * when the connection must close for another connection's upgrade or delete.
 *
 * @remarks
 * At most one commit is in flight, so a failed commit can put its writes back under everything
 * written since without resurrecting a value that a newer commit stored. Every write gets an id
 * (1, 2, …) when it is buffered; a successful commit reports the highest id it covers, which is
 * how a client learns exactly which of its writes are committed. A failed background commit is
 * reported through `hooks.failed` and retried with a backoff (never a busy loop on a full disk),
 * and by the next write or flush.
 */
export class WriteBehindQueue<Db = LarderDatabase> {
  readonly #conn: QueueConnection<Db>;
  readonly #options: WriteBehind;
  readonly #hooks: QueueHooks<Db>;
  readonly #run: (db: Db, buf: WriteBuffer, durability: IDBTransactionDurability) => Promise<void>;
  #pending = new WriteBuffer();
  /** The buffer being committed, if any; never more than one. */
  #inflight: WriteBuffer | undefined;
  /** The space-freeing part of the commit under way, committed ahead of the rest. */
  #freeing: WriteBuffer | undefined;
  /** Settles when every commit started or queued so far has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Commits queued on the chain and not finished. */
  #queued = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #retryMs = 0;
  /** Id of the latest buffered write. */
  #lastWrite = 0;
  /** Whether a relaxed commit happened after the last strict one. */
  #relaxedSinceStrict = false;
  /** Bytes that relaxed commits wrote since the last strict one: a strict flush covers them too. */
  #relaxedBytes = 0;
  #stopped = false;
  /** Whether the last commit failed for lack of space: the next frees space first. */
  #full = false;

  /**
   * @param conn - the connection to commit on.
   * @param options - when to commit.
   * @param stores - the scope of a commit's transaction.
   * @param write - issues a buffer's writes in a transaction, without awaiting other work; it
   * should call `tx.commit()` once its requests are issued.
   * @param hooks - what to report, and (in tests) how to commit.
   */
  constructor(
    conn: QueueConnection<Db>,
    options: WriteBehind,
    stores: StoreName[],
    write: (tx: Tx<'readwrite'>, buf: WriteBuffer) => Promise<void>,
    hooks: QueueHooks<Db> = {},
  ) {
    this.#conn = conn;
    this.#options = options;
    this.#hooks = hooks;
    this.#run =
      hooks.run ??
      ((db, buf, durability) =>
        runIn(db as LarderDatabase, stores, 'readwrite', (tx) => write(tx, buf), durability));
    conn.onBeforeClose((db) => {
      // Only when nothing is in flight: a second commit beside it could be merged back over
      // newer values if the first failed. Otherwise the buffer waits for the reopen.
      if (!this.#pending.empty && this.#inflight === undefined && this.#queued === 0) {
        this.#startNow(db, 'strict').catch(() => undefined);
      }
    });
  }

  /** The buffer that new writes go to; call {@link WriteBehindQueue.changed} after writing. */
  get pending(): WriteBuffer {
    return this.#pending;
  }

  /** Every buffer not committed yet, oldest first: what a read must overlay. */
  overlay(): WriteBuffer[] {
    const out: WriteBuffer[] = [];
    if (this.#freeing !== undefined) out.push(this.#freeing);
    if (this.#inflight !== undefined) out.push(this.#inflight);
    out.push(this.#pending);
    return out;
  }

  /** Bytes written but not committed yet. */
  get pendingBytes(): number {
    return this.#pending.bytes + (this.#inflight?.bytes ?? 0);
  }

  /** The id of the latest buffered write: 0 before the first. */
  get lastWrite(): number {
    return this.#lastWrite;
  }

  /**
   * Records one buffered write (call it once per write call, after changing {@link pending}),
   * then arms the write-behind timer, or commits at once past `maxBytes`.
   *
   * @returns the write's id.
   */
  changed(): number {
    this.#lastWrite += 1;
    if (this.#pending.firstWrite === 0) this.#pending.firstWrite = this.#lastWrite;
    this.#pending.lastWrite = this.#lastWrite;
    if (this.#stopped || this.#pending.empty) return this.#lastWrite;
    if (this.#pending.bytes >= this.#options.maxBytes) {
      this.#background();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#background();
      }, this.#options.maxDelayMs);
    }
    return this.#lastWrite;
  }

  /**
   * Commits everything buffered, after every commit under way.
   *
   * @param durability - 'strict' for an explicit flush: it resolves only once every write
   * buffered before the call is committed strictly, also those a relaxed background commit had
   * already taken. 'relaxed' for write-behind.
   * @returns the bytes of the writes this flush covered: for a strict flush, also those that
   * relaxed commits wrote since the last strict one.
   */
  flush(durability: IDBTransactionDurability): Promise<number> {
    const covered = this.pendingBytes + (durability === 'strict' ? this.#relaxedBytes : 0);
    // Nothing under way and the database open: start the transaction synchronously. On
    // pagehide this is the difference between a transaction that asked to commit before the
    // page went away and one that never started.
    const db = this.#conn.openNow;
    if (db !== undefined && this.#inflight === undefined && this.#queued === 0 && !this.#pending.empty) {
      return this.#startNow(db, durability).then(() => covered);
    }
    return this.#enqueue(async () => {
      const strictMarker = durability === 'strict' && this.#relaxedSinceStrict;
      if (this.#pending.empty && !strictMarker) return;
      const opened = await this.#conn.db();
      await this.#start(opened, durability);
    }).then(() => covered);
  }

  /** Drops the timer and stops arming it; the buffer stays for a final flush. */
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  /**
   * Drops everything buffered, for a store whose database is gone.
   *
   * @returns whether anything was dropped.
   */
  discard(): boolean {
    const had = !this.#pending.empty;
    this.#pending = new WriteBuffer();
    this.#clearTimer();
    return had;
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A write-behind commit: a failure is reported, then retried after a backoff. */
  #background(): void {
    this.#clearTimer();
    this.flush('relaxed').then(
      () => (this.#retryMs = 0),
      () => {
        if (this.#stopped || this.#timer !== undefined) return;
        this.#retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.#retryMs * 2));
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#background();
        }, this.#retryMs);
      },
    );
  }

  /** Runs `fn` after everything on the chain, as the chain's new last link. */
  #enqueue(fn: () => Promise<void>): Promise<void> {
    this.#queued += 1;
    const run = this.#tail.then(fn, fn).finally(() => (this.#queued -= 1));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Starts a commit synchronously and makes it the chain's last link. */
  #startNow(db: Db, durability: IDBTransactionDurability): Promise<void> {
    const run = this.#start(db, durability);
    this.#queued += 1;
    const done = run.finally(() => (this.#queued -= 1));
    this.#tail = done.catch(() => undefined);
    return done;
  }

  /** Swaps the buffer out and starts its transaction synchronously; one at a time. */
  #start(db: Db, durability: IDBTransactionDurability): Promise<void> {
    this.#clearTimer();
    const buf = this.#pending;
    this.#pending = new WriteBuffer();
    this.#inflight = buf;
    const through = buf.empty ? undefined : buf.lastWrite;
    const bytes = buf.bytes;
    const runFreeing = this.#hooks.runFreeing;
    const freeing = this.#full && runFreeing !== undefined ? buf.takeFreeing() : undefined;
    this.#freeing = freeing;
    const run =
      freeing === undefined || runFreeing === undefined
        ? this.#run(db, buf, durability)
        : runFreeing(db, freeing, durability).then(
            () => {
              this.#freeing = undefined;
              return buf.empty ? undefined : this.#run(db, buf, durability);
            },
            (e: unknown) => {
              // Nothing of it was committed: it goes back with the rest.
              this.#freeing = undefined;
              this.#inflight = buf.mergeOver(freeing);
              throw e;
            },
          );
    return run.then(
      () => {
        this.#full = false;
        this.#inflight = undefined;
        if (durability === 'strict') {
          this.#relaxedSinceStrict = false;
          this.#relaxedBytes = 0;
        } else {
          this.#relaxedSinceStrict = true;
          this.#relaxedBytes += bytes;
        }
        this.#hooks.committed?.(through ?? this.#lastCommittedBound(), durability);
      },
      (e: unknown) => {
        const failed = this.#inflight ?? buf;
        this.#inflight = undefined;
        // Safe because this was the only commit in flight: everything in `pending` is newer.
        this.#pending = this.#pending.mergeOver(failed);
        const error = toStoreError(e);
        this.#full = error.code === 'quota-exceeded';
        this.#hooks.failed?.(error, durability !== 'strict');
        throw error;
      },
    );
  }

  /** For an empty (strict marker) commit: every write older than the pending ones. */
  #lastCommittedBound(): number {
    return this.#pending.empty ? this.#lastWrite : this.#pending.firstWrite - 1;
  }
}
