import type { StoreKey } from 'idb';
import type { FeedNotice } from '../protocol.js';
import type { ChangeChunk } from './change-chunks.js';
import { recordConsensus, recordDoc, recordKeys } from './change-feed.js';
import type { Connection, Tx } from './connection.js';
import { OP_CLOCK_KEY } from './op-clock.js';
import { BACKUP_STORES, INLINE_KEY_STORES, type BackupStore } from './backup-layout.js';
import { recordProblem, storedByteLength } from './record-checksums.js';
import { SCHEMA_VERSION, STORES, type LarderSchema } from './schema.js';
import { repairKey } from './key-repair.js';
import { toHex } from './to-hex.js';

/** One object store's records: `keys[i]` is the key of `values[i]` (empty for inline keys). */
export interface StoreRecords {
  name: BackupStore;
  keys: IDBValidKey[];
  values: unknown[];
}

/** A whole store's records, as one read-only transaction saw them. */
export interface StoreSnapshot {
  schema: number;
  storageId: string;
  stores: StoreRecords[];
}

/** Reads every record of every contract in one read-only transaction: a consistent snapshot. */
export async function exportRecords(conn: Connection): Promise<StoreSnapshot> {
  const stores = await conn.run([...BACKUP_STORES], 'readonly', (tx) =>
    Promise.all(
      BACKUP_STORES.map(async (name): Promise<StoreRecords> => {
        const store = tx.objectStore(name);
        const [keys, values] = await Promise.all([
          // Keys as stored: WebKit reads some back wrong (key-repair.ts).
          INLINE_KEY_STORES.has(name) ? [] : store.getAllKeys().then((keys) => keys.map(repairKey)),
          store.getAll(),
        ]);
        // A record that fails its check is lost already (see chunk-quarantine.ts and
        // record-quarantine.ts): a backup leaves it out rather than carry it into a restore,
        // which would refuse it.
        const sound = values.map((v, i) => recordProblem(name, keys[i], v) === undefined);
        if (sound.every(Boolean)) return { name, keys, values };
        return {
          name,
          keys: keys.filter((_, i) => sound[i]),
          values: values.filter((_, i) => sound[i]),
        };
      }),
    ),
  );
  return { schema: SCHEMA_VERSION, storageId: conn.storageId as string, stores };
}

/**
 * Replaces every contract's data with `snapshot`'s, in one read-write transaction: either all
 * of it is stored, or nothing changes. The records arrive validated by the client.
 *
 * @param conn - the engine's connection.
 * @param snapshot - the records to store.
 * @param recordChange - records what the import changed, for the change feed.
 * @returns how many records were written.
 */
export async function importRecords(
  conn: Connection,
  snapshot: StoreSnapshot,
  recordChange: (fill: (n: FeedNotice) => void) => void,
): Promise<number> {
  let written = 0;
  const replaced = await conn.run(
    [...BACKUP_STORES, STORES.meta, STORES.usage],
    'readwrite',
    async (tx) => {
      const before = await documentIds(tx);
      const writes: Promise<unknown>[] = [];
      for (const name of [...BACKUP_STORES, STORES.usage]) writes.push(tx.objectStore(name).clear());
      // `meta` holds a value type per key (see LarderSchema): this key holds the op clock.
      let clock = (await tx.objectStore(STORES.meta).get(OP_CLOCK_KEY)) as number | undefined;
      for (const { name, keys, values } of snapshot.stores) {
        const store = tx.objectStore(name);
        const inline = INLINE_KEY_STORES.has(name);
        values.forEach((value, i) => {
          // The client checked each key against its store's shape (backup-records.ts).
          const key = keys[i] as StoreKey<LarderSchema, BackupStore>;
          writes.push(inline ? store.put(value) : store.put(value, key));
          written += 1;
          if (name === STORES.ops) {
            // Ops stored later must get a later storedAt than any imported one.
            const storedAt = (value as { storedAt: number }).storedAt;
            if (clock === undefined || storedAt > clock) clock = storedAt;
          }
        });
      }
      if (clock !== undefined) writes.push(tx.objectStore(STORES.meta).put(clock, OP_CLOCK_KEY));
      writes.push(...countImported(tx, snapshot));
      await Promise.all(writes);
      return before;
    },
    'strict',
  );
  recordChange((n) => {
    for (const docId of replaced) {
      recordDoc(n, docId, 'changes');
      recordDoc(n, docId, 'document');
      recordDoc(n, docId, 'syncStates');
    }
    describe(n, snapshot);
  });
  return written;
}

/** Every docId with Persister data, read by keys only. */
async function documentIds(tx: Tx<'readwrite'>): Promise<Set<string>> {
  const ids = new Set<string>();
  let chunk = await tx.objectStore(STORES.changes).index('doc').openKeyCursor(null, 'nextunique');
  while (chunk !== null) {
    ids.add(chunk.key);
    chunk = await chunk.continue();
  }
  for (const key of await tx.objectStore(STORES.documents).getAllKeys()) ids.add(key);
  for (const [docId] of await tx.objectStore(STORES.syncStates).getAllKeys()) ids.add(docId);
  return ids;
}

/** Writes the usage counters' items of the imported Persister data, and marks it to fold. */
function countImported(tx: Tx<'readwrite'>, snapshot: StoreSnapshot): Promise<unknown>[] {
  const usage = tx.objectStore(STORES.usage);
  const writes: Promise<unknown>[] = [];
  const chunks = new Map<string, number>();
  const dirty = new Set<string>();
  for (const { name, keys, values } of snapshot.stores) {
    values.forEach((value, i) => {
      if (name === STORES.changes) {
        const c = value as ChangeChunk;
        chunks.set(c.doc, (chunks.get(c.doc) ?? 0) + c.bytes.byteLength);
      } else if (name === STORES.documents) {
        const docId = keys[i] as string;
        writes.push(usage.put(storedByteLength(value), ['i', docId, 'd', '']));
        dirty.add(docId);
      } else if (name === STORES.syncStates) {
        const [docId, peer] = keys[i] as [string, ArrayBuffer];
        writes.push(usage.put(storedByteLength(value), ['i', docId, 's', toHex(new Uint8Array(peer))]));
        dirty.add(docId);
      }
    });
  }
  for (const [docId, bytes] of chunks) {
    writes.push(usage.put(bytes, ['i', docId, 'c', 'rewritten']));
    dirty.add(docId);
  }
  for (const docId of dirty) writes.push(usage.put(1, ['x', docId]));
  return writes;
}

/** Records what the imported records hold. */
function describe(n: FeedNotice, snapshot: StoreSnapshot): void {
  for (const { name, keys, values } of snapshot.stores) {
    values.forEach((value, i) => {
      const key = keys[i];
      if (name === STORES.changes) recordDoc(n, (value as ChangeChunk).doc, 'changes');
      else if (name === STORES.documents) recordDoc(n, key as string, 'document');
      else if (name === STORES.syncStates) recordDoc(n, (key as [string])[0], 'syncStates');
      else if (name === STORES.consensus) {
        const [k, seqno] = key as [string, string];
        recordConsensus(n, k, BigInt(`0x${seqno}`));
      } else if (name === STORES.logState) n.logStates.add(key as string);
      else if (name === STORES.logEntries) n.logs.add((key as [string])[0]);
      else if (name === STORES.tables) n.tables.add((key as [string])[0]);
      else if (name === STORES.ops) n.opSpaces.add((value as { space: string }).space);
      else if (name === STORES.keyValues) recordKeys(n, (value as { key: string[] }).key[0] as string, [[]]);
    });
  }
}
