import type { StoredUsage } from '../contracts/storage-health.js';
import type { ChangeChunk } from './change-chunks.js';
import { runIn, type LarderDatabase, type Tx } from './connection.js';
import { STORES } from './schema.js';
import type { WriteBuffer } from './write-buffer.js';

/**
 * Kept byte counters of the Persister's data, per document and per store, in the `usage`
 * object store, so that what a store takes is read in O(1) rather than by reading every chunk.
 *
 * @remarks
 * Keys, all arrays, so that each kind is one key range:
 * - `['i', docId, part, id]`: the size of one stored item, written blind (no read) in the same
 *   transaction as the item itself, so it is exact and never delays the commit. `part` is 'c'
 *   for a chunk of changes (`id` a tag unique to the commit), 'd' for the document, 's' for a
 *   sync state (`id` the peer in hex).
 * - `['x', docId]`: the document's items changed and its totals are not folded yet.
 * - `['a', docId]`: the document's totals; `['t']`: the store's.
 *
 * A fold (its own transaction, after the commit) sums a dirty document's items, which are few
 * (chunks are compacted past 64), and moves the store's totals by the difference. IndexedDB
 * runs overlapping read-write transactions one at a time across tabs, so totals stay exact; a
 * fold that never ran (the tab died) leaves its marker, and the next read folds it first.
 */

/**
 * A `usage` record of totals: a document's under `['a', docId]`, the store's (with `documents`)
 * under `['t']`.
 */
export type StoredTotals = Omit<StoredUsage, 'total'> & { documents?: number };

// `usage` holds a value type per key (see LarderSchema): each read names the type its key holds.
const STORE_TOTALS = ['t'];

function items(docId: string): IDBKeyRange {
  return IDBKeyRange.bound(['i', docId], ['i', docId, []]);
}

function chunkItems(docId: string): IDBKeyRange {
  return IDBKeyRange.bound(['i', docId, 'c'], ['i', docId, 'c', []]);
}

/** Every dirty marker: `['x', anything]`. A function: Node imports the schema, without IndexedDB. */
function dirtyMarkers(): IDBKeyRange {
  return IDBKeyRange.bound(['x'], ['x', []]);
}

/**
 * Records the sizes of a write-behind buffer's Persister writes, in its commit's transaction.
 *
 * @param tx - the commit's transaction, whose scope includes `usage`.
 * @param buf - what it commits.
 * @param tag - unique to this commit (its chunks' ids are not known until they are added).
 * @returns the requests, to await with the rest of the commit.
 */
export function writeUsage(tx: Tx<'readwrite'>, buf: WriteBuffer, tag: string): Promise<unknown>[] {
  const writes: Promise<unknown>[] = [];
  if (buf.docs.size === 0) return writes;
  const usage = tx.objectStore(STORES.usage);
  for (const [docId, d] of buf.docs) {
    if (d.changes.size > 0) {
      let bytes = 0;
      for (const op of d.changes.values()) bytes += op.bytes?.byteLength ?? 0;
      writes.push(usage.put(bytes, ['i', docId, 'c', tag]));
    }
    if (d.document !== undefined) writes.push(usage.put(d.document.byteLength, ['i', docId, 'd', '']));
    for (const [hex, s] of d.syncStates) {
      const key = ['i', docId, 's', hex];
      writes.push(s.state === undefined ? usage.delete(key) : usage.put(s.state.byteLength, key));
    }
    writes.push(usage.put(1, ['x', docId]));
  }
  return writes;
}

/**
 * Records that a document's chunks were rewritten (compacted, or freed on a full disk), in the
 * rewriting transaction: its chunk items become one, of `bytes`.
 */
export function resetChangeUsage(tx: Tx<'readwrite'>, docId: string, bytes: number): Promise<unknown>[] {
  const usage = tx.objectStore(STORES.usage);
  return [
    usage.delete(chunkItems(docId)),
    usage.put(bytes, ['i', docId, 'c', 'rewritten']),
    usage.put(1, ['x', docId]),
  ];
}

/** The change bytes that some chunks hold. */
export function chunkBytes(chunks: Iterable<ChangeChunk>): number {
  let bytes = 0;
  for (const c of chunks) bytes += c.bytes.byteLength;
  return bytes;
}

/**
 * Folds the documents marked dirty (or only `docIds`), then reads the store's totals and, when
 * asked, a document's: one read-write transaction, a few small reads when nothing is dirty.
 */
export async function readUsage(
  db: LarderDatabase,
  docId?: string,
): Promise<{ store: StoredTotals & { documents: number }; document: StoredTotals | undefined }> {
  return runIn(db, [STORES.usage], 'readwrite', async (tx) => {
    const usage = tx.objectStore(STORES.usage);
    const dirty = (await usage.getAllKeys(dirtyMarkers())) as Array<[string, string]>;
    await fold(
      tx,
      dirty.map(([, d]) => d),
    );
    const [store, doc] = await Promise.all([
      usage.get(STORE_TOTALS) as Promise<(StoredTotals & { documents: number }) | undefined>,
      docId === undefined ? undefined : (usage.get(['a', docId]) as Promise<StoredTotals | undefined>),
    ]);
    return {
      store: store ?? { changes: 0, document: 0, syncStates: 0, documents: 0 },
      document: docId === undefined ? undefined : (doc ?? { changes: 0, document: 0, syncStates: 0 }),
    };
  });
}

/** How long folds wait to gather the documents of many commits into one transaction. */
const FOLD_DELAY_MS = 1000;

/**
 * Folds the documents that commits touched, in the background, at most once a
 * {@link FOLD_DELAY_MS}: one small transaction for a burst of commits, not one per commit. A
 * fold that fails or never runs leaves its documents dirty for the next read to fold.
 */
export class UsageFolder {
  readonly #docIds = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Folds `docIds` soon, on `db` as it is open then. */
  schedule(db: () => LarderDatabase | undefined, docIds: Iterable<string>): void {
    for (const id of docIds) this.#docIds.add(id);
    if (this.#timer !== undefined || this.#docIds.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const ids = [...this.#docIds];
      this.#docIds.clear();
      const open = db();
      if (open === undefined) return;
      runIn(open, [STORES.usage], 'readwrite', (tx) => fold(tx, ids)).catch(() => undefined);
    }, FOLD_DELAY_MS);
  }

  /** Drops what is scheduled: the markers stay, for the next read. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#docIds.clear();
  }
}

async function fold(tx: Tx<'readwrite'>, docIds: string[]): Promise<void> {
  if (docIds.length === 0) return;
  const usage = tx.objectStore(STORES.usage);
  const [total, ...found] = await Promise.all([
    usage.get(STORE_TOTALS) as Promise<(StoredTotals & { documents: number }) | undefined>,
    ...docIds.map((docId) =>
      Promise.all([
        usage.getAllKeys(items(docId)),
        usage.getAll(items(docId)),
        usage.get(['a', docId]) as Promise<StoredTotals | undefined>,
      ]),
    ),
  ]);
  const sum = total ?? { changes: 0, document: 0, syncStates: 0, documents: 0 };
  const writes: Promise<unknown>[] = [];
  found.forEach(([keys, sizes, before], i) => {
    const docId = docIds[i] as string;
    const after: StoredTotals = { changes: 0, document: 0, syncStates: 0 };
    keys.forEach((key, j) => {
      const part = (key as [string, string, string, string])[2];
      const size = sizes[j] as number;
      if (part === 'c') after.changes += size;
      else if (part === 'd') after.document += size;
      else after.syncStates += size;
    });
    const had = before !== undefined;
    const has = keys.length > 0;
    sum.changes += after.changes - (before?.changes ?? 0);
    sum.document += after.document - (before?.document ?? 0);
    sum.syncStates += after.syncStates - (before?.syncStates ?? 0);
    sum.documents += (has ? 1 : 0) - (had ? 1 : 0);
    writes.push(has ? usage.put(after, ['a', docId]) : usage.delete(['a', docId]));
    writes.push(usage.delete(['x', docId]));
  });
  writes.push(usage.put(sum, STORE_TOTALS));
  await Promise.all(writes);
}
