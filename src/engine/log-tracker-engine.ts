import type { DecodedEntry } from '../contracts/log-tracker.js';
import { MAX_GET_ALL_COUNT } from './connection.js';
import { STORES, type LarderSchema } from './schema.js';
import { decodeU63, encodeU63 } from './u63-key.js';
import { EnginePart } from './engine-part.js';
import { repairKey } from './key-repair.js';

/** One write of a batch, as it crosses to the engine at commit. Arguments arrive validated. */
export type BatchOp =
  | { kind: 'track'; prefix: string; peer: string; idx: bigint; row: DecodedEntry<unknown> }
  | { kind: 'put'; table: string; key: IDBValidKey; value: unknown }
  | { kind: 'delete'; table: string; key: IDBValidKey };

/**
 * The LogTracker and table side of the engine API. Batches are built by the client and arrive
 * whole at {@link LogTrackerEngineApi.commit}; arguments arrive validated.
 */
export interface LogTrackerEngineApi {
  /** Opens (and if needed creates) the database; existing rows are kept. */
  init(): Promise<void>;
  /** Applies `ops` in order, all or nothing, in one durable transaction. */
  commit(ops: BatchOp[]): Promise<void>;
  allCursors(prefix: string): Promise<Map<string, bigint>>;
  readEntries(
    prefix: string,
    peer: string,
    from: bigint,
    limit: number,
  ): Promise<Array<[bigint, DecodedEntry<unknown>]>>;
  tableGet(table: string, key: IDBValidKey): Promise<unknown>;
  tableGetAll(table: string): Promise<Array<[IDBValidKey, unknown]>>;
}

const BATCH_STORES = [STORES.logEntries, STORES.tables];

/**
 * The keys `[name, ...]` of one namespace and of no other: arrays compare element by element
 * and `name + '\0'` is the least string above `name`, so table "a" never reaches "a\0b".
 */
function namespace(...parts: string[]): IDBKeyRange {
  const last = parts.length - 1;
  const upper = parts.map((p, i) => (i === last ? `${p}\u0000` : p));
  return IDBKeyRange.bound(parts, upper, false, true);
}

/**
 * LogTracker rows and app tables, keyed so that every read walks key order.
 *
 * @remarks
 * Rows are keyed `[prefix, peer, entryIdx as 16 hex digits]` and hold the {@link DecodedEntry}
 * itself; table records are keyed `[table, key]`. Uniqueness of `(peer, entryIdx)` is the
 * primary key's: `add` fails with a ConstraintError, which aborts the batch's transaction.
 */
export class LogTrackerEngine extends EnginePart implements LogTrackerEngineApi {
  async init(): Promise<void> {
    await this.conn.db();
  }

  commit(ops: BatchOp[]): Promise<void> {
    const write = this.conn.run(
      BATCH_STORES,
      'readwrite',
      async (tx) => {
        const entries = tx.objectStore(STORES.logEntries);
        const tables = tx.objectStore(STORES.tables);
        const requests: Array<Promise<unknown>> = [];
        try {
          for (const op of ops) {
            if (op.kind === 'track')
              requests.push(entries.add(op.row, [op.prefix, op.peer, encodeU63(op.idx)]));
            else if (op.kind === 'put') requests.push(tables.put(op.value, [op.table, op.key]));
            else requests.push(tables.delete([op.table, op.key]));
          }
        } catch (e) {
          // A request that cannot even be issued aborts the transaction, and with it the ones
          // issued before: their rejections are expected, not unhandled.
          for (const r of requests) r.catch(() => undefined);
          throw e;
        }
        // The failing request rejects before the transaction aborts, so runIn reports its
        // ConstraintError ('conflict') rather than the abort that follows.
        await Promise.all(requests);
      },
      // A resolved commit must survive a crash right after it (API.md section 5).
      'strict',
    );
    return this.feed.track(write, (notice) => {
      for (const op of ops) {
        if (op.kind === 'track') notice.logs.add(op.prefix);
        else notice.tables.add(op.table);
      }
    });
  }

  allCursors(prefix: string): Promise<Map<string, bigint>> {
    return this.conn.run([STORES.logEntries], 'readonly', async (tx) => {
      const cursors = new Map<string, bigint>();
      // Backwards, the first key of each peer is its highest index; continuing to `[prefix, peer]`,
      // which sorts below all of that peer's keys, jumps to the previous peer's highest row.
      let cursor = await tx.objectStore(STORES.logEntries).openKeyCursor(namespace(prefix), 'prev');
      while (cursor !== null) {
        const [, peer, idx] = cursor.key;
        cursors.set(peer, decodeU63(idx) + 1n);
        // A position, not a stored key: idb types `continue` by the store's keys, all three long.
        cursor = await cursor.continue([prefix, peer] as unknown as LarderSchema['logEntries']['key']);
      }
      return cursors;
    });
  }

  async readEntries(
    prefix: string,
    peer: string,
    from: bigint,
    limit: number,
  ): Promise<Array<[bigint, DecodedEntry<unknown>]>> {
    if (limit === 0) return [];
    const range = IDBKeyRange.bound([prefix, peer, encodeU63(from)], [prefix, `${peer}\u0000`], false, true);
    const count = limit > MAX_GET_ALL_COUNT ? undefined : limit;
    const [keys, rows] = await this.conn.run([STORES.logEntries], 'readonly', (tx) => {
      const store = tx.objectStore(STORES.logEntries);
      // Same range and count in one transaction: both lists are the same rows, in order.
      return Promise.all([store.getAllKeys(range, count), store.getAll(range, count)]);
    });
    const buffers: ArrayBuffer[] = [];
    const out = keys.map((key, i): [bigint, DecodedEntry<unknown>] => {
      const row = rows[i] as DecodedEntry<unknown>;
      if (row.kind === 'expunged') buffers.push(row.hash.buffer as ArrayBuffer);
      return [decodeU63(key[2]), row];
    });
    return this.mark(out, buffers);
  }

  tableGet(table: string, key: IDBValidKey): Promise<unknown> {
    return this.conn.run([STORES.tables], 'readonly', (tx) =>
      tx.objectStore(STORES.tables).get([table, key]),
    );
  }

  async tableGetAll(table: string): Promise<Array<[IDBValidKey, unknown]>> {
    const range = namespace(table);
    const [keys, values] = await this.conn.run([STORES.tables], 'readonly', (tx) => {
      const store = tx.objectStore(STORES.tables);
      return Promise.all([store.getAllKeys(range), store.getAll(range)]);
    });
    // A binary part of an app's key comes back wrong in WebKit: see key-repair.ts.
    return keys.map((k, i) => [repairKey(k)[1], values[i]]);
  }
}
