import { chunkBytes, resetChangeUsage } from './usage-counters.js';
import { chunkProblem, type ChangeChunk } from './change-chunks.js';
import type { Connection } from './connection.js';
import type { QuarantineRecord } from './record-quarantine.js';
import { STORES } from './schema.js';

/** A stored chunk of changes that failed its check, and what it held, as far as it can tell. */
export interface CorruptChunk {
  docId: string;
  /** The record's key in the `changes` store. */
  record: number;
  /** What is wrong with it. */
  reason: string;
  /** The changes it stored, when its lists can still be read (they may be wrong). */
  lost: Array<{ actor: string; seq: number }> | undefined;
}

/** Splits a document's stored chunks into those that pass their check and those that do not. */
export function sortChunks(
  docId: string,
  chunks: readonly unknown[],
): { sound: ChangeChunk[]; corrupt: CorruptChunk[] } {
  const sound: ChangeChunk[] = [];
  const corrupt: CorruptChunk[] = [];
  for (const chunk of chunks) {
    const reason = chunkProblem(chunk);
    if (reason === undefined) sound.push(chunk as ChangeChunk);
    else corrupt.push({ docId, record: (chunk as { id: number }).id, reason, lost: lostChanges(chunk) });
  }
  return { sound, corrupt };
}

/**
 * Moves corrupt chunks from `changes` to `quarantine`, in one transaction that checks each one
 * again (another tab may have moved it already) and recounts the document's stored changes.
 *
 * @returns the chunks this call moved: the ones to report.
 */
export async function quarantineChunks(conn: Connection, found: CorruptChunk[]): Promise<CorruptChunk[]> {
  const docId = found[0]?.docId;
  if (docId === undefined) return [];
  return conn.run([STORES.changes, STORES.quarantine, STORES.usage], 'readwrite', async (tx) => {
    const changes = tx.objectStore(STORES.changes);
    const quarantine = tx.objectStore(STORES.quarantine);
    const moved: CorruptChunk[] = [];
    const writes: Promise<unknown>[] = [];
    for (const c of found) {
      const record = await changes.get(c.record);
      if (record === undefined || chunkProblem(record) === undefined) continue;
      const kept: QuarantineRecord = {
        store: 'changes',
        key: c.record,
        docId,
        reason: c.reason,
        at: Date.now(),
        record,
      };
      writes.push(quarantine.add(kept), changes.delete(c.record));
      moved.push(c);
    }
    if (moved.length > 0) {
      const left = await changes.index('doc').getAll(docId);
      const stillThere = new Set(moved.map((c) => c.record));
      const sound = left.filter(
        (c) => !stillThere.has((c as { id: number }).id) && chunkProblem(c) === undefined,
      ) as ChangeChunk[];
      writes.push(...resetChangeUsage(tx, docId, chunkBytes(sound)));
    }
    await Promise.all(writes);
    return moved;
  });
}

/** The changes a corrupt chunk seems to have stored, if its lists can be read at all. */
function lostChanges(chunk: unknown): CorruptChunk['lost'] {
  const c = chunk as Partial<ChangeChunk>;
  if (
    !Array.isArray(c.actors) ||
    !(c.putActors instanceof Uint32Array) ||
    !(c.putSeqs instanceof Float64Array)
  ) {
    return undefined;
  }
  const out: Array<{ actor: string; seq: number }> = [];
  c.putSeqs.forEach((seq, i) => {
    const actor = c.actors?.[c.putActors?.[i] as number];
    out.push({ actor: typeof actor === 'string' ? actor : '?', seq });
  });
  return out;
}
