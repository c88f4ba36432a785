import type { MarkTransfer } from '../engine/transfer.js';
import type { BufferedWrite } from '../protocol.js';
import { StoreError, toStoreError } from '../store-error.js';
import { WritePipe, type SendWrites } from './write-pipe.js';
import type { PendingWrite } from './write-tracker.js';

/** A buffered write, checked and copied, ready for the write pipe. */
export interface PreparedWrite {
  op: BufferedWrite;
  /** The kit's own copies that `op` holds, transferred to a worker engine. */
  transfers: Transferable[];
  /** The bytes it writes, for the store's save status. */
  bytes?: number;
}

/** What every contract client shares with its store. */
export interface ClientContext {
  /** Marks buffers for transfer to the engine (the identity inline). */
  readonly mark: MarkTransfer;
  /**
   * Runs a call to the engine: rejects once the store is closed or lost, turns anything
   * thrown, validation included, into a rejected {@link StoreError}. Buffered writes queued
   * before it are sent first.
   */
  call<T>(fn: () => Promise<T> | T): Promise<T>;
  /**
   * Makes one buffered write: `prepare` checks and copies the arguments (or returns undefined
   * for a write that writes nothing), and the write is queued in the store's write pipe,
   * acknowledged from then on (see write-pipe.ts), and tracked until a commit covers it.
   *
   * @param method - the public method, for reports of lost writes.
   * @param target - what it writes to (a docId, a key space).
   * @param options - `applied`: resolve only once the engine has applied the write (sent at
   *   once), for a write whose engine method commits before it returns, like `deleteRange`.
   */
  write(
    method: string,
    target: string,
    prepare: () => PreparedWrite | undefined,
    options?: { applied?: boolean },
  ): Promise<void>;
  /** Sends the queued buffered writes, then ends the write pipe's end-of-task sends. */
  close(): void;
}

/** What a store does for its clients' calls. */
export interface ContextHost {
  /** The error every call fails with now (closed, engine or storage lost), if any. */
  failure(): StoreError | undefined;
  /** Sends a batch of buffered writes to the engine. */
  sendWrites: SendWrites;
  /** Tracks acknowledged writes until the engine gives them an id (WriteTracker.track). */
  track(done: Promise<number>, writes: PendingWrite[]): void;
  /** A write of `bytes` was acknowledged. */
  acknowledged(bytes: number): void;
}

/** Creates the {@link ClientContext} of a store. */
export function createClientContext(mark: MarkTransfer, host: ContextHost): ClientContext {
  const pipe = new WritePipe(host.sendWrites, (done, writes) => host.track(done, writes));
  const call = <T>(fn: () => Promise<T> | T): Promise<T> =>
    run(() => {
      pipe.send();
      return fn();
    });
  const run = async <T>(fn: () => Promise<T> | T): Promise<T> => {
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
    write: (method, target, prepare, options) =>
      run(async () => {
        const prepared = prepare();
        if (prepared === undefined) return;
        const bytes = prepared.bytes ?? 0;
        const applied = pipe.push(prepared.op, prepared.transfers, { method, target, bytes });
        host.acknowledged(bytes);
        if (options?.applied === true) {
          pipe.send();
          await applied;
        } else {
          await pipe.yieldIfLong();
        }
      }),
    close: () => pipe.close(),
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
