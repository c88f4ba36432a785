import type { MarkTransfer } from '../engine/transfer.js';
import { StoreError, toStoreError } from '../store-error.js';

/** What every contract client shares with its store. */
export interface ClientContext {
  /** Marks buffers for transfer to the engine (the identity inline). */
  readonly mark: MarkTransfer;
  /**
   * Runs a call to the engine: rejects once the store is closed or lost, turns anything
   * thrown, validation included, into a rejected {@link StoreError}.
   */
  call<T>(fn: () => Promise<T> | T): Promise<T>;
  /**
   * Sends one buffered write: `send` starts the engine call synchronously and resolves with the
   * id the engine gave the write, which the store tracks until a commit covers it.
   *
   * @param method - the public method, for reports of lost writes.
   * @param target - what it writes to (a docId, a key space).
   * @param bytes - the bytes it writes, for the store's save status.
   */
  write(method: string, target: string, send: () => Promise<number>, bytes?: number): Promise<void>;
}

/** What a store does for its clients' calls. */
export interface ContextHost {
  /** The error every call fails with now (closed, engine or storage lost), if any. */
  failure(): StoreError | undefined;
  /** Records a write about to be sent (settling with `done`), and then its id or its failure. */
  sending(done: Promise<unknown>): void;
  sent(method: string, target: string, id: number | undefined, bytes: number): void;
}

/** Creates the {@link ClientContext} of a store. */
export function createClientContext(mark: MarkTransfer, host: ContextHost): ClientContext {
  const call = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    const failure = host.failure();
    if (failure !== undefined) throw failure;
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StoreError || isDomException(e)) throw toStoreError(e);
      // The engine's failures arrive as StoreErrors (its boundary converts them, see
      // engine-errors.ts), so anything else was thrown by the caller's own values while the
      // client read them: a throwing getter, a Proxy trap, a sparse element.
      throw new StoreError('invalid-argument', `An argument could not be read: ${errorText(e)}`, {
        cause: e,
      });
    }
  };
  return {
    mark,
    call,
    write: (method, target, send, bytes = 0) =>
      call(async () => {
        const sending = send();
        host.sending(sending);
        let id: number | undefined;
        try {
          id = await sending;
        } finally {
          host.sent(method, target, id, bytes);
        }
      }),
  };
}

function isDomException(e: unknown): boolean {
  return typeof DOMException !== 'undefined' && e instanceof DOMException;
}

function errorText(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an unreadable error';
  }
}
