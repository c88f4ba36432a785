/**
 * An `ops` record: what the queries need, without the op's bytes (those are in `opData`, so
 * queries never load them). Keyed by `[space, createdAt, id]`.
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
