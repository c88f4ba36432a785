import type { LeaseOptions } from '../contracts/lease.js';
import { invalid } from './validate.js';

/** The default {@link LeaseOptions.ttlMs}. */
const DEFAULT_TTL_MS = 15_000;

/**
 * Checks {@link LeaseOptions} and fills in the defaults. Kept apart from the lease client,
 * which loads on a lease's first call: `store.lease()` checks its arguments at once.
 */
export function checkLeaseOptions(key: unknown, options: unknown): Required<LeaseOptions> {
  if (typeof key !== 'string' || key === '') invalid('key must be a non-empty string');
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    invalid('options must be an object');
  }
  const { ttlMs = DEFAULT_TTL_MS, holder = crypto.randomUUID() } = (options ?? {}) as LeaseOptions;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 30) {
    invalid('ttlMs must be a number of milliseconds, at least 30');
  }
  if (typeof holder !== 'string' || holder === '') invalid('holder must be a non-empty string');
  return { ttlMs, holder };
}
