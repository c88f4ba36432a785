import * as Y from 'yjs';
import { beforeFlush, runBeforeFlush } from '../client/before-flush.js';
import type { UpdateLog } from './update-log.js';

/** The lifecycle events after which a page may be killed without running again. */
const HIDE_EVENTS = ['visibilitychange', 'pagehide', 'freeze'] as const;

/**
 * Updates that may wait unmerged: past this many they are merged into one while they wait, so
 * that no single merge grows with how long the engine took to answer (one merge of 1,000
 * updates is a long task).
 */
const MERGE_EVERY = 64;

/**
 * Sends what every sender of this page holds back, so that a read issued next sees every
 * update made so far in the page, as it would if each update had been written at once: a
 * second provider loading the same document, a compaction.
 */
export function sendAllWaiting(): void {
  runBeforeFlush();
}

/**
 * How long an update may wait to be sent with the ones that follow it: the store's default
 * write-behind delay, so a commit holds what was typed in about one window either way.
 */
export const SEND_DELAY_MS = 10;

/**
 * Hands a document's local updates to the store as few, merged writes: an update waits up to
 * {@link SEND_DELAY_MS} for the ones that follow it, and while the engine has not acknowledged
 * the previous write, and then they go out merged into one. Every write is a row that a cold
 * load reads, and a row costs more to read than a small update costs to apply: 10,000
 * keystrokes typed one per task, each written at once, loaded 10,000 rows; merged over 10 ms
 * they are a few hundred.
 *
 * @remarks
 * The updates waiting are only in this page's memory, as the store's write-behind buffer is
 * only in its engine's: on hide, on pagehide and on freeze they go out at once, before the
 * store's own flush for those events (capture listeners on `window` run before the store's
 * listeners, whether on `document` or at the target). A read in the page, `whenStored()` and
 * `destroy()` send them first too.
 */
export class UpdateSender {
  readonly #log: UpdateLog;
  readonly #onWritten: (id: string, bytes: number) => void;
  #waiting: Uint8Array[] = [];
  #inFlight = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #writing = new Set<Promise<unknown>>();
  #error: unknown;
  readonly #onHide = () => this.send();
  readonly #unregister: () => void;
  /** The window, in a page; undefined in a worker, which has no lifecycle events to heed. */
  readonly #window = 'document' in globalThis ? (globalThis as unknown as EventTarget) : undefined;

  /**
   * @param log - where updates are written.
   * @param onWritten - called with each write's id and size as it is sent.
   */
  constructor(log: UpdateLog, onWritten: (id: string, bytes: number) => void) {
    this.#log = log;
    this.#onWritten = onWritten;
    // A store's flush() and close() send what waits first: they cover every write made.
    this.#unregister = beforeFlush(this.#onHide);
    for (const type of HIDE_EVENTS) this.#window?.addEventListener(type, this.#onHide, { capture: true });
  }

  /** Queues a local update; it goes out within {@link SEND_DELAY_MS}, or once no write is in flight. */
  push(update: Uint8Array): void {
    this.#waiting.push(update);
    if (this.#waiting.length >= MERGE_EVERY) this.#waiting = [Y.mergeUpdates(this.#waiting)];
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      // A write in flight sends what waits as it settles.
      if (this.#inFlight === 0) this.send();
    }, SEND_DELAY_MS);
  }

  /** Sends every waiting update now, merged into one write. */
  send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    this.#waiting = [];
    const update = waiting.length === 1 ? (waiting[0] as Uint8Array) : Y.mergeUpdates(waiting);
    const { id, written } = this.#log.append(update);
    this.#onWritten(id, update.byteLength);
    this.#inFlight++;
    this.#writing.add(written);
    written
      .catch((e: unknown) => {
        this.#error ??= e;
      })
      .finally(() => {
        this.#writing.delete(written);
        this.#inFlight--;
        if (this.#inFlight === 0) this.send();
      });
  }

  /**
   * Sends what waits and resolves once the store holds every update pushed so far (buffered or
   * committed); rejects with the first write that failed.
   */
  async sent(): Promise<void> {
    this.send();
    await Promise.all([...this.#writing].map((w) => w.catch(() => undefined)));
    if (this.#error !== undefined) throw this.#error;
  }

  /** Stops listening for hide events (what waits is sent by {@link UpdateSender.sent}). */
  close(): void {
    this.#unregister();
    for (const type of HIDE_EVENTS) this.#window?.removeEventListener(type, this.#onHide, { capture: true });
  }
}
