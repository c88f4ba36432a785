import type { Durability, LostWrite, SaveStatus, WriteReceipt } from '../contracts/store.js';
import type { StoreError } from '../store-error.js';

/** An acknowledged write tracked until a commit covers it. */
interface TrackedWrite extends LostWrite {
  id: number;
  bytes: number;
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

  /** A write was sent; `done` settles when its id comes back. */
  sending(done: Promise<unknown>): void {
    this.#sending.add(done);
    const forget = () => this.#sending.delete(done);
    done.then(forget, forget);
  }

  /** A write's id came back (or it failed: `id` undefined). */
  sent(method: string, target: string, id: number | undefined, bytes: number): void {
    if (id === undefined) return;
    this.#lastId = Math.max(this.#lastId, id);
    if (id > this.#committedThrough) {
      this.#unsaved.push({ id, method, target, bytes });
      this.#unsavedBytes += bytes;
      this.#queueStatus();
    }
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
    const lost = this.#unsaved.map(({ method, target }) => ({ method, target }));
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
      unsavedBytes: this.#unsavedBytes,
      unsavedWrites: this.#unsaved.length,
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
