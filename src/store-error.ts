/**
 * The reason a larder call failed, as a stable string.
 *
 * - `'invalid-argument'`: bad input; nothing was written.
 * - `'not-found'`, `'conflict'`: as the contracts define them.
 * - `'quota-exceeded'`: the origin's storage is full; buffered writes stay buffered.
 * - `'closed'`: the store was closed by its caller.
 * - `'blocked'`: another connection holds the database (an open, upgrade or delete gave up).
 * - `'aborted'`: the transaction was aborted by the browser.
 * - `'engine-lost'`: the engine's worker failed to start or died; the store is unusable, and
 *   the `'engine-lost'` event lists the acknowledged writes that were not committed.
 * - `'storage-lost'`: the store's database was deleted or cleared under it, or between
 *   sessions; larder does not recreate it silently.
 * - `'unknown'`: anything else; the platform error is in `cause`.
 */
export type StoreErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'conflict'
  | 'quota-exceeded'
  | 'closed'
  | 'blocked'
  | 'aborted'
  | 'engine-lost'
  | 'storage-lost'
  | 'unknown';

const CODES: ReadonlySet<string> = new Set<StoreErrorCode>([
  'invalid-argument',
  'not-found',
  'conflict',
  'quota-exceeded',
  'closed',
  'blocked',
  'aborted',
  'engine-lost',
  'storage-lost',
  'unknown',
]);

/**
 * The one error type every larder call rejects with.
 *
 * @remarks
 * The platform error that caused it, if any, is kept in `cause`. A `StoreError` thrown in the
 * worker arrives on the main thread as a `StoreError` with the same `code`.
 */
export class StoreError extends Error {
  /** What went wrong, for programs: compare this, not the message. */
  readonly code: StoreErrorCode;

  /**
   * @param code - the error's code.
   * @param message - a sentence for people.
   * @param options - `cause`, the original error.
   */
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/**
 * Tells whether `e` is a {@link StoreError}, optionally of one code.
 *
 * @param e - anything caught.
 * @param code - when given, the code `e` must have.
 * @returns true when `e` is a `StoreError` (of `code`).
 * @example
 * ```ts
 * try { await ops.getLatest(); } catch (e) { if (!isStoreError(e, 'not-found')) throw e; }
 * ```
 */
export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}

/** Tells whether `code` is one of the known {@link StoreErrorCode}s. */
export function isStoreErrorCode(code: unknown): code is StoreErrorCode {
  return typeof code === 'string' && CODES.has(code);
}

const BY_DOM_NAME: Readonly<Record<string, StoreErrorCode>> = {
  QuotaExceededError: 'quota-exceeded',
  ConstraintError: 'conflict',
  AbortError: 'aborted',
  InvalidStateError: 'closed',
  TransactionInactiveError: 'aborted',
  DataError: 'invalid-argument',
  DataCloneError: 'invalid-argument',
  VersionError: 'blocked',
};

/** Throws `invalid-argument` with `message`: bad input, nothing changed. */
export function invalid(message: string): never {
  throw new StoreError('invalid-argument', message);
}

/**
 * Translates anything thrown by the platform into a {@link StoreError}, once, by
 * `DOMException.name`; a `StoreError` passes through unchanged.
 *
 * @param e - the caught value.
 * @returns a `StoreError` whose `cause` is `e`.
 */
export function toStoreError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const name = e instanceof Error || isDomException(e) ? (e as { name: string }).name : '';
  const code = BY_DOM_NAME[name] ?? 'unknown';
  const message = e instanceof Error || isDomException(e) ? (e as Error).message : String(e);
  return new StoreError(code, message || name || 'IndexedDB failed', { cause: e });
}

function isDomException(e: unknown): boolean {
  return typeof DOMException !== 'undefined' && e instanceof DOMException;
}

/** A {@link StoreError} as plain, structured-cloneable data, to cross a thread boundary. */
export interface WireError {
  code: StoreErrorCode;
  message: string;
  /** The platform error that caused it, by name and message. */
  cause?: { name: string; message: string };
}

/** Turns a {@link StoreError} into a {@link WireError}. */
export function toWireError(e: StoreError): WireError {
  const cause = e.cause as { name?: unknown; message?: unknown } | null | undefined;
  return {
    code: e.code,
    message: e.message,
    ...(typeof cause === 'object' && cause !== null
      ? { cause: { name: String(cause.name ?? 'Error'), message: String(cause.message ?? '') } }
      : {}),
  };
}

/**
 * Rebuilds a {@link StoreError} from a {@link WireError}, its cause a `DOMException` of the
 * same name and message where the platform has one.
 */
export function fromWireError(w: WireError): StoreError {
  let cause: Error | undefined;
  if (w.cause !== undefined) {
    cause =
      typeof DOMException === 'undefined'
        ? Object.assign(new Error(w.cause.message), { name: w.cause.name })
        : new DOMException(w.cause.message, w.cause.name);
  }
  return new StoreError(w.code, w.message, cause === undefined ? undefined : { cause });
}
