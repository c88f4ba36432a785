import * as Y from 'yjs';
import type { UpdateLog } from './update-log.js';

/** The lifecycle events after which a page may be killed without running again. */
const HIDE_EVENTS = ['visibilitychange', 'pagehide', 'freeze'] as const;

/**
 * Updates that may wait unmerged: past this many they are merged into one while they wait, so
 * that no single merge grows with how long the engine took to answer (one merge of 1,000
 * updates is a long task).
 */
const MERGE_EVERY = 64;

/** Every open sender of this page (see {@link sendAllWaiting}). */
const open = new Set<UpdateSender>();

/**
 * Sends what every sender of this page holds back, so that a read issued next sees every
 * update made so far in the page, as it would if each update had been written at once: a
 * second provider loading the same document, a compaction.
 */
export function sendAllWaiting(): void {
  for (const sender of open) sender.send();
}

/**
 * Hands a document's local updates to the store, at most one write in flight: updates made
 * while the engine has not acknowledged the previous write wait and go out merged into one.
 * One update per keystroke then costs one engine call while the engine keeps up, and far fewer
 * when it does not (10,000 updates typed one per task went out as a few hundred writes).
 *
 * @remarks
 * The updates waiting are only in this page's memory, as the store's write-behind buffer is
 * only in its engine's: on hide, on pagehide and on freeze they go out at once, before the
 * store's own flush for those events (capture listeners on `window` run before the store's
 * listeners, whether on `document` or at the target).
 */
export class UpdateSender {
  readonly #log: UpdateLog;
  readonly #onWritten: (id: string, bytes: number) => void;
  #waiting: Uint8Array[] = [];
  #inFlight = 0;
  readonly #writing = new Set<Promise<unknown>>();
  #error: unknown;
  readonly #onHide = () => this.send();
  /** The window, in a page; undefined in a worker, which has no lifecycle events to heed. */
  readonly #window = 'document' in globalThis ? (globalThis as unknown as EventTarget) : undefined;

  /**
   * @param log - where updates are written.
   * @param onWritten - called with each write's id and size as it is sent.
   */
  constructor(log: UpdateLog, onWritten: (id: string, bytes: number) => void) {
    this.#log = log;
    this.#onWritten = onWritten;
    open.add(this);
    for (const type of HIDE_EVENTS) this.#window?.addEventListener(type, this.#onHide, { capture: true });
  }

  /** Queues a local update; it goes out at once unless a write is in flight. */
  push(update: Uint8Array): void {
    this.#waiting.push(update);
    if (this.#inFlight === 0) this.send();
    else if (this.#waiting.length >= MERGE_EVERY) this.#waiting = [Y.mergeUpdates(this.#waiting)];
  }

  /** Sends every waiting update now, merged into one write. */
  send(): void {
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
    open.delete(this);
    for (const type of HIDE_EVENTS) this.#window?.removeEventListener(type, this.#onHide, { capture: true });
  }
}
