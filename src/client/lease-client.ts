import type { Consensus } from '../contracts/consensus.js';
import type { HeldLease, Lease, LeaseOptions, LeaseState } from '../contracts/lease.js';
import { StoreError } from '../store-error.js';
import { HeldLeaseClient } from './held-lease.js';
import { isHeld, LEASE_KEY_PREFIX, readLeaseHead, toLeaseState, writeLease } from './lease-record.js';
import { invalid } from './validate.js';
import { requestLock, webLocks, type HeldLock } from './web-lock.js';

/** How many times a holder of the Web Lock retries its compare-and-set before it gives up. */
const CLAIM_ATTEMPTS = 8;

/** What the leases of one store share. */
export interface LeaseHost {
  /** The store's consensus, which holds every lease's record. */
  consensus: Consensus;
  /** The store's database name, which scopes the Web Locks. */
  database: string;
  /** Every lease the store holds now, so that closing the store ends them. */
  held: Set<HeldLeaseClient>;
  /** Throws the store's failure ('closed', or a lost engine or database), if any. */
  check(): void;
}

/**
 * The {@link Lease} of one key: its Web Lock and its record in the store's consensus.
 */
export class LeaseClient implements Lease {
  readonly key: string;
  readonly #host: LeaseHost;
  readonly #options: Required<LeaseOptions>;
  readonly #lockName: string;

  /**
   * @param host - what the store's leases share.
   * @param key - the lease's key.
   * @param options - checked options.
   */
  constructor(host: LeaseHost, key: string, options: Required<LeaseOptions>) {
    this.#host = host;
    this.key = key;
    this.#options = options;
    this.#lockName = `larder:lease:${host.database}:${key}`;
  }

  async read(): Promise<LeaseState | undefined> {
    this.#host.check();
    const head = await readLeaseHead(this.#host.consensus, this.key);
    return head === undefined ? undefined : toLeaseState(head);
  }

  async tryAcquire(): Promise<HeldLease | undefined> {
    this.#host.check();
    const locks = webLocks();
    if (locks === undefined) return this.#claim(undefined);
    const free = await requestLock(locks, this.#lockName, { ifAvailable: true });
    if (free !== undefined) return this.#claim(free);
    const head = await readLeaseHead(this.#host.consensus, this.key);
    // Someone holds the Web Lock. With a live claim, or no claim yet (a holder between taking
    // the lock and writing its record), the lease is theirs.
    if (head === undefined || head.record.state === 'released' || isHeld(head.record)) return undefined;
    // Its claim expired, yet it keeps the lock: frozen or hung. Take the lock from it.
    return this.#claim(await requestLock(locks, this.#lockName, { steal: true }));
  }

  async acquire(options: { signal?: AbortSignal } = {}): Promise<HeldLease> {
    const signal = (options as { signal?: unknown } | undefined)?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) invalid('signal must be an AbortSignal');
    for (;;) {
      if (signal?.aborted) throw aborted(this.key, signal.reason);
      const held = await this.tryAcquire();
      if (held !== undefined) return held;
      const waited = await this.#waitForTurn(signal);
      if (waited !== undefined) return waited;
    }
  }

  /**
   * Waits until the lease may be free: its Web Lock is granted (then claims it), its record
   * changes, or its holder's claim expires.
   */
  async #waitForTurn(signal: AbortSignal | undefined): Promise<HeldLease | undefined> {
    const state = await this.read();
    const wake = new AbortController();
    const stop = () => wake.abort();
    signal?.addEventListener('abort', stop);
    const unsubscribe = this.#host.consensus.subscribe((c) => {
      if (c.key === LEASE_KEY_PREFIX + this.key) stop();
    });
    // Past the claim's expiry a frozen holder can be taken over; a released record with a busy
    // lock is a holder about to write its claim, checked again after one TTL at the latest.
    const untilExpiry = state?.held ? state.expiresAt - Date.now() + 1 : this.#options.ttlMs;
    const timer = setTimeout(stop, Math.max(0, untilExpiry));
    try {
      const locks = webLocks();
      if (locks === undefined) {
        await new Promise((resolve) => wake.signal.addEventListener('abort', resolve));
        return undefined;
      }
      const lock = await requestLock(locks, this.#lockName, { signal: wake.signal }).catch(() => undefined);
      return lock === undefined ? undefined : await this.#claim(lock);
    } finally {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * Writes this holder's claim. Holding the Web Lock entitles it to the lease whatever the
   * record says (a holder without the lock has lost it); without Web Locks, only a record that
   * nobody holds may be claimed.
   */
  async #claim(lock: HeldLock | undefined): Promise<HeldLease | undefined> {
    let claimed = false;
    try {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        if (lock?.gone) return undefined;
        const head = await readLeaseHead(this.#host.consensus, this.key);
        if (lock === undefined && head !== undefined && isHeld(head.record)) return undefined;
        const seqno = (head?.seqno ?? 0n) + 1n;
        const note = head?.record.note;
        const record = {
          v: 1 as const,
          holder: this.#options.holder,
          state: 'held' as const,
          expiresAt: Date.now() + this.#options.ttlMs,
          token: String(seqno),
          ...(note === undefined ? {} : { note }),
        };
        if (await writeLease(this.#host.consensus, this.key, head?.seqno, seqno, record)) {
          const held = new HeldLeaseClient(
            this.#host.consensus,
            this.key,
            { seqno, record },
            this.#options.ttlMs,
            lock,
            (h) => this.#host.held.delete(h),
          );
          this.#host.held.add(held);
          claimed = true;
          return held;
        }
        // Without the lock, a mismatch is another claim that won; with it, a late write of the
        // holder it replaces, which stops at its next renewal: read again.
        if (lock === undefined) return undefined;
      }
      return undefined;
    } finally {
      if (!claimed) lock?.release();
    }
  }
}

function aborted(key: string, reason: unknown): StoreError {
  return new StoreError('aborted', `Waiting for the lease "${key}" was aborted`, { cause: reason });
}
