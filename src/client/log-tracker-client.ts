import type { DecodedEntry, LogTracker } from '../contracts/log-tracker.js';
import type { LogTrackerEngineApi } from '../engine/log-tracker-engine.js';
import { ownCopy } from '../packed-bytes.js';
import { enqueue } from './batch-client.js';
import { cloneValue } from './validate.js';
import type { ClientContext } from './client-context.js';
import { checkBytes, checkIndex, checkString, checkU63, invalid } from './validate.js';

/** The textual form of `crypto.randomUUID()`, in any case. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that `value` is a UUID string and returns it in lowercase, the form rows store. */
function checkUuid(value: unknown, what: string): string {
  checkString(value, what);
  if (!UUID.test(value)) invalid(`${what} must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

/**
 * Creates the {@link LogTracker} of one prefix over an engine, inline or remote.
 *
 * @remarks
 * `trackOne` and `trackExpunged` validate everything, then enqueue into the batch; nothing
 * reaches the engine before the batch commits.
 *
 * @param api - the engine's log-tracker side.
 * @param prefix - the log's namespace.
 * @param ctx - the store's client context.
 * @param subscribe - the store's change feed, for this prefix.
 */
export function createLogTrackerClient<Op>(
  api: LogTrackerEngineApi,
  prefix: string,
  ctx: ClientContext,
  subscribe: LogTracker<Op>['subscribe'],
): LogTracker<Op> {
  return {
    subscribe,
    trackOne(peerId, entryIdx, timestamp, serverUserId, op, batch) {
      const peer = checkUuid(peerId, 'peerId');
      checkU63(entryIdx, 'entryIdx');
      checkU63(timestamp, 'timestamp');
      const user = serverUserId === undefined ? undefined : checkUuid(serverUserId, 'serverUserId');
      const row: DecodedEntry<unknown> = {
        kind: 'entry',
        timestamp,
        serverUserId: user,
        op: cloneValue(op, 'op'),
      };
      enqueue(batch, ctx, { kind: 'track', prefix, peer, idx: entryIdx, row });
    },

    trackExpunged(peerId, entryIdx, hash, batch) {
      const peer = checkUuid(peerId, 'peerId');
      checkU63(entryIdx, 'entryIdx');
      checkBytes(hash, 'hash');
      const copy = ownCopy(hash);
      const row: DecodedEntry<unknown> = { kind: 'expunged', hash: copy };
      enqueue(batch, ctx, { kind: 'track', prefix, peer, idx: entryIdx, row }, copy.buffer as ArrayBuffer);
    },

    allCursors: () => ctx.call(() => api.allCursors(prefix)),

    readEntries: (peerId, from, limit) =>
      ctx.call(async () => {
        const peer = checkUuid(peerId, 'peerId');
        checkU63(from, 'from');
        checkIndex(limit, 'limit');
        return (await api.readEntries(prefix, peer, from, limit)) as Array<[bigint, DecodedEntry<Op>]>;
      }),
  };
}
