import * as Automerge from '@automerge/automerge/slim';
import type { LeaseState, Persister, Store } from '../src/index.js';
import type { BoardReplica } from './board-replica.js';

/** How long a compaction lease lasts without a renewal: how long a frozen tab can block others. */
export const LEASE_TTL_MS = 15_000;

/** The key of a document's compaction lease (`store.lease`). */
export function leaseKey(docId: string): string {
  return `compaction/${docId}`;
}

/** What one compaction did. */
export interface CompactionSummary {
  /** The tab that compacted. */
  by: string;
  /** When it finished (ms since the epoch). */
  at: number;
  changesBefore: number;
  changesAfter: number;
  documentBytes: number;
  removed: number;
}

/** The note the compaction lease carries: the running count and the last compaction. */
export interface CompactionHistory {
  compactions: number;
  last?: CompactionSummary;
}

export type CompactionOutcome =
  | { kind: 'compacted'; summary: CompactionSummary }
  | { kind: 'busy'; holder: string }
  | { kind: 'no-space'; needed: number }
  | { kind: 'lost' };

/** Reads the compaction history that a document's lease carries. */
export async function readCompactions(store: Store, docId: string): Promise<CompactionHistory> {
  return historyOf(await store.lease(leaseKey(docId)).read());
}

/**
 * Compacts a document: writes one snapshot holding everything, then removes exactly the stored
 * changes that the snapshot includes. Runs only under the document's lease, so two tabs never
 * compact the same document at once.
 *
 * @param store - the store.
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
  const lease = store.lease(leaseKey(docId), { holder: tabId, ttlMs: LEASE_TTL_MS });
  const held = await lease.tryAcquire();
  if (held === undefined) return { kind: 'busy', holder: (await lease.read())?.holder ?? 'another tab' };
  let history: CompactionHistory | undefined;
  try {
    history = historyOf(await lease.read());
    const before = await persister.sizes();
    // The snapshot replaces whatever snapshot is stored, so it must hold everything stored:
    // merge the store's snapshot and changes first (another tab's compaction may have put
    // changes this tab never saw into the snapshot it wrote).
    const stored = await replica.mergeFromStorage();
    const doc = replica.doc;
    const included = stored.filter((c) => Automerge.hasHeads(doc, [c.hash]));
    const snapshot = Automerge.save(doc);
    // The snapshot is written before the changes it replaces are removed: it needs room first.
    if (!(await store.canFit(snapshot.byteLength))) return { kind: 'no-space', needed: snapshot.byteLength };
    // A fence: renewing proves the lease is still ours just before the irreversible writes.
    if (!(await held.renew())) return { kind: 'lost' };
    await persister.setDocument(snapshot);
    // Committed before the removal, so a reader never sees neither the snapshot nor the changes.
    await store.flush();
    await persister.removeChanges(included.map((c) => [c.actor, c.seq] as const));
    await store.flush();
    const after = await persister.sizes();
    const summary: CompactionSummary = {
      by: tabId,
      at: Date.now(),
      changesBefore: before.changes,
      changesAfter: after.changes,
      documentBytes: after.document,
      removed: included.length,
    };
    history = { compactions: history.compactions + 1, last: summary };
    return { kind: 'compacted', summary };
  } finally {
    // Released even after a failure; if the release itself fails, the lease simply expires.
    await held.release(history).catch((e: unknown) => {
      console.warn('The compaction lease was not released; it expires on its own.', e);
    });
  }
}

function historyOf(state: LeaseState | undefined): CompactionHistory {
  const note = state?.note as Partial<CompactionHistory> | undefined;
  return typeof note?.compactions === 'number' ? (note as CompactionHistory) : { compactions: 0 };
}
