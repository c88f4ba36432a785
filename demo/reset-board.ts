import { deleteStore, openStore, type Store } from '../src/index.js';
import { downloadBackup } from './backup.js';

/** Why a backup before a reset failed: the reset did not happen, and the app asks before resetting anyway. */
export class BackupBeforeResetError extends Error {
  override readonly name = 'BackupBeforeResetError';
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/**
 * The way out of a board that will not load (a damaged snapshot, a change no Automerge version
 * reads): download a backup of everything the store holds, then delete the store, so the
 * reload that follows starts an empty board. The backup can be imported into it, or sent to
 * whoever can repair it.
 *
 * @param storeName - the store to reset.
 * @param open - the open store, when the app got that far; otherwise one is opened for the backup.
 * @param backUp - false to reset without a backup (after a backup failed and the person agreed).
 * @throws {@link BackupBeforeResetError} when the backup failed: nothing was deleted.
 */
export async function resetBoard(storeName: string, open: Store | undefined, backUp = true): Promise<void> {
  let store = open;
  if (backUp) {
    try {
      store ??= await openStore(storeName);
      await downloadBackup(store);
    } catch (e) {
      throw new BackupBeforeResetError(e);
    }
  }
  // Closing first lets the delete go through at once; other tabs' stores report 'storage-lost'.
  await store?.close().catch(() => undefined);
  await deleteStore(storeName);
}
