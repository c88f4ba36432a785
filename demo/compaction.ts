import * as Automerge from '@automerge/automerge/slim';
import type { Persister, Store } from '../src/index.js';
import type { BoardReplica } from './board-replica.js';
import { acquireLease, advanceLease, trimLease, type CompactionSummary, type LeaseRecord } from './lease.js';

/** How long a compaction lease lasts: a tab closed mid-compaction blocks others this long. */
export const LEASE_TTL_MS = 15_000;

/** The consensus key of a document's compaction lease. */
export function leaseKey(docId: string): string {
  return `compaction-lease/${docId}`;
}

export type CompactionOutcome =
  | { kind: 'compacted'; summary: CompactionSummary }
  | { kind: 'busy'; holder: LeaseRecord }
  | { kind: 'lost' };

/**
 * Compacts a document: writes one snapshot holding everything, then removes exactly the stored
 * changes that the snapshot includes. Runs only under the document's compaction lease, so two
 * tabs never compact the same document at once.
 *
 * @param store - the store (its consensus holds the lease).
 * @param persister - the document's Persister.
 * @param replica - this tab's copy of the document.
 * @param docId - the document's id, naming the lease.
 * @param tabId - this tab, the lease's holder.
 */
export async function compact(
  store: Store,
  persister: Persister,
  replica: BoardReplica,
  docId: string,
  tabId: string,
): Promise<CompactionOutcome> {
  const consensus = store.consensus();
  const key = leaseKey(docId);
  const acquired = await acquireLease(consensus, key, tabId, LEASE_TTL_MS);
  if (acquired.kind === 'busy') return { kind: 'busy', holder: acquired.record };
  let lease = acquired.lease;
  let summary: CompactionSummary | undefined;
  try {
    const before = await persister.sizes();
    // The snapshot replaces whatever snapshot is stored, so it must hold everything stored:
    // merge the store's snapshot and changes first (another tab's compaction may have put
    // changes this tab never saw into the snapshot it wrote).
    const stored = await replica.mergeFromStorage();
    const doc = replica.doc;
    const included = stored.filter((c) => Automerge.hasHeads(doc, [c.hash]));
    const snapshot = Automerge.save(doc);
    // A fence: renewing proves the lease is still ours just before the irreversible writes.
    const fenced = await advanceLease(consensus, lease, {
      phase: 'writing',
      expiresAt: Date.now() + LEASE_TTL_MS,
    });
    if (fenced === undefined) return { kind: 'lost' };
    lease = fenced;
    await persister.setDocument(snapshot);
    // Committed before the removal, so a reader never sees neither the snapshot nor the changes.
    await store.flush();
    await persister.removeChanges(included.map((c) => [c.actor, c.seq] as const));
    await store.flush();
    const after = await persister.sizes();
    summary = {
      by: tabId,
      at: Date.now(),
      changesBefore: before.changes,
      changesAfter: after.changes,
      documentBytes: after.document,
      removed: included.length,
    };
    return { kind: 'compacted', summary };
  } finally {
    // Released even after a failure; if the release itself fails, the lease simply expires.
    try {
      const released = await advanceLease(consensus, lease, {
        phase: 'released',
        expiresAt: 0,
        ...(summary === undefined ? {} : { compactions: lease.record.compactions + 1, last: summary }),
      });
      if (released !== undefined) await trimLease(consensus, key, 64n);
    } catch (e) {
      console.warn('The compaction lease was not released; it expires on its own.', e);
    }
  }
}
