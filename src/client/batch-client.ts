import type { Batch } from '../contracts/log-tracker.js';
import type { BatchOp, LogTrackerEngineApi } from '../engine/log-tracker-engine.js';
import type { ClientContext } from './client-context.js';
import { checkKey, checkString, cloneValue, invalid } from './validate.js';

/** What a batch has enqueued so far, and the store it belongs to. */
interface Queue {
  readonly ctx: ClientContext;
  ops: BatchOp[];
  transfers: ArrayBuffer[];
}

/** The queue of every live batch; a WeakMap keeps it off the public object. */
const QUEUES = new WeakMap<object, Queue>();

/**
 * Enqueues `op` into `batch`, which must be a batch of the store whose context is `ctx`.
 *
 * @param transfer - a buffer that `op` owns and that may be transferred at commit.
 * @throws StoreError code 'invalid-argument' when `batch` is not such a batch.
 */
export function enqueue(batch: unknown, ctx: ClientContext, op: BatchOp, transfer?: ArrayBuffer): void {
  const queue = typeof batch === 'object' && batch !== null ? QUEUES.get(batch) : undefined;
  if (queue === undefined) invalid('batch must come from store.batch()');
  if (queue.ctx !== ctx) invalid('batch belongs to another store');
  queue.ops.push(op);
  if (transfer !== undefined) queue.transfers.push(transfer);
}

/**
 * Creates an empty {@link Batch} of a store. Everything is enqueued on the calling side; the
 * whole list crosses to the engine once, at `commit()`.
 *
 * @remarks
 * `put` and `delete` throw `invalid-argument` synchronously for a bad table name, key or value
 * and enqueue nothing. `commit()` takes everything enqueued so far, so the batch is empty again
 * once it is called, whatever the outcome.
 *
 * @param api - the engine's log-tracker side.
 * @param ctx - the store's client context.
 */
export function createBatchClient(api: LogTrackerEngineApi, ctx: ClientContext): Batch {
  const queue: Queue = { ctx, ops: [], transfers: [] };
  const batch: Batch = {
    put(table, key, value) {
      checkString(table, 'table');
      checkKey(key, 'key');
      queue.ops.push({ kind: 'put', table, key: cloneValue(key, 'key'), value: cloneValue(value, 'value') });
      return this;
    },

    delete(table, key) {
      checkString(table, 'table');
      checkKey(key, 'key');
      queue.ops.push({ kind: 'delete', table, key: cloneValue(key, 'key') });
      return this;
    },

    commit: () =>
      ctx.call(async () => {
        const { ops, transfers } = queue;
        queue.ops = [];
        queue.transfers = [];
        if (ops.length === 0) return;
        await api.commit(ctx.mark(ops, transfers));
      }),
  };
  QUEUES.set(batch, queue);
  return batch;
}
