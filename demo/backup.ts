import * as Automerge from '@automerge/automerge/slim';
import type { Persister } from '../src/index.js';
import { fromHex, toHex } from './tab-identity.js';

/** The backup file: JSON with every stored byte of one document in base64. */
export interface Backup {
  format: 'larder-demo-backup';
  version: 1;
  exportedAt: string;
  docId: string;
  /** The compacted snapshot, or null before the first compaction. */
  document: string | null;
  /** Every stored change, with the key it is stored under. */
  changes: Array<{ actor: string; seq: number; bytes: string }>;
  /** Every stored sync state, by Persister peer id in hex. */
  syncStates: Array<{ peer: string; bytes: string }>;
}

/** Why an import was refused. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/**
 * Reads everything a document has stored into a backup.
 *
 * @param persister - the document's Persister.
 * @param docId - the document's id, recorded in the file.
 */
export async function exportBackup(persister: Persister, docId: string): Promise<Backup> {
  await persister.flush();
  const changes = await persister.getChanges();
  const document = await persister.getDocument();
  const peers = await persister.getPeerIds();
  const syncStates: Backup['syncStates'] = [];
  for (const peer of peers) {
    const bytes = await persister.getSyncState(peer);
    if (bytes !== undefined) syncStates.push({ peer: toHex(peer), bytes: toBase64(bytes) });
  }
  return {
    format: 'larder-demo-backup',
    version: 1,
    exportedAt: new Date().toISOString(),
    docId,
    document: document === undefined ? null : toBase64(document),
    changes: changes.map((bytes) => {
      const { actor, seq } = Automerge.decodeChange(bytes);
      return { actor, seq, bytes: toBase64(bytes) };
    }),
    syncStates,
  };
}

/**
 * Hands a backup to the browser as a file download.
 *
 * @returns the file's size in bytes.
 */
export function downloadBackup(backup: Backup): number {
  const blob = new Blob([JSON.stringify(backup, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `larder-board-${backup.exportedAt.slice(0, 10)}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob.size;
}

/**
 * Writes a backup into a document that has stored nothing yet.
 *
 * @throws {@link BackupError} when the text is not a backup, or the document is not empty.
 */
export async function importBackup(persister: Persister, text: string): Promise<{ changes: number }> {
  const backup = parseBackup(text);
  const sizes = await persister.sizes();
  if (sizes.changes > 0 || sizes.document > 0) {
    throw new BackupError(
      'This board already has data. Import a backup into an empty board (a new browser profile).',
    );
  }
  if (backup.document !== null) await persister.setDocument(fromBase64(backup.document));
  await persister.insertChanges(backup.changes.map((c) => [c.actor, c.seq, fromBase64(c.bytes)] as const));
  for (const s of backup.syncStates) await persister.setSyncState(fromHex(s.peer), fromBase64(s.bytes));
  await persister.flush();
  return { changes: backup.changes.length };
}

/** Validates a backup file's text. */
export function parseBackup(text: string): Backup {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupError('This file is not a board backup (it is not JSON).');
  }
  const b = value as Partial<Backup> | null;
  if (b === null || typeof b !== 'object' || b.format !== 'larder-demo-backup') {
    throw new BackupError('This file is not a board backup.');
  }
  if (b.version !== 1)
    throw new BackupError(`This backup has version ${String(b.version)}; this app reads version 1.`);
  const ok =
    (b.document === null || typeof b.document === 'string') &&
    Array.isArray(b.changes) &&
    b.changes.every(
      (c) => typeof c?.actor === 'string' && Number.isSafeInteger(c.seq) && typeof c.bytes === 'string',
    ) &&
    Array.isArray(b.syncStates) &&
    b.syncStates.every(
      (s) => typeof s?.peer === 'string' && /^([0-9a-f]{2})+$/.test(s.peer) && typeof s.bytes === 'string',
    );
  if (!ok) throw new BackupError('This backup is damaged: some of its fields are missing or malformed.');
  return b as Backup;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw new BackupError('This backup is damaged: it holds bytes that are not base64.');
  }
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
