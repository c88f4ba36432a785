import type { BufferedWrite } from '../protocol.js';
import { coalesceWrites, type QueuedWrite } from './coalesce-writes.js';
import type { PendingWrite } from './write-tracker.js';

/** Sends one batch of writes to the engine; resolves the id of the last. */
export type SendWrites = (writes: BufferedWrite[], transfers: Transferable[]) => Promise<number>;

/**
 * How long one task may go on queuing writes before a write waits for the next task: a loop of
 * awaited writes otherwise runs in one task (each resolves in a microtask), and held the main
 * thread for 324 ms over 10,000 writes in the bench.
 *
 * 2 ms, not 4: the task that resumes a waiting writer was posted when its batch began, so it is
 * older than a timer that came due during the batch and runs first, and such a timer can wait
 * out two or three of these tasks in a row. In a probe of 10,000 awaited writes, a 4 ms
 * heartbeat's worst gap was 11.5–23.2 ms over six runs at 4 ms, and 8.6–12.7 ms at 2 ms, in
 * the same total time (raw IndexedDB's own was 9.8–12.5 ms in the bench).
 */
const MAX_TASK_MS = 2;

/** The batch being queued: what its engine call will settle. */
interface Batch {
  done: Promise<number>;
  /** When its first write was queued. */
  openedAt: number;
  resolve(id: number): void;
  reject(e: unknown): void;
}

function newBatch(): Batch {
  let resolve!: (id: number) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<number>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject, openedAt: performance.now() };
}

/**
 * Carries a store's buffered writes (Persister and key space) to its engine, those of one task
 * in one engine call.
 *
 * @remarks
 * A buffered write resolves once it is checked, copied and queued here: the engine receives
 * calls in order, reads go after the writes queued before them ({@link WritePipe.send} runs
 * before every other engine call), and `flush()` is the strict point. An app that awaits each
 * write (automerge-repo's `save`, a Yjs update) then pays neither a round trip to the worker
 * nor a message per write. The queue is sent at the end of the task, through a MessageChannel
 * (timers are throttled in hidden tabs, messages are not), or at once by the next engine call.
 */
export class WritePipe {
  readonly #send: SendWrites;
  readonly #track: (done: Promise<number>, writes: PendingWrite[]) => void;
  #writes: QueuedWrite[] = [];
  #pending: PendingWrite[] = [];
  #batch: Batch | undefined;
  readonly #tick: MessageChannel | undefined;
  /** Writers waiting for the next task (see {@link WritePipe.yieldIfLong}). */
  #waiting: Array<() => void> = [];

  /**
   * @param send - sends a batch to the engine.
   * @param track - tracks a batch's writes until their id is known (see WriteTracker.track).
   */
  constructor(send: SendWrites, track: (done: Promise<number>, writes: PendingWrite[]) => void) {
    this.#send = send;
    this.#track = track;
    if (typeof MessageChannel !== 'undefined') {
      this.#tick = new MessageChannel();
      this.#tick.port1.onmessage = () => this.#ticked();
    }
  }

  /**
   * Queues one write, acknowledged from now on.
   *
   * @returns what its batch resolves once the engine has applied it: the id of the batch's
   *   last write (a write that commits at once, like `deleteRange`, has committed by then).
   */
  push(write: BufferedWrite, transfers: readonly Transferable[], pending: PendingWrite): Promise<number> {
    let batch = this.#batch;
    if (batch === undefined) {
      batch = this.#batch = newBatch();
      this.#track(batch.done, this.#pending);
      if (this.#tick !== undefined) this.#tick.port2.postMessage(null);
      else setTimeout(() => this.#ticked(), 0);
    }
    this.#writes.push({ op: write, transfers });
    this.#pending.push(pending);
    return batch.done;
  }

  /**
   * Resolves at once, or, once the queue has been filling for {@link MAX_TASK_MS} in this task,
   * at the next task: a writer awaits it so that a loop of awaited writes lets the page breathe.
   */
  yieldIfLong(): Promise<void> | undefined {
    const batch = this.#batch;
    if (batch === undefined || performance.now() - batch.openedAt < MAX_TASK_MS) return undefined;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #ticked(): void {
    this.send();
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resume of waiting) resume();
  }

  /** Sends what is queued now: before any other call to the engine, so it sees them in order. */
  send(): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    const queued = this.#writes;
    this.#batch = undefined;
    this.#writes = [];
    this.#pending = [];
    let sent: Promise<number>;
    try {
      const { writes, transfers } = coalesceWrites(queued);
      sent = this.#send(writes, transfers);
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent.then(batch.resolve, batch.reject);
  }

  /** Sends what is queued, resumes waiting writers, and stops the end-of-task sends. */
  close(): void {
    this.#ticked();
    if (this.#tick === undefined) return;
    this.#tick.port1.onmessage = null;
    this.#tick.port1.close();
    this.#tick.port2.close();
  }
}
