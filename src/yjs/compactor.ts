import type { KeyEntry } from '../contracts/key-space.js';
import type { StoredNotice } from './doc-channel.js';
import { UpdateLog } from './update-log.js';

/** What a {@link Compactor} needs from its provider. */
export interface CompactorHost {
  /** Reads every stored update (after sending what the page holds back). */
  readAll(): Promise<{ entries: KeyEntry[]; fresh: Uint8Array[] }>;
  /** Applies updates read from storage to the document, as the provider's. */
  apply(updates: Uint8Array[]): void;
  /** The document's whole state as one update. */
  state(): Uint8Array;
  /** Runs `task` after the provider's other storage tasks, one at a time. */
  queue(task: () => Promise<void>): Promise<void>;
  /** Commits what the store buffers. */
  flush(): Promise<number>;
  /** Tells the other providers of the document. */
  post(notice: StoredNotice): void;
}

/**
 * Merges the stored updates of one document into one, past a byte threshold.
 *
 * @remarks
 * Runs when the updates this provider knows of pass `compactBytes` and have doubled since the
 * last merge (anywhere), so that a large document is not rewritten on every keystroke. One tab
 * at a time (a Web Lock, `ifAvailable`: a busy lock means another tab is merging). The lock saves
 * work; it is not what keeps updates: a merge deletes only the keys it read, after writing the
 * merged update of all of them, so an update another tab writes meanwhile is never deleted.
 */
export class Compactor {
  readonly #log: UpdateLog;
  readonly #doc: string;
  readonly #lockName: string;
  readonly #compactBytes: number;
  readonly #host: CompactorHost;
  #running = false;
  #lastMergedBytes = 0;
  /** The latest merge started, settled once it finished or gave up. */
  idle: Promise<void> = Promise.resolve();

  /**
   * @param log - the document's stored updates.
   * @param doc - the document's name.
   * @param lockName - the Web Lock that one merge at a time holds.
   * @param compactBytes - the threshold.
   * @param host - the provider.
   */
  constructor(log: UpdateLog, doc: string, lockName: string, compactBytes: number, host: CompactorHost) {
    this.#log = log;
    this.#doc = doc;
    this.#lockName = lockName;
    this.#compactBytes = compactBytes;
    this.#host = host;
  }

  /** Records the size of a merge another provider made. */
  noteMerged(bytes: number): void {
    this.#lastMergedBytes = bytes;
  }

  /** Starts a merge in the background if the stored updates call for one. */
  maybeCompact(): void {
    const log = this.#log;
    if (this.#running || log.count < 2) return;
    if (log.bytes < this.#compactBytes || log.bytes < 2 * this.#lastMergedBytes) return;
    this.#running = true;
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    const compact = () => this.#host.queue(() => this.#compact());
    const run: Promise<unknown> =
      locks === undefined
        ? compact()
        : locks.request(this.#lockName, { ifAvailable: true }, (lock) =>
            lock === null ? undefined : compact(),
          );
    this.idle = run
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => {
        this.#running = false;
      });
  }

  async #compact(): Promise<void> {
    const { entries, fresh } = await this.#host.readAll();
    // Updates another tab committed but has not announced yet: apply them, since the merged
    // update replaces their keys.
    this.#host.apply(fresh);
    if (entries.length < 2) return;
    // The document holds every update read (each was applied or written by this provider), so
    // its state is their merge, and cheaper to compute than Y.mergeUpdates over all of them.
    const merged = this.#host.state();
    const { id, written } = this.#log.writeMerged(merged, entries);
    await written;
    await this.#host.flush();
    const replaces = entries.map((e) => UpdateLog.idOf(e.key));
    this.#log.replace(replaces, id, merged.byteLength);
    this.#lastMergedBytes = merged.byteLength;
    this.#host.post({ doc: this.#doc, ids: [id], sizes: [merged.byteLength], replaces });
  }
}
