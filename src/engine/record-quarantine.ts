import type { CorruptRecord } from '../contracts/store.js';
import type { Connection } from './connection.js';
import { STORES, type LarderSchema } from './schema.js';

/** A `quarantine` record: a corrupt record, moved out of the way, kept for whoever investigates. */
export interface QuarantineRecord {
  /** The object store it was in. */
  store: 'changes' | 'documents' | 'syncStates' | 'keyValues';
  /** Its key there. */
  key: IDBValidKey;
  /** The document it belonged to (Persister records). */
  docId?: string;
  /** The key space it belonged to (key-space values). */
  space?: string;
  /** What is wrong with it. */
  reason: string;
  /** When it was moved (ms since the epoch). */
  at: number;
  record: unknown;
}

/** A corrupt document, sync state or key-space value that a read found. */
export interface FoundCorrupt {
  store: 'documents' | 'syncStates' | 'keyValues';
  key: LarderSchema['documents' | 'syncStates' | 'keyValues']['key'];
  /** Names the record among those being moved, as a string. */
  id: string;
  /** Checks the record again when it is moved: `undefined` when it is sound (rewritten since). */
  problem: (value: unknown) => string | undefined;
  /** What the `'corruption'` event says of it. */
  report: Exclude<CorruptRecord, { kind: 'changes' }>;
}

/**
 * Moves corrupt documents, sync states and key-space values to the `quarantine` store, each
 * once, in the background, and reports those it moved.
 *
 * @remarks
 * The records that reads find arrive here; a read leaves them out and does not wait. The move
 * is one read-write transaction that reads each record again (a commit or another tab may have
 * rewritten or moved it) and keeps the usage counters exact. A move that fails leaves the
 * record, which the next read finds and moves.
 */
export class RecordQuarantine {
  readonly #conn: Connection;
  readonly #onCorrupt: (found: CorruptRecord[]) => void;
  /** The records being moved, by store and id. */
  readonly #moving = new Set<string>();

  /**
   * @param conn - the engine's connection.
   * @param onCorrupt - told of the records this engine moved to the quarantine.
   */
  constructor(conn: Connection, onCorrupt: (found: CorruptRecord[]) => void) {
    this.#conn = conn;
    this.#onCorrupt = onCorrupt;
  }

  /** Starts moving `found` to the quarantine. */
  move(found: FoundCorrupt[]): void {
    const fresh = found.filter((f) => !this.#moving.has(`${f.store}:${f.id}`));
    if (fresh.length === 0) return;
    for (const f of fresh) this.#moving.add(`${f.store}:${f.id}`);
    quarantineRecords(this.#conn, fresh)
      .then((moved) => {
        if (moved.length > 0) this.#onCorrupt(moved.map((f) => f.report));
      })
      .catch(() => undefined)
      .finally(() => {
        for (const f of fresh) this.#moving.delete(`${f.store}:${f.id}`);
      });
  }
}

/** Moves the records that still fail their check, in one transaction; resolves those it moved. */
async function quarantineRecords(conn: Connection, found: FoundCorrupt[]): Promise<FoundCorrupt[]> {
  const stores = [...new Set(found.map((f) => f.store))];
  return conn.run([...stores, STORES.quarantine, STORES.usage], 'readwrite', async (tx) => {
    const quarantine = tx.objectStore(STORES.quarantine);
    const usage = tx.objectStore(STORES.usage);
    const moved: FoundCorrupt[] = [];
    const writes: Promise<unknown>[] = [];
    for (const f of found) {
      const store = tx.objectStore(f.store);
      const record = await store.get(f.key);
      if (record === undefined || f.problem(record) === undefined) continue;
      const { report } = f;
      const kept: QuarantineRecord = {
        store: f.store,
        key: f.key,
        ...(report.kind === 'key-value' ? { space: report.space } : { docId: report.docId }),
        reason: report.reason,
        at: Date.now(),
        record,
      };
      writes.push(quarantine.add(kept), store.delete(f.key));
      // The record's bytes were counted when it was written (usage-counters.ts): uncount them.
      if (report.kind === 'document') {
        writes.push(usage.delete(['i', report.docId, 'd', '']), usage.put(1, ['x', report.docId]));
      } else if (report.kind === 'sync-state') {
        writes.push(usage.delete(['i', report.docId, 's', report.peer]), usage.put(1, ['x', report.docId]));
      }
      moved.push(f);
    }
    await Promise.all(writes);
    return moved;
  });
}
