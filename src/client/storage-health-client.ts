import type { StorageHealth, StoredUsage } from '../contracts/storage-health.js';
import type { UsageTotals } from '../engine/engine-api.js';
import { checkString, invalid } from './validate.js';

/** Below this many bytes left, or a tenth of the quota, a store's health says `lowSpace`. */
const LOW_SPACE_BYTES = 50 * 1024 * 1024;

/** The origin's storage as the browser reports it. */
export async function originStorage(): Promise<StorageHealth['origin']> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  const [estimate, persisted] = await Promise.all([
    storage?.estimate?.().catch(() => undefined),
    // `persisted()` is missing in some workers of some browsers.
    typeof storage?.persisted === 'function' ? storage.persisted().catch(() => undefined) : undefined,
  ]);
  const { usage, quota } = estimate ?? {};
  return {
    usage,
    quota,
    available: usage === undefined || quota === undefined ? undefined : Math.max(0, quota - usage),
    persisted,
  };
}

/** Checks the options of `store.health()`, returning the docId asked for. */
export function checkHealthOptions(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  const { docId } = options as { docId?: unknown };
  if (docId !== undefined) checkString(docId, 'docId', true);
  return docId as string | undefined;
}

/** Puts a store's health together from the browser's report and the engine's counters. */
export function toHealth(origin: StorageHealth['origin'], usage: UsageTotals): StorageHealth {
  const { available, quota } = origin;
  return {
    origin,
    store: { ...withTotal(usage.store), documents: usage.store.documents },
    ...(usage.document === undefined ? {} : { document: withTotal(usage.document) }),
    lowSpace:
      available !== undefined &&
      (available < LOW_SPACE_BYTES || (quota !== undefined && available < quota / 10)),
  };
}

function withTotal(u: { changes: number; document: number; syncStates: number }): StoredUsage {
  return {
    changes: u.changes,
    document: u.document,
    syncStates: u.syncStates,
    total: u.changes + u.document + u.syncStates,
  };
}
