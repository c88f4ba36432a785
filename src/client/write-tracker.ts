import type { Durability, LostWrite, SaveStatus, WriteReceipt } from '../contracts/store.js';
import type { StoreError } from '../store-error.js';

/** An acknowledged write, as the client knows it before the engine has given it an id. */
export interface PendingWrite extends LostWrite {
  bytes: number;
}

/** An acknowledged write tracked until a commit covers it. */
interface TrackedWrite extends PendingWrite {
  id: number;
}

interface Waiter {
  through: number;
  strict: boolean;
  resolve(): void;
  reject(e: StoreError): void;
}

/**
 * Tracks a store's buffered writes by the ids their engine gave them, against the engine's
 * commit reports: what is unsaved, receipts for what was written, and exactly which
 * acknowledged writes a lost engine or database took.
 */
export class WriteTracker {
  readonly #onStatus: (status: SaveStatus) => void;
  /** Sends under way: their ids are not known yet. */
  readonly #sending = new Set<Promise<unknown>>();
  /**
   * Acknowledged writes whose id is not known yet (queued in the write pipe, or sent), by
   * batch: a lost engine takes them too.
   */
  readonly #inFlight = new Set<PendingWrite[]>();
  /** Their count and bytes, kept as they change: the save status is read after every write. */
  #inFlightWrites = 0;
  #inFlightBytes = 0;
  /** Acknowledged writes the engine refused: lost, reported with the store's failure. */
  #refused: PendingWrite[] = [];
  /** Acknowledged writes not yet covered by a commit report, oldest first. */
  #unsaved: TrackedWrite[] = [];
  #unsavedBytes = 0;
  #lastId = 0;
  #committedThrough = 0;
  #strictThrough = 0;
  #lastStrictCommit: number | undefined;
  #waiters: Waiter[] = [];
  #failure: StoreError | undefined;
  #statusQueued = false;

  /** @param onStatus - called with the save status after it changed, at most once a microtask. */
  constructor(onStatus: (status: SaveStatus) => void) {
    this.#onStatus = onStatus;
  }

  /**
   * Tracks a batch of writes that were acknowledged before the engine gave them an id: `done`
   * resolves that id, or rejects when the engine refused them (they are lost, and reported as
   * lost writes when the store fails; see {@link WriteTracker.fail}). `writes` may still grow
   * until `done` settles.
   */
  track(done: Promise<number>, writes: PendingWrite[]): void {
    this.#inFlight.add(writes);
    this.#sending.add(done);
    const settled = (): boolean => {
      this.#sending.delete(done);
      if (!this.#inFlight.delete(writes)) return false; // the store failed first: reported
      for (const w of writes) {
        this.#inFlightWrites -= 1;
        this.#inFlightBytes -= w.bytes;
      }
      return true;
    };
    done.then(
      (id) => {
        if (settled()) this.#sent(writes, id);
      },
      () => {
        if (settled()) this.#refused.push(...writes);
      },
    );
  }

  /** A write of `bytes` was acknowledged (queued in the write pipe, in a tracked batch). */
  acknowledged(bytes: number): void {
    this.#inFlightWrites += 1;
    this.#inFlightBytes += bytes;
    this.#queueStatus();
  }

  /** The id of `writes` came back. */
  #sent(writes: readonly PendingWrite[], id: number): void {
    this.#lastId = Math.max(this.#lastId, id);
    if (id <= this.#committedThrough) return;
    for (const { method, target, bytes } of writes) {
      this.#unsaved.push({ id, method, target, bytes });
      this.#unsavedBytes += bytes;
    }
    this.#queueStatus();
  }

  /** The engine committed every write up to `through`. */
  committed(through: number, durability: 'strict' | 'relaxed'): void {
    if (durability === 'strict') {
      this.#strictThrough = Math.max(this.#strictThrough, through);
      this.#lastStrictCommit = Date.now();
    }
    if (through > this.#committedThrough) {
      this.#committedThrough = through;
      let i = 0;
      while (i < this.#unsaved.length && (this.#unsaved[i] as TrackedWrite).id <= through) {
        this.#unsavedBytes -= (this.#unsaved[i] as TrackedWrite).bytes;
        i++;
      }
      if (i > 0) this.#unsaved = this.#unsaved.slice(i);
    }
    this.#waiters = this.#waiters.filter((w) => {
      const done = w.through <= (w.strict ? this.#strictThrough : this.#committedThrough);
      if (done) w.resolve();
      return !done;
    });
    this.#queueStatus();
  }

  /**
   * The engine or its database is gone: rejects every receipt still waiting.
   *
   * @returns the acknowledged writes that no commit covered.
   */
  fail(error: StoreError): LostWrite[] {
    this.#failure ??= error;
    const lost = [...this.#refused, ...this.#unsaved, ...[...this.#inFlight].flat()].map(
      ({ method, target }) => ({
        method,
        target,
      }),
    );
    this.#refused = [];
    this.#inFlight.clear();
    this.#inFlightWrites = 0;
    this.#inFlightBytes = 0;
    this.#unsaved = [];
    this.#unsavedBytes = 0;
    for (const w of this.#waiters) w.reject(error);
    this.#waiters = [];
    return lost;
  }

  /** The store closed after a final strict flush: everything acknowledged is committed. */
  closed(): void {
    this.committed(this.#lastId, 'strict');
  }

  /** Whether any write is sent and not known to be committed. */
  hasUnsaved(): boolean {
    return this.#sending.size > 0 || this.#unsaved.length > 0;
  }

  status(): SaveStatus {
    return {
      unsavedBytes: this.#unsavedBytes + this.#inFlightBytes,
      unsavedWrites: this.#unsaved.length + this.#inFlightWrites,
      lastStrictCommit: this.#lastStrictCommit,
    };
  }

  /** A receipt for every write sent so far, awaited or not. */
  receipt(): WriteReceipt {
    // Writes still on their way get their ids soon; the receipt covers them too.
    const pending = [...this.#sending];
    let through: number | undefined = pending.length === 0 ? this.#lastId : undefined;
    const known =
      through !== undefined
        ? Promise.resolve(through)
        : Promise.allSettled(pending).then(() => (through = this.#lastId));
    const wait = (strict: boolean) =>
      known.then(
        (t) =>
          new Promise<void>((resolve, reject) => {
            if (t <= (strict ? this.#strictThrough : this.#committedThrough)) resolve();
            else if (this.#failure !== undefined) reject(this.#failure);
            else this.#waiters.push({ through: t, strict, resolve, reject });
          }),
      );
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tracker = this;
    return {
      get state(): Durability {
        if (through === undefined) return 'buffered';
        if (through <= tracker.#strictThrough) return 'strict';
        return through <= tracker.#committedThrough ? 'committed' : 'buffered';
      },
      committed: () => wait(false),
      strict: () => wait(true),
    };
  }

  #queueStatus(): void {
    if (this.#statusQueued) return;
    this.#statusQueued = true;
    queueMicrotask(() => {
      this.#statusQueued = false;
      this.#onStatus(this.status());
    });
  }
}
