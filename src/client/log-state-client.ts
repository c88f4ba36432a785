import type { LogStatePersistence, LogStateReadOps, LogStateWriteOps } from '../contracts/log-state.js';
import type { LogStateEngineApi, StoredCheckpoint } from '../engine/log-state-engine.js';
import { ownCopy } from '../packed-bytes.js';
import { StoreError } from '../store-error.js';
import type { ClientContext } from './client-context.js';
import { checkBytes, checkString } from './validate.js';

/**
 * Creates the {@link LogStatePersistence} of a store over an engine, inline or remote.
 *
 * @param api - the engine's log-state side.
 * @param ctx - the store's client context.
 * @param subscribe - the store's change feed of checkpoints.
 */
export function createLogStateClient(
  api: LogStateEngineApi,
  ctx: ClientContext,
  subscribe: LogStatePersistence['subscribe'],
): LogStatePersistence {
  const { call } = ctx;
  return {
    subscribe,
    init: () => call(() => api.init()),

    logs: () => call(() => api.logs()),

    readOps: (logId) =>
      call((): LogStateReadOps => {
        checkString(logId, 'logId');
        return {
          getLatest: () =>
            call(async () => {
              const stored = await api.read(logId);
              if (stored === undefined) throw notFound(logId);
              return stored.checkpoint;
            }),
        };
      }),

    writeOps: (logId) =>
      call(async () => {
        checkString(logId, 'logId');
        return createWriteOps(api, ctx, logId, await api.read(logId));
      }),
  };
}

/**
 * A write op is only its snapshot, kept on this side: nothing is held in the engine or in
 * IndexedDB between `writeOps` and `set`, so a caller that never closes it blocks nobody.
 */
function createWriteOps(
  api: LogStateEngineApi,
  ctx: ClientContext,
  logId: string,
  snapshot: StoredCheckpoint | undefined,
): LogStateWriteOps {
  const { call, mark } = ctx;
  let finished = false;
  const checkOpen = () => {
    if (finished) throw new StoreError('closed', `The write op on log "${logId}" is finished`);
  };
  const close = async () => {
    finished = true;
  };
  return {
    getLatest: () =>
      call(() => {
        checkOpen();
        if (snapshot === undefined) throw notFound(logId);
        // A copy, so a caller editing what it got cannot change the snapshot.
        return snapshot.checkpoint.slice();
      }),

    set: (checkpoint) =>
      call(async () => {
        checkOpen();
        // Bad input changes nothing, the write op's state included.
        checkBytes(checkpoint, 'checkpoint');
        finished = true;
        const copy = ownCopy(checkpoint);
        await api.set(logId, snapshot?.version, mark(copy, [copy.buffer]));
      }),

    close,
    [Symbol.asyncDispose]: close,
  };
}

function notFound(logId: string): StoreError {
  return new StoreError('not-found', `Log "${logId}" has no checkpoint`);
}
