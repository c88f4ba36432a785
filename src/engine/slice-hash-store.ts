import type { DhtArc } from '../contracts/op-store.js';
import { packBytes, packedBuffers, type PackedBytes } from '../packed-bytes.js';
import type { Connection } from './connection.js';
import { STORES } from './schema.js';
import type { MarkTransfer } from './transfer.js';

/** Every slice hash of one arc: the indexes ascending, the hashes packed in the same order. */
export interface SliceHashList {
  indexes: Float64Array;
  hashes: PackedBytes;
}

/**
 * Slice hashes of the op store, keyed `[space, arc, sliceIndex]` with the arc as `[start, end]`
 * or `[]` for the empty arc: exact arc values are separate keys, and one arc's hashes are one key
 * range in index order. Arguments arrive validated by the client.
 */
export class SliceHashStore {
  readonly #conn: Connection;
  readonly #mark: MarkTransfer;

  constructor(conn: Connection, mark: MarkTransfer) {
    this.#conn = conn;
    this.#mark = mark;
  }

  /** Inserts or overwrites one hash. */
  async store(space: string, arc: DhtArc, index: number, hash: Uint8Array): Promise<void> {
    await this.#conn.run([STORES.sliceHashes], 'readwrite', (tx) =>
      tx.objectStore(STORES.sliceHashes).put(hash, [space, arcKey(arc), index]),
    );
  }

  /** Resolves the highest stored index + 1, or 0. */
  count(space: string, arc: DhtArc): Promise<number> {
    return this.#conn.run([STORES.sliceHashes], 'readonly', async (tx) => {
      const last = await tx.objectStore(STORES.sliceHashes).openKeyCursor(arcRange(space, arc), 'prev');
      return last === null ? 0 : last.key[2] + 1;
    });
  }

  /** Resolves one hash, or `undefined`. */
  async get(space: string, arc: DhtArc, index: number): Promise<Uint8Array | undefined> {
    const hash = await this.#conn.run([STORES.sliceHashes], 'readonly', (tx) =>
      tx.objectStore(STORES.sliceHashes).get([space, arcKey(arc), index]),
    );
    if (hash === undefined) return undefined;
    // Transfer only a buffer that holds exactly the hash.
    const out = hash.byteLength === hash.buffer.byteLength ? hash : hash.slice();
    return this.#mark(out, [out.buffer as ArrayBuffer]);
  }

  /** Resolves every hash of the arc, ascending by index. */
  async list(space: string, arc: DhtArc): Promise<SliceHashList> {
    const [keys, values] = await this.#conn.run([STORES.sliceHashes], 'readonly', (tx) => {
      const store = tx.objectStore(STORES.sliceHashes);
      const range = arcRange(space, arc);
      return Promise.all([store.getAllKeys(range), store.getAll(range)]);
    });
    const indexes = Float64Array.from(keys, (k) => k[2]);
    const hashes = packBytes(values);
    return this.#mark({ indexes, hashes }, [indexes.buffer, ...packedBuffers(hashes)]);
  }
}

/** The arc as a key part: `[]` for the empty arc, which no `[start, end]` equals. */
function arcKey(arc: DhtArc): number[] {
  return arc === null ? [] : [arc[0], arc[1]];
}

/** Every `[space, arc, index]` key: numbers sort below arrays (IndexedDB key order). */
function arcRange(space: string, arc: DhtArc): IDBKeyRange {
  const key = arcKey(arc);
  return IDBKeyRange.bound([space, key], [space, key, []]);
}
