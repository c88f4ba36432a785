import type { MarkTransfer } from '../engine/transfer.js';
import { StoreError, toStoreError } from '../store-error.js';

/** What every contract client shares with its store. */
export interface ClientContext {
  /** Marks buffers for transfer to the engine (the identity inline). */
  readonly mark: MarkTransfer;
  /**
   * Runs a call to the engine: rejects with 'closed' after the store closed, turns anything
   * thrown, validation included, into a rejected {@link StoreError}.
   */
  call<T>(fn: () => Promise<T> | T): Promise<T>;
  /** Records that a buffered write was sent, so the store knows it has unsaved writes. */
  noteWrite(): void;
}

/**
 * Creates the {@link ClientContext} of a store whose closed state `isClosed` reports and which
 * counts buffered writes with `noteWrite`.
 */
export function createClientContext(
  mark: MarkTransfer,
  isClosed: () => boolean,
  noteWrite: () => void,
): ClientContext {
  return {
    mark,
    noteWrite,
    async call<T>(fn: () => Promise<T> | T): Promise<T> {
      if (isClosed()) throw new StoreError('closed', 'The store is closed');
      try {
        return await fn();
      } catch (e) {
        throw toStoreError(e);
      }
    },
  };
}
