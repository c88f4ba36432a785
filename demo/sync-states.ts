import * as Automerge from '@automerge/automerge/slim';
import type { Persister } from '../src/index.js';
import { fromHex, toHex } from './tab-identity.js';

/** Sync states of peers not seen for this long are removed. */
export const SYNC_STATE_TTL_MS = 14 * 24 * 60 * 60 * 1000;

const VERSION = 1;
const HEADER = 9;

/**
 * A stored sync state: Automerge's encoded state behind a small header that records when the
 * peer was last seen (version byte, then a little-endian float64 of milliseconds since the epoch).
 */
export interface StoredSyncState {
  lastSeen: number;
  state: Automerge.SyncState;
}

/**
 * The Persister's peer id for what tab `self` knows about tab `peer`: both ids side by side, since
 * every tab of the origin shares one Persister and each keeps its own state about each other tab.
 */
export function syncKey(self: string, peer: string): Uint8Array {
  return fromHex(self + peer);
}

/** Encodes a sync state with its last-seen time. */
export function encodeStored(lastSeen: number, state: Automerge.SyncState): Uint8Array {
  const body = Automerge.encodeSyncState(state);
  const out = new Uint8Array(HEADER + body.length);
  out[0] = VERSION;
  new DataView(out.buffer).setFloat64(1, lastSeen, true);
  out.set(body, HEADER);
  return out;
}

/** Decodes a stored sync state, or `undefined` for bytes in another format. */
export function decodeStored(bytes: Uint8Array): StoredSyncState | undefined {
  if (bytes.length < HEADER || bytes[0] !== VERSION) return undefined;
  try {
    const lastSeen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(1, true);
    return { lastSeen, state: Automerge.decodeSyncState(bytes.subarray(HEADER)) };
  } catch {
    return undefined;
  }
}

/**
 * Removes the sync states of peers not seen for {@link SYNC_STATE_TTL_MS}, and any that cannot
 * be read. A tab's id dies with the tab, so without this the states of closed tabs pile up.
 *
 * @returns how many were removed.
 */
export async function pruneSyncStates(persister: Persister, now = Date.now()): Promise<number> {
  const stale: Uint8Array[] = [];
  for (const peer of await persister.getPeerIds()) {
    const bytes = await persister.getSyncState(peer);
    const stored = bytes === undefined ? undefined : decodeStored(bytes);
    if (stored === undefined || now - stored.lastSeen > SYNC_STATE_TTL_MS) stale.push(peer);
  }
  await persister.removeSyncStates(stale);
  return stale.length;
}

/** The hex form of a Persister peer id, for logs and maps. */
export function keyHex(peer: Uint8Array): string {
  return toHex(peer);
}
