import { deleteDB } from 'idb';
import { StoreError } from '../store-error.js';

/**
 * Deletes an IndexedDB database. Open larder connections close themselves on the
 * `versionchange` this causes; if another connection stays open, it rejects with 'blocked'.
 *
 * @param name - the database name.
 */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    deleteDB(name, {
      blocked: () => reject(new StoreError('blocked', `Another connection to "${name}" will not close`)),
    }).then(resolve, reject);
  });
}
