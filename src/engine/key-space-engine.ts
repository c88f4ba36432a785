import type { KeyRangeOptions } from '../contracts/key-space.js';
import type { CorruptRecord } from '../contracts/store.js';
import { packBytes, packedBuffers, type PackedBytes } from '../packed-bytes.js';
import { runIn, type Connection, type Tx } from './connection.js';
import { compareKeys, isPrefix, keyId, type KeySpaceBuffer } from './key-space-buffer.js';
import { nowMicros, opClockNext } from './op-clock.js';
import { keyValueProblem, sealKeyValue, type KeyRecord } from './record-checksums.js';
import { RecordQuarantine, type FoundCorrupt } from './record-quarantine.js';
import { STORES } from './schema.js';
import type { MarkTransfer } from './transfer.js';
import type { WriteBuffer } from './write-buffer.js';
import type { WriteBehindQueue } from './write-behind-queue.js';

/** A range read as it crosses the worker boundary: keys as arrays, values in one packing. */
export interface PackedEntries {
  keys: string[][];
  values: PackedBytes;
}

/**
 * The key-space side of the engine API: every method takes the space's name. Arguments arrive
 * validated by the client, and the engine may keep them. Writes resolve with their write id.
 */
export interface KeySpaceEngineApi {
  get(space: string, key: string[]): Promise<Uint8Array | undefined>;
  put(space: string, key: string[], data: Uint8Array): Promise<number>;
  delete(space: string, key: string[]): Promise<number>;
  getRange(
    space: string,
    prefix: string[],
    order: Required<KeyRangeOptions>['order'],
  ): Promise<PackedEntries>;
  deleteRange(space: string, prefix: string[]): Promise<number>;
}

/** One entry of a range read, before it is packed. */
interface Found {
  key: readonly string[];
  data: Uint8Array;
  written: number;
}

/**
 * Every key `[space, ...prefix, ...more]`, and `[space, ...prefix]` itself. Arrays compare
 * element by element and any array sorts above any string, so `[space, ...prefix, []]` is above
 * every such key and below the next prefix: `['a']` never reaches `['ab']`, nor space "a" "ab".
 */
export function prefixRange(space: string, prefix: readonly string[]): IDBKeyRange {
  return IDBKeyRange.bound([space, ...prefix], [space, ...prefix, []]);
}

/**
 * Key spaces: ordered binary values under string-array keys, written through the store's one
 * {@link WriteBehindQueue}, so a key-space write and a Persister write share a commit.
 *
 * @remarks
 * Reads overlay what is buffered or being committed on what they read, which gives
 * read-your-writes without waiting for a flush. A prefix delete commits at once (see
 * {@link KeySpaceEngine.deleteRange}).
 */
export class KeySpaceEngine implements KeySpaceEngineApi {
  readonly #conn: Connection;
  readonly #mark: MarkTransfer;
  readonly #queue: WriteBehindQueue;
  /** Moves corrupt values out of the way. */
  readonly #quarantine: RecordQuarantine;
  /** The last write time handed out, in microseconds: increasing even if the clock is not. */
  #clock: number | undefined;

  /**
   * @param conn - the store's connection.
   * @param mark - how results' buffers are marked for transfer.
   * @param queue - the store's write-behind queue.
   * @param onCorrupt - told of the corrupt values this engine moved to the quarantine.
   */
  constructor(
    conn: Connection,
    mark: MarkTransfer,
    queue: WriteBehindQueue,
    onCorrupt: (found: CorruptRecord[]) => void = () => undefined,
  ) {
    this.#conn = conn;
    this.#mark = mark;
    this.#queue = queue;
    this.#quarantine = new RecordQuarantine(conn, onCorrupt);
  }

  async get(space: string, key: string[]): Promise<Uint8Array | undefined> {
    const db = await this.#conn.db();
    const overlay = this.#queue.overlay();
    for (let i = overlay.length - 1; i >= 0; i--) {
      const hit = overlay[i]?.spaces.get(space)?.lookup(key);
      if (hit === null) return undefined;
      // The buffer still needs its value: hand out a copy.
      if (hit !== undefined) return hit.data === undefined ? undefined : this.#out(hit.data.slice());
    }
    const record = await runIn(db, [STORES.keyValues], 'readonly', (tx) =>
      tx.objectStore(STORES.keyValues).get([space, ...key]),
    );
    if (record === undefined) return undefined;
    const problem = keyValueProblem(record);
    if (problem === undefined) return this.#out((record as KeyRecord).data);
    // A value that fails its check reads as absent, and is moved out of the way.
    this.#quarantine.move([corruptValue(space, [space, ...key], problem)]);
    return undefined;
  }

  async put(space: string, key: string[], data: Uint8Array): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    this.#queue.pending.setKey(space, { key, data, written: this.#tick() });
    return this.#queue.changed();
  }

  async delete(space: string, key: string[]): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    this.#queue.pending.setKey(space, { key, data: undefined, written: this.#tick() });
    return this.#queue.changed();
  }

  async getRange(space: string, prefix: string[], order: 'key' | 'written'): Promise<PackedEntries> {
    const db = await this.#conn.db();
    // Taken with the transaction created right after it, so that a commit finishing during the
    // read is neither missed nor applied twice.
    const overlay = this.#queue.overlay();
    const records = await runIn(db, [STORES.keyValues], 'readonly', (tx) =>
      tx.objectStore(STORES.keyValues).getAll(prefixRange(space, prefix)),
    );
    let found: Found[] = [];
    // A value that fails its check is left out, and moved out of the way.
    const corrupt: FoundCorrupt[] = [];
    for (const r of records) {
      const problem = keyValueProblem(r);
      if (problem === undefined) {
        const { key, data, written } = r as KeyRecord;
        found.push({ key: key.slice(1), data, written });
      } else corrupt.push(corruptValue(space, (r as { key: string[] }).key, problem));
    }
    if (corrupt.length > 0) this.#quarantine.move(corrupt);
    const buffered: KeySpaceBuffer[] = [];
    for (const b of overlay) {
      const s = b.spaces.get(space);
      if (s !== undefined) buffered.push(s);
    }
    if (buffered.length > 0) {
      found = withBuffered(found, buffered, prefix);
      // Stored records come in key order; buffered ones may fall anywhere.
      found.sort((a, b) => compareKeys(a.key, b.key));
    }
    // A stable sort: entries written in the same microsecond keep their key order.
    if (order === 'written') found.sort((a, b) => a.written - b.written);
    const values = packBytes(found.map((f) => f.data));
    const packed: PackedEntries = { keys: found.map((f) => [...f.key]), values };
    return this.#mark(packed, packedBuffers(values));
  }

  /**
   * Buffers the delete and commits it with everything buffered before it, resolving once
   * committed: a save that starts in another tab after this resolves is never deleted by it,
   * which a delete waiting out the write-behind delay could not promise.
   */
  async deleteRange(space: string, prefix: string[]): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    this.#queue.pending.deleteKeyRange(space, prefix);
    const id = this.#queue.changed();
    await this.#queue.flush('relaxed');
    return id;
  }

  #tick(): number {
    this.#clock = opClockNext(this.#clock, nowMicros());
    return this.#clock;
  }

  #out(data: Uint8Array): Uint8Array {
    return this.#mark(data, [data.buffer as ArrayBuffer]);
  }
}

/** A corrupt value that a read found under `key` (`[space, ...path]`), to move to the quarantine. */
function corruptValue(space: string, key: string[], problem: string): FoundCorrupt {
  // IndexedDB holds the key path valid, but a record written by another program may hold a key
  // of other types than strings: reported as text.
  const path = (key as unknown[]).slice(1).map(String);
  return {
    store: STORES.keyValues,
    key,
    id: JSON.stringify(path),
    problem: keyValueProblem,
    report: { kind: 'key-value', space, key: path, reason: problem },
  };
}

/** Applies buffers (oldest first) to the stored entries under `prefix`. */
function withBuffered(stored: Found[], buffers: KeySpaceBuffer[], prefix: readonly string[]): Found[] {
  const byId = new Map<string, Found>();
  for (const f of stored) byId.set(keyId(f.key), f);
  for (const b of buffers) {
    // A buffer's prefix deletes precede its key writes (see KeySpaceBuffer).
    for (const r of b.ranges) {
      for (const [id, f] of byId) if (isPrefix(r, f.key)) byId.delete(id);
    }
    for (const [id, op] of b.entries) {
      if (!isPrefix(prefix, op.key)) continue;
      if (op.data === undefined) byId.delete(id);
      else byId.set(id, { key: op.key, data: op.data, written: op.written });
    }
  }
  return [...byId.values()];
}

/**
 * Issues the key-space writes of a buffer in a commit's transaction: per space, its prefix
 * deletes, then its key writes, so a put made after a prefix delete survives it.
 *
 * @returns the requests, to await with the rest of the commit.
 */
export function writeKeySpaces(tx: Tx<'readwrite'>, buf: WriteBuffer): Promise<unknown>[] {
  const writes: Promise<unknown>[] = [];
  if (buf.spaces.size === 0) return writes;
  const store = tx.objectStore(STORES.keyValues);
  for (const [space, s] of buf.spaces) {
    for (const prefix of s.ranges) writes.push(store.delete(prefixRange(space, prefix)));
    for (const op of s.entries.values()) {
      const key = [space, ...op.key];
      if (op.data === undefined) writes.push(store.delete(key));
      else writes.push(store.put(sealKeyValue(key, op.data, op.written)));
    }
  }
  return writes;
}
