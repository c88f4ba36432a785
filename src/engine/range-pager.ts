/** What a pager reads: an object store or an index, as `idb` offers them. */
export interface PagedSource {
  getAll(query: IDBKeyRange, count?: number): Promise<unknown[]>;
}

/** First chunk size: most scans stop early (a budget is hit, a first match is found). */
const FIRST_CHUNK = 64;
/** Chunks double up to this, so a long scan costs few requests without reading far past need. */
const MAX_CHUNK = 4096;

/**
 * Reads the records of a key range in ascending order, chunk by chunk, within one transaction,
 * so a scan that stops early reads little more than it used.
 *
 * @remarks
 * Each chunk resumes just after the key of the last record read, which `keyOf` rebuilds from
 * the record. That needs keys unique within the range: larder's op indexes end in `storedAt`,
 * unique per store, for this. (A cursor's `continuePrimaryKey` could resume among equal keys,
 * but a cursor fires one event per record, far slower than `getAll`.)
 */
export class RangePager<R> {
  readonly #source: PagedSource;
  readonly #upper: IDBValidKey;
  readonly #keyOf: (record: R) => IDBValidKey;
  #lower: IDBValidKey;
  #lowerOpen = false;
  #size = FIRST_CHUNK;
  #done = false;

  /**
   * @param source - an object store or index in an active transaction.
   * @param lower - the lowest key to read, inclusive.
   * @param upper - the highest key to read, inclusive.
   * @param keyOf - the source's key of a record it returned.
   */
  constructor(
    source: PagedSource,
    lower: IDBValidKey,
    upper: IDBValidKey,
    keyOf: (record: R) => IDBValidKey,
  ) {
    this.#source = source;
    this.#lower = lower;
    this.#upper = upper;
    this.#keyOf = keyOf;
  }

  /** True once every record in the range has been returned. */
  get done(): boolean {
    return this.#done;
  }

  /** Resolves the next records in key order; `[]` once {@link RangePager.done}. */
  async next(): Promise<R[]> {
    if (this.#done) return [];
    const range = IDBKeyRange.bound(this.#lower, this.#upper, this.#lowerOpen, false);
    const got = (await this.#source.getAll(range, this.#size)) as R[];
    if (got.length < this.#size) this.#done = true;
    const last = got.at(-1);
    if (last !== undefined) {
      this.#lower = this.#keyOf(last);
      this.#lowerOpen = true;
    }
    this.#size = Math.min(this.#size * 2, MAX_CHUNK);
    return got;
  }
}
