import type { Consensus } from '../contracts/consensus.js';
import type { HeldLease } from '../contracts/lease.js';
import { StoreError, toStoreError } from '../store-error.js';
import { checkNote, LEASE_KEY_PREFIX, writeLease, type LeaseHead, type LeaseRecord } from './lease-record.js';
import type { HeldLock } from './web-lock.js';

/** How many versions of a lease's record are kept, for those who read its history. */
const KEEP_VERSIONS = 32n;

/**
 * A lease this store holds: it renews its record every third of the TTL and gives up as soon
 * as it learns that it lost the lease.
 */
export class HeldLeaseClient implements HeldLease {
  readonly key: string;
  readonly holder: string;
  readonly token: bigint;
  readonly #consensus: Consensus;
  readonly #ttlMs: number;
  readonly #lock: HeldLock | undefined;
  readonly #ended: (lease: HeldLeaseClient) => void;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setInterval>;
  #head: LeaseHead;
  /** Renewals and the release, one at a time: each names the version the last one wrote. */
  #chain: Promise<unknown> = Promise.resolve();

  /**
   * @param consensus - the store's consensus, which holds the record.
   * @param key - the lease's key.
   * @param head - the version that acquired it.
   * @param ttlMs - how long a claim lasts.
   * @param lock - the Web Lock held with it, where there are Web Locks.
   * @param ended - told once this lease is released or lost.
   */
  constructor(
    consensus: Consensus,
    key: string,
    head: LeaseHead,
    ttlMs: number,
    lock: HeldLock | undefined,
    ended: (lease: HeldLeaseClient) => void,
  ) {
    this.#consensus = consensus;
    this.key = key;
    this.holder = head.record.holder;
    this.token = head.seqno;
    this.#head = head;
    this.#ttlMs = ttlMs;
    this.#lock = lock;
    this.#ended = ended;
    lock?.onStolen(() => this.#lose('taken over by another tab after this holder stopped renewing it'));
    this.#timer = setInterval(() => {
      // A failed renewal is retried by the next tick; past the expiry, another tab takes over.
      this.renew().catch(() => undefined);
    }, ttlMs / 3);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  renew(): Promise<boolean> {
    return this.#serial(async () => {
      if (this.signal.aborted) return false;
      if (this.#lock?.gone) {
        this.#lose('taken over by another tab after this holder stopped renewing it');
        return false;
      }
      const expiresAt = Date.now() + this.#ttlMs;
      return this.#advance({ ...this.#head.record, expiresAt }, 'taken over by another holder');
    });
  }

  release(note?: unknown): Promise<void> {
    return this.#serial(async () => {
      checkNote(note);
      if (this.signal.aborted) return;
      // Without a note of its own, the release keeps the one the lease carried.
      const record: LeaseRecord = {
        ...this.#head.record,
        state: 'released',
        expiresAt: 0,
        ...(note === undefined ? {} : { note }),
      };
      try {
        if (await this.#advance(record, 'taken over by another holder')) this.#lose('released', 'closed');
      } catch (e) {
        // Not released in the store: it expires on its own. This holder stops either way.
        this.#lose('released', 'closed');
        throw toStoreError(e);
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  /** Ends this lease without a write: its store is closing. */
  drop(): void {
    this.#lose('dropped: its store closed', 'closed');
  }

  /** Writes the next version; on a mismatch the lease was lost. */
  async #advance(record: LeaseRecord, lostAs: string): Promise<boolean> {
    const seqno = this.#head.seqno + 1n;
    if (!(await writeLease(this.#consensus, this.key, this.#head.seqno, seqno, record))) {
      this.#lose(lostAs);
      return false;
    }
    this.#head = { seqno, record };
    if (seqno % KEEP_VERSIONS === 0n) {
      this.#consensus
        .truncate(LEASE_KEY_PREFIX + this.key, seqno - KEEP_VERSIONS + 1n)
        .catch(() => undefined);
    }
    return true;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #lose(why: string, code: 'conflict' | 'closed' = 'conflict'): void {
    if (this.signal.aborted) return;
    clearInterval(this.#timer);
    this.#lock?.release();
    this.#controller.abort(new StoreError(code, `The lease "${this.key}" was ${why}`));
    this.#ended(this);
  }
}
