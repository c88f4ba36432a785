/** How a {@link Lease} behaves. */
export interface LeaseOptions {
  /**
   * How long a holder's claim lasts without a renewal, in ms (default 15000). A held lease
   * renews itself every third of it; a holder that stops renewing (a frozen tab) can be taken
   * over once it has passed.
   */
  ttlMs?: number;
  /** Who holds it, as others read it in {@link LeaseState.holder} (default: a random id). */
  holder?: string;
}

/** A lease's state, as its record in the store says. */
export interface LeaseState {
  /** The last holder (the one holding it, when `held`). */
  holder: string;
  /** Someone holds it now: claimed, not released, and not past `expiresAt`. */
  held: boolean;
  /** When the holder's claim ends unless renewed (ms since the epoch); 0 once released. */
  expiresAt: number;
  /** The fencing token of the last acquisition: each acquisition's is greater than the last. */
  token: bigint;
  /** What a holder last left with {@link HeldLease.release}, carried until one leaves another. */
  note?: unknown;
}

/**
 * One holder at a time per key, across every tab and worker of the origin: for leader work
 * such as compaction, that two tabs must never do at once.
 *
 * @remarks
 * Where Web Locks exist, the lease is a Web Lock (`larder:lease:<database>:<key>`) together with
 * a record in the store's {@link Consensus} (under the key `larder:lease:<key>`) that holds the
 * holder, its expiry and its fencing token, and that every renewal advances:
 * - a holder that closes or crashes lets go of its Web Lock at once, so the next tab takes the
 *   lease at once, without waiting for the expiry;
 * - a holder that is frozen (Page Lifecycle freeze, a suspended device) keeps its Web Lock but
 *   stops renewing: once `ttlMs` have passed since its last renewal, another tab steals the Web
 *   Lock and takes the lease with a greater token. When the frozen tab resumes, its
 *   {@link HeldLease.signal} is aborted and {@link HeldLease.renew} resolves false: it must
 *   stop. Work it started before the freeze may still complete, which is what the fence is for:
 *   call `renew()` right before anything irreversible, or pass `token` to whatever checks it.
 *
 * Without Web Locks the record alone decides, so a closed holder blocks others until its expiry.
 */
export interface Lease {
  /** The lease's key. */
  readonly key: string;
  /**
   * Takes the lease if nobody holds it, or if its holder's claim has expired.
   * @returns the held lease, or `undefined` when another holder has it.
   */
  tryAcquire(): Promise<HeldLease | undefined>;
  /**
   * Waits until the lease is free (released, its holder gone or expired), then takes it.
   * @throws {@link StoreError} code 'aborted' when `options.signal` aborts first.
   */
  acquire(options?: { signal?: AbortSignal }): Promise<HeldLease>;
  /** Resolves the lease's state, or `undefined` when it was never taken. */
  read(): Promise<LeaseState | undefined>;
}

/** A lease this store holds, until it is released or lost. */
export interface HeldLease extends AsyncDisposable {
  readonly key: string;
  readonly holder: string;
  /** This acquisition's fencing token: greater than every earlier holder's. */
  readonly token: bigint;
  /**
   * Aborted once this holder no longer holds the lease: released, taken over (after a freeze),
   * not renewable, or its store closed. The reason is a {@link StoreError}.
   */
  readonly signal: AbortSignal;
  /**
   * Extends the claim by `ttlMs` now: a fence before irreversible work.
   * @returns whether the lease is still held; false once it was lost.
   */
  renew(): Promise<boolean>;
  /**
   * Gives the lease up (idempotent), leaving `note` for the next reader of {@link Lease.read}
   * (without one, the note the lease carried stays).
   * @throws {@link StoreError} code 'invalid-argument' when `note` cannot be stored as JSON.
   */
  release(note?: unknown): Promise<void>;
}
