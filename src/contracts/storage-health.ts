/** Bytes that some of a store's data takes, by kind. */
export interface StoredUsage {
  /** Stored change bytes, removed or overwritten ones included until compaction drops them. */
  changes: number;
  /** The document (snapshot) bytes. */
  document: number;
  /** Sync-state bytes. */
  syncStates: number;
  /** The sum of the three. */
  total: number;
}

/** What {@link Store.health} reports. */
export interface StorageHealth {
  /**
   * The origin's storage, as `navigator.storage.estimate()` reports it (every store, database
   * and cache of the origin), `undefined` where the browser does not say.
   */
  origin: {
    usage: number | undefined;
    quota: number | undefined;
    /** `quota - usage`: what is left before writes fail with 'quota-exceeded'. */
    available: number | undefined;
    /** Whether the origin's storage is persistent (not evicted under pressure); see `requestPersistence`. */
    persisted: boolean | undefined;
  };
  /** This store's Persister data, from kept counters (read in O(1), not by reading the data). */
  store: StoredUsage & {
    /** Documents with anything stored. */
    documents: number;
  };
  /** One document's Persister data, when `docId` was asked for. */
  document?: StoredUsage;
  /** True when `available` is below 50 MiB, or below a tenth of the quota. */
  lowSpace: boolean;
}
