/**
 * An `ops` record: what the queries need, without the op's bytes (those are in `opData`, so
 * queries never load them). Keyed by {@link opKey}.
 */
export interface OpRecord {
  space: string;
  /** The op id: the same bytes as the key's last part. */
  id: ArrayBuffer;
  /** `opIdLoc(id)`, indexed as `[space, loc, storedAt]`. */
  loc: number;
  /** Microseconds since the epoch, from the op. */
  createdAt: number;
  /** The op clock's time when first stored, unique in the store; indexed as `[space, storedAt]`. */
  storedAt: number;
  /** What the op counts for in totals and budgets. */
  size: number;
}

/**
 * The key of an `ops` record: in time order, so a time slice is one key range, and holding the
 * id and size, so a time slice reads keys only. Unique, since ids are unique in a space.
 */
export type OpKey = [space: string, createdAt: number, id: ArrayBuffer, size: number];

/** The key of the `ops` record `r`. */
export function opKey(r: OpRecord): OpKey {
  return [r.space, r.createdAt, r.id, r.size];
}
