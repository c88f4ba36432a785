/** The part of an index (or object store) a pager reads, as `idb` offers it. */
export interface PagedSource {
  getAll(query: IDBKeyRange, count?: number): Promise<unknown[]>;
}

/** First chunk size: most scans stop early (a budget is hit, a first match is found). */
const FIRST_CHUNK = 64;
/** Chunks double up to this, so a long scan costs few requests without reading far past need. */
const MAX_CHUNK = 4096;

/**
 * Reads the records of a `[space, field]` index in ascending order, chunk by chunk, within one
 * transaction, so a scan that stops early reads little more than it used.
 *
 * @remarks
 * `getAll` cannot resume at a position between records with equal index keys (that takes a
 * cursor, whose one event per record is far slower). So each chunk starts again at the last
 * key read and skips the records of that key that were already returned: equal keys are ordered
 * by primary key, which is stable within the transaction.
 */
export class IndexPager<R extends Record<F, number>, F extends string> {
  readonly #source: PagedSource;
  readonly #space: string;
  readonly #field: F;
  readonly #to: number;
  #from: number;
  #skip = 0;
  #size = FIRST_CHUNK;
  #done = false;

  /**
   * @param source - an index keyed `[space, field]`, in an active transaction.
   * @param space - the space to read.
   * @param field - the record's numeric field that the index orders by.
   * @param from - the lowest field value to read, inclusive.
   * @param to - the highest field value to read, inclusive.
   */
  constructor(source: PagedSource, space: string, field: F, from: number, to: number) {
    this.#source = source;
    this.#space = space;
    this.#field = field;
    this.#from = from;
    this.#to = to;
  }

  /** True once every record in the range has been returned. */
  get done(): boolean {
    return this.#done;
  }

  /** Resolves the next records in index order; `[]` once {@link IndexPager.done}. */
  async next(): Promise<R[]> {
    if (this.#done) return [];
    const range = IDBKeyRange.bound([this.#space, this.#from], [this.#space, this.#to]);
    const want = this.#skip + this.#size;
    const got = (await this.#source.getAll(range, want)) as R[];
    if (got.length < want) this.#done = true;
    const fresh = got.slice(this.#skip);
    const last = got.at(-1);
    if (last !== undefined) {
      const key = last[this.#field];
      let same = 0;
      for (let i = got.length - 1; i >= 0 && (got[i] as R)[this.#field] === key; i--) same++;
      this.#from = key;
      this.#skip = same;
    }
    this.#size = Math.min(this.#size * 2, MAX_CHUNK);
    return fresh;
  }
}
