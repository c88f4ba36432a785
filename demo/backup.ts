import { isStoreError, type ImportResult, type Store } from '../src/index.js';

/** Why an import was refused, in words for the person who picked the file. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/**
 * Takes a backup of the whole store (larder's own format, checked in full on import) and hands
 * it to the browser as a file download.
 *
 * @returns the file's size in bytes.
 */
export async function downloadBackup(store: Store): Promise<number> {
  const blob = await new Response(await store.exportBackup()).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `larder-board-${new Date().toISOString().slice(0, 10)}.larder-backup`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob.size;
}

/**
 * Restores a backup into a board that has stored nothing yet. larder reads and checks the whole
 * file before it writes anything, so a damaged, truncated or foreign file changes nothing.
 *
 * @throws {@link BackupError} when the board already has data, or the file is not a good backup.
 */
export async function importIntoEmptyBoard(store: Store, docId: string, file: Blob): Promise<ImportResult> {
  // Two histories merged by accident would be hard to undo: restore into an empty board only.
  const { document: held } = await store.health({ docId });
  if (held !== undefined && held.changes + held.document > 0) {
    throw new BackupError(
      'This board already has data. Import a backup into an empty board (a new browser profile).',
    );
  }
  try {
    return await store.importBackup(file);
  } catch (e) {
    if (isStoreError(e, 'invalid-argument')) throw new BackupError(`Not imported: ${e.message}.`);
    throw e;
  }
}
