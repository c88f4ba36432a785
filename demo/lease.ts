import type { Consensus, VersionedData } from '../src/index.js';

/** What one compaction did, as the lease's release records it. */
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

/**
 * One version of a lease key. `phase` is 'acquired' or 'writing' while `holder` holds it (until
 * `expiresAt`) and 'released' after. Every version carries the running count of compactions and
 * the last one's summary, so the head alone tells the story.
 */
export interface LeaseRecord {
  holder: string;
  phase: 'acquired' | 'writing' | 'released';
  expiresAt: number;
  compactions: number;
  last?: CompactionSummary;
}

/** A lease this tab holds: the version it wrote, which the next write must name as expected. */
export interface HeldLease {
  key: string;
  seqno: bigint;
  record: LeaseRecord;
}

export type AcquireResult = { kind: 'held'; lease: HeldLease } | { kind: 'busy'; record: LeaseRecord };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads the head of a lease key. */
export async function readLease(
  consensus: Consensus,
  key: string,
): Promise<{ seqno: bigint; record: LeaseRecord } | undefined> {
  const head = await consensus.head(key);
  return head === undefined ? undefined : { seqno: head.seqno, record: decodeLease(head.data) };
}

/** Tells whether `record` is held by someone right now. */
export function isLive(record: LeaseRecord, now = Date.now()): boolean {
  return record.phase !== 'released' && record.expiresAt > now;
}

/**
 * Takes the lease `key` for `holder` for `ttlMs`, unless someone else holds it and it has not
 * expired. Two tabs that try at once read the same head and name it as expected in
 * compareAndSet: exactly one commits, the other sees a mismatch, reads again and finds it busy.
 */
export async function acquireLease(
  consensus: Consensus,
  key: string,
  holder: string,
  ttlMs: number,
): Promise<AcquireResult> {
  for (;;) {
    const head = await readLease(consensus, key);
    if (head !== undefined && head.record.holder !== holder && isLive(head.record)) {
      return { kind: 'busy', record: head.record };
    }
    const record: LeaseRecord = {
      holder,
      phase: 'acquired',
      expiresAt: Date.now() + ttlMs,
      compactions: head?.record.compactions ?? 0,
      ...(head?.record.last === undefined ? {} : { last: head.record.last }),
    };
    const seqno = (head?.seqno ?? -1n) + 1n;
    if ((await consensus.compareAndSet(key, head?.seqno, version(seqno, record))) === 'committed') {
      return { kind: 'held', lease: { key, seqno, record } };
    }
  }
}

/**
 * Writes the next version of a held lease: a renewal (a fence before irreversible work) or the
 * release.
 *
 * @returns the lease as now held, or `undefined` when someone took it over meanwhile.
 */
export async function advanceLease(
  consensus: Consensus,
  lease: HeldLease,
  change: Partial<LeaseRecord>,
): Promise<HeldLease | undefined> {
  const record: LeaseRecord = { ...lease.record, ...change };
  const seqno = lease.seqno + 1n;
  const result = await consensus.compareAndSet(lease.key, lease.seqno, version(seqno, record));
  return result === 'committed' ? { key: lease.key, seqno, record } : undefined;
}

/** Drops old versions of a lease key, keeping the last `keep`. */
export async function trimLease(consensus: Consensus, key: string, keep: bigint): Promise<void> {
  const head = await consensus.head(key);
  if (head !== undefined && head.seqno >= keep) await consensus.truncate(key, head.seqno - keep + 1n);
}

/** Decodes one version of a lease key. */
export function decodeLease(data: Uint8Array): LeaseRecord {
  return JSON.parse(decoder.decode(data)) as LeaseRecord;
}

function version(seqno: bigint, record: LeaseRecord): VersionedData {
  return { seqno, data: encoder.encode(JSON.stringify(record)) };
}
