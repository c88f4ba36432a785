import type { ChangeChunk } from './change-chunks.js';
import { storedByteLength } from './record-checksums.js';
import { STORES, type UpgradeTx } from './schema.js';
import { toHex } from './to-hex.js';

// Apart from usage-counters.ts, so that the schema, which Node code imports too, does not pull
// in the connection and idb.

/**
 * Counts what a database stored before it had counters: a schema upgrade step. It walks the
 * Persister's stores once, in the upgrade transaction, writing the items and marking every
 * document dirty, so that the first read folds them.
 */
export function countExistingUsage(tx: UpgradeTx): void {
  const usage = tx.objectStore(STORES.usage);
  const walk = async () => {
    const writes: Promise<unknown>[] = [];
    const chunkTotals = new Map<string, number>();
    let cursor = await tx.objectStore(STORES.changes).openCursor();
    while (cursor !== null) {
      // Not checked (see Unchecked in schema.ts): a record that is no chunk makes the walk throw,
      // which aborts the upgrade.
      const c = cursor.value as ChangeChunk;
      chunkTotals.set(c.doc, (chunkTotals.get(c.doc) ?? 0) + c.bytes.byteLength);
      cursor = await cursor.continue();
    }
    const dirty = new Set(chunkTotals.keys());
    for (const [docId, bytes] of chunkTotals) writes.push(usage.put(bytes, ['i', docId, 'c', 'rewritten']));
    let doc = await tx.objectStore(STORES.documents).openCursor();
    while (doc !== null) {
      const docId = doc.key;
      writes.push(usage.put(storedByteLength(doc.value), ['i', docId, 'd', '']));
      dirty.add(docId);
      doc = await doc.continue();
    }
    let sync = await tx.objectStore(STORES.syncStates).openCursor();
    while (sync !== null) {
      const [docId, peer] = sync.key;
      writes.push(usage.put(storedByteLength(sync.value), ['i', docId, 's', toHex(new Uint8Array(peer))]));
      dirty.add(docId);
      sync = await sync.continue();
    }
    for (const docId of dirty) writes.push(usage.put(1, ['x', docId]));
    await Promise.all(writes);
  };
  // The upgrade transaction stays open while these requests chain; a failure aborts it.
  walk().catch(() => {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failure itself.
    }
  });
}
