import { StoreError } from '../store-error.js';

/**
 * Loads a part of the client that few apps use (backups), kept out of the main-thread bundle
 * until it is called. A load that fails (offline before the chunk was cached, a deploy that
 * removed it) is larder's failure, not the caller's: it rejects with a StoreError 'unknown'
 * whose cause is the loader's error, rather than passing for bad input.
 *
 * @param what - the part, for the message.
 * @param load - the dynamic `import()`.
 */
export async function loadPart<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new StoreError('unknown', `larder could not load its ${what} code: ${detail}`, { cause: e });
  }
}
