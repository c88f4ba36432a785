import type { Consensus } from '../contracts/consensus.js';
import type { LeaseState } from '../contracts/lease.js';
import { StoreError } from '../store-error.js';

/** The consensus keys of leases start with this, apart from the app's own keys. */
export const LEASE_KEY_PREFIX = 'larder:lease:';

/** One version of a lease's consensus key, as JSON. */
export interface LeaseRecord {
  v: 1;
  holder: string;
  state: 'held' | 'released';
  /** Ms since the epoch; 0 once released. */
  expiresAt: number;
  /** The seqno of the version that acquired it, in decimal. */
  token: string;
  note?: unknown;
}

/** A lease record and the seqno of its version. */
export interface LeaseHead {
  seqno: bigint;
  record: LeaseRecord;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads the head of the lease `key`. */
export async function readLeaseHead(consensus: Consensus, key: string): Promise<LeaseHead | undefined> {
  const head = await consensus.head(LEASE_KEY_PREFIX + key);
  return head === undefined ? undefined : { seqno: head.seqno, record: decodeLease(key, head.data) };
}

/** Appends `record` as version `seqno` of the lease `key` if its head is still `expected`. */
export async function writeLease(
  consensus: Consensus,
  key: string,
  expected: bigint | undefined,
  seqno: bigint,
  record: LeaseRecord,
): Promise<boolean> {
  const data = encoder.encode(JSON.stringify(record));
  return (await consensus.compareAndSet(LEASE_KEY_PREFIX + key, expected, { seqno, data })) === 'committed';
}

/** Whether a record says someone holds the lease at `now`. */
export function isHeld(record: LeaseRecord, now = Date.now()): boolean {
  return record.state === 'held' && record.expiresAt > now;
}

/** The public view of a lease head. */
export function toLeaseState(head: LeaseHead): LeaseState {
  const { holder, expiresAt, token, note } = head.record;
  return {
    holder,
    held: isHeld(head.record),
    expiresAt,
    token: BigInt(token),
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * Checks that `note` survives JSON as it is, so that a release never stores something else.
 *
 * @throws {@link StoreError} code 'invalid-argument' otherwise.
 */
export function checkNote(note: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(note);
  } catch (e) {
    throw new StoreError('invalid-argument', `note cannot be stored as JSON: ${String(e)}`, { cause: e });
  }
  if (note !== undefined && text === undefined) {
    throw new StoreError('invalid-argument', 'note cannot be stored as JSON');
  }
}

function decodeLease(key: string, data: Uint8Array): LeaseRecord {
  let record: Partial<LeaseRecord> | null = null;
  try {
    record = JSON.parse(decoder.decode(data)) as Partial<LeaseRecord> | null;
  } catch {
    // Reported below, as every other record that is not a lease's.
  }
  if (
    record === null ||
    typeof record !== 'object' ||
    record.v !== 1 ||
    typeof record.holder !== 'string' ||
    (record.state !== 'held' && record.state !== 'released') ||
    typeof record.expiresAt !== 'number' ||
    typeof record.token !== 'string' ||
    !/^\d+$/.test(record.token)
  ) {
    throw new StoreError(
      'conflict',
      `The consensus key "${LEASE_KEY_PREFIX}${key}" holds something that is not a larder lease`,
    );
  }
  return record as LeaseRecord;
}
