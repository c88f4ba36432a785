import type { KeySpace } from '../contracts/key-space.js';
import { StoreError, toStoreError } from '../store-error.js';
import { holdStore, resolveOptions, type LarderPersistenceOptions } from './larder-persistence-options.js';

/** Deletes the stored updates and custom values of document `name` and commits. */
export async function clearStored(ks: KeySpace, name: string): Promise<void> {
  await ks.deleteRange([name]);
  await ks.flush();
}

/**
 * Deletes the stored updates and custom values of document `name`, as y-indexeddb's
 * `clearDocument` deletes its database. Providers open on it keep their `Y.Doc`s as they are.
 *
 * @param name - the document's name.
 * @param options - the store, or a store name and options, and the key space.
 * @throws {@link larder-kit!StoreError} code 'invalid-argument' for a bad name or option; others when the
 * store cannot be opened or written.
 */
export async function clearDocument(
  name: string,
  options: Pick<LarderPersistenceOptions, 'store' | 'name' | 'options' | 'keySpace'> = {},
): Promise<void> {
  let held;
  try {
    if (typeof name !== 'string') throw new StoreError('invalid-argument', 'name must be a string');
    const { keySpace } = resolveOptions(options);
    held = holdStore(options);
    await clearStored((await held.store).keySpace(keySpace), name);
  } catch (e) {
    throw toStoreError(e);
  } finally {
    await held?.release();
  }
}
