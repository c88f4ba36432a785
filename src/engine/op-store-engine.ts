import type { DhtArc } from '../contracts/op-store.js';
import { arcContains, opIdLoc } from '../op-location.js';
import { packBytes, packedBuffers, unpackBytes, type PackedBytes } from '../packed-bytes.js';
import type { ChangeFeed } from './change-feed.js';
import { addUnlessPresent, type Connection } from './connection.js';
import { earliestInArc } from './earliest-in-arc.js';
import { repairKey } from './key-repair.js';
import { opKey, type OpRecord } from './op-record.js';
import { RangePager } from './range-pager.js';
import { nowMicros, OP_CLOCK_KEY, opClockNext } from './op-clock.js';
import { STORES } from './schema.js';
import { SliceHashStore, type SliceHashList } from './slice-hash-store.js';
import type { MarkTransfer } from './transfer.js';
import { toHex } from './to-hex.js';
import { EnginePart } from './engine-part.js';
import { decodeDefaultOp } from './default-op-format.js';

/**
 * Ops to store: op `i` is `data[i]`. With `decoded`, the client decoded them with a caller's
 * `decodeOp` (a function, which cannot cross to a worker): op `i` has id `ids[i]`, creation
 * time `createdAt[i]` and size `sizes[i]`. Without it, they are in the default format and the
 * engine decodes them.
 */
export interface IncomingOps {
  data: PackedBytes;
  decoded?: { ids: PackedBytes; createdAt: Float64Array; sizes: Float64Array };
}

/** Op ids and the sum of their sizes. */
export interface OpIdList {
  ids: PackedBytes;
  total: number;
}

/** Stored ops among requested ids: `found[k]` is the request index of `data[k]`. */
export interface FoundOps {
  found: Uint32Array;
  data: PackedBytes;
}

/**
 * The OpStore side of the engine API: every method takes the space first. Arguments arrive
 * validated; ops in the default format arrive undecoded (see {@link IncomingOps}).
 */
export interface OpStoreEngineApi {
  /**
   * Stores the ops not stored yet; nothing when one of them does not decode.
   * @returns the ops' ids, in order.
   */
  processIncomingOps(space: string, ops: IncomingOps): Promise<PackedBytes>;
  retrieveOpHashesInTimeSlice(space: string, arc: DhtArc, start: number, end: number): Promise<OpIdList>;
  retrieveOps(space: string, ids: PackedBytes): Promise<FoundOps>;
  /** Resolves the request indexes of the ids that are not stored. */
  filterOutExistingOps(space: string, ids: PackedBytes): Promise<Uint32Array>;
  retrieveOpIdsBounded(
    space: string,
    arc: DhtArc,
    start: number,
    limitBytes: number,
  ): Promise<OpIdList & { next: number }>;
  earliestTimestampInArc(space: string, arc: DhtArc): Promise<number | undefined>;
  storeSliceHash(space: string, arc: DhtArc, sliceIndex: number, hash: Uint8Array): Promise<void>;
  sliceHashCount(space: string, arc: DhtArc): Promise<number>;
  retrieveSliceHash(space: string, arc: DhtArc, sliceIndex: number): Promise<Uint8Array | undefined>;
  retrieveSliceHashes(space: string, arc: DhtArc): Promise<SliceHashList>;
}

/**
 * Op storage by space, location and time.
 *
 * @remarks
 * Every query reads a key range bounded by what it returns, never the whole space:
 * - a time slice reads the keys of `ops` (`[space, createdAt, id, size]`) within the slice, one
 *   contiguous range, and filters by location there, so it costs the ops of the slice (of
 *   every location), however many are stored. (Per arc range, a `[space, loc, createdAt]` index
 *   would cost every op of the arc, of all times, which grows with the store; and an index on
 *   `createdAt` would cost a record lookup per op, which measured slower as the store grew.)
 * - bounded paging reads `[space, storedAt]` from `start` in growing chunks and stops at the
 *   budget, so it costs the ops stored since `start` up to the budget's last op;
 * - the earliest time in an arc races two scans, see {@link earliestInArc}.
 */
export class OpStoreEngine extends EnginePart implements OpStoreEngineApi {
  readonly #slices: SliceHashStore;

  constructor(conn: Connection, mark: MarkTransfer, feed: ChangeFeed) {
    super(conn, mark, feed);
    this.#slices = new SliceHashStore(conn, mark);
  }

  async processIncomingOps(space: string, incoming: IncomingOps): Promise<PackedBytes> {
    // Every op is decoded before anything is written, so one bad op stores nothing.
    const ops = incoming.decoded ?? decodeAll(incoming.data);
    const n = ops.createdAt.length;
    const ids = split(ops.ids);
    const dataKeys = ids.map((id): [string, ArrayBuffer] => [space, id.buffer]);
    const write = this.conn.run([STORES.ops, STORES.opData, STORES.meta], 'readwrite', async (tx) => {
      const opStore = tx.objectStore(STORES.ops);
      const opData = tx.objectStore(STORES.opData);
      const meta = tx.objectStore(STORES.meta);
      // The first copy wins: an op stored already keeps its times, and so does the earlier of
      // two copies in this call (the later one is not sent). Each op's bytes are added unless
      // its id is stored: one request per op, where a read and then a write took two.
      const seen = new Set<string>();
      const adds: Array<Promise<boolean> | false> = [];
      let start = 0;
      for (let i = 0; i < n; i++) {
        const end = incoming.data.ends[i] as number;
        const hex = toHex(ids[i] as Uint8Array);
        const first = !seen.has(hex);
        seen.add(hex);
        // A copy of exactly the op's bytes: a view would store the whole packed buffer.
        adds.push(
          first &&
            addUnlessPresent(
              opData,
              incoming.data.bytes.slice(start, end),
              dataKeys[i] as [string, ArrayBuffer],
            ),
        );
        start = end;
      }
      // The clock's high-water mark is read in the writing transaction, which IndexedDB runs
      // alone against every other writer of these stores, other tabs included.
      const [added, last] = await Promise.all([
        Promise.all(adds),
        // `meta` holds a value type per key (see LarderSchema): this key holds the op clock.
        meta.get(OP_CLOCK_KEY) as Promise<number | undefined>,
      ]);
      const now = nowMicros();
      let clock = last;
      let stored = 0;
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        if (added[i] !== true) continue;
        stored += 1;
        clock = opClockNext(clock, now);
        const record: OpRecord = {
          space,
          id: (ids[i] as Uint8Array<ArrayBuffer>).buffer,
          loc: opIdLoc(ids[i] as Uint8Array),
          createdAt: ops.createdAt[i] as number,
          storedAt: clock,
          size: ops.sizes[i] as number,
        };
        writes.push(opStore.put(record, opKey(record)));
      }
      if (clock !== undefined && clock !== last) writes.push(meta.put(clock, OP_CLOCK_KEY));
      await Promise.all(writes);
      return stored;
    });
    await this.feed.track(write, (notice, stored) => {
      if (stored > 0) notice.opSpaces.add(space);
    });
    return this.mark(ops.ids, packedBuffers(ops.ids));
  }

  async retrieveOpHashesInTimeSlice(
    space: string,
    arc: DhtArc,
    start: number,
    end: number,
  ): Promise<OpIdList> {
    if (arc === null || !(start < end)) return this.#idList([], []);
    // `[space, start]` sorts before every `[space, start, id]`, `[space, end]` before every
    // `[space, end, id]`: the range holds exactly `start <= createdAt < end`.
    const keys = await this.conn.run([STORES.ops], 'readonly', (tx) =>
      tx.objectStore(STORES.ops).getAllKeys(IDBKeyRange.bound([space, start], [space, end])),
    );
    // Keys only: they hold the id and size, and decode faster than records.
    const ids: ArrayBuffer[] = [];
    const sizes: number[] = [];
    for (const key of keys) {
      const [, , id, size] = repairKey(key);
      if (!arcContains(arc, opIdLoc(new Uint8Array(id)))) continue;
      ids.push(id);
      sizes.push(size);
    }
    return this.#idList(ids, sizes);
  }

  async retrieveOps(space: string, ids: PackedBytes): Promise<FoundOps> {
    const values = await this.conn.run([STORES.opData], 'readonly', (tx) => {
      const opData = tx.objectStore(STORES.opData);
      return Promise.all(split(ids).map((id) => opData.get([space, id.buffer])));
    });
    const found: number[] = [];
    const data: Uint8Array[] = [];
    values.forEach((v, i) => {
      if (v === undefined) return;
      found.push(i);
      data.push(v);
    });
    const result = { found: Uint32Array.from(found), data: packBytes(data) };
    return this.mark(result, [result.found.buffer, ...packedBuffers(result.data)]);
  }

  async filterOutExistingOps(space: string, ids: PackedBytes): Promise<Uint32Array> {
    const keys = await this.conn.run([STORES.opData], 'readonly', (tx) => {
      const opData = tx.objectStore(STORES.opData);
      return Promise.all(split(ids).map((id) => opData.getKey([space, id.buffer])));
    });
    const missing: number[] = [];
    keys.forEach((k, i) => {
      if (k === undefined) missing.push(i);
    });
    const out = Uint32Array.from(missing);
    return this.mark(out, [out.buffer]);
  }

  async retrieveOpIdsBounded(
    space: string,
    arc: DhtArc,
    start: number,
    limitBytes: number,
  ): Promise<OpIdList & { next: number }> {
    const [taken, next] = await this.conn.run([STORES.ops, STORES.meta], 'readonly', async (tx) => {
      // The clock's time before the read: any op this read does not see is stored later, in a
      // transaction that IndexedDB orders after this one, so its storedAt is at least this.
      const now = nowMicros();
      // `meta` holds a value type per key (see LarderSchema): this key holds the op clock.
      const last = (await tx.objectStore(STORES.meta).get(OP_CLOCK_KEY)) as number | undefined;
      const taken: OpRecord[] = [];
      let total = 0;
      if (arc !== null) {
        const pager = new RangePager<OpRecord>(
          tx.objectStore(STORES.ops).index('stored'),
          [space, start],
          [space, []],
          (r) => [space, r.storedAt],
        );
        while (!pager.done) {
          for (const r of await pager.next()) {
            if (!arcContains(arc, r.loc)) continue;
            if (total + r.size > limitBytes) return [taken, r.storedAt] as const;
            taken.push(r);
            total += r.size;
          }
        }
      }
      return [taken, opClockNext(last, now)] as const;
    });
    return this.#idList(
      taken.map((r) => r.id),
      taken.map((r) => r.size),
      { next },
    );
  }

  /** Resolves the smallest `createdAt` in the arc: see {@link earliestInArc} for the plan. */
  async earliestTimestampInArc(space: string, arc: DhtArc): Promise<number | undefined> {
    if (arc === null) return undefined;
    return this.conn.run([STORES.ops], 'readonly', (tx) => {
      const ops = tx.objectStore(STORES.ops);
      return earliestInArc(ops, ops.index('loc'), space, arc);
    });
  }

  storeSliceHash(space: string, arc: DhtArc, sliceIndex: number, hash: Uint8Array): Promise<void> {
    return this.#slices.store(space, arc, sliceIndex, hash);
  }

  sliceHashCount(space: string, arc: DhtArc): Promise<number> {
    return this.#slices.count(space, arc);
  }

  retrieveSliceHash(space: string, arc: DhtArc, sliceIndex: number): Promise<Uint8Array | undefined> {
    return this.#slices.get(space, arc, sliceIndex);
  }

  retrieveSliceHashes(space: string, arc: DhtArc): Promise<SliceHashList> {
    return this.#slices.list(space, arc);
  }

  /** Packs records' ids for the caller, with their size total and any other fields. */
  #idList<T extends object = object>(ids: ArrayBuffer[], sizes: number[], fields?: T): OpIdList & T {
    let total = 0;
    for (const size of sizes) total += size;
    const packed = packBytes(ids.map((id) => new Uint8Array(id)));
    return this.mark({ ids: packed, total, ...fields } as OpIdList & T, packedBuffers(packed));
  }
}

/** Decodes ops of the default format (see decodeDefaultOp); throws at the first bad one. */
function decodeAll(data: PackedBytes): NonNullable<IncomingOps['decoded']> {
  const ops = unpackBytes(data);
  const createdAt = new Float64Array(ops.length);
  const sizes = new Float64Array(ops.length);
  const ids = ops.map((op, i) => {
    const d = decodeDefaultOp(op);
    createdAt[i] = d.createdAt;
    sizes[i] = d.size;
    return d.opId;
  });
  return { ids: packBytes(ids), createdAt, sizes };
}

/** Copies each packed value into its own buffer: IndexedDB keys and values need whole buffers. */
function split(packed: PackedBytes): Array<Uint8Array<ArrayBuffer>> {
  const out = new Array<Uint8Array<ArrayBuffer>>(packed.ends.length);
  let start = 0;
  for (let i = 0; i < packed.ends.length; i++) {
    const end = packed.ends[i] as number;
    out[i] = packed.bytes.slice(start, end);
    start = end;
  }
  return out;
}
