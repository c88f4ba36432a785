/** What a provider tells the other tabs after a commit of one document's updates. */
export interface StoredNotice {
  /** The document's name. */
  doc: string;
  /** The ids of the updates the commit stored. */
  ids: string[];
  /** Their sizes in bytes, in the same order. */
  sizes: number[];
  /** For a compaction: the ids of the updates merged into `ids[0]` and deleted. */
  replaces: string[];
}

/**
 * The tabs of one origin that keep Yjs documents in the same key space, over a
 * BroadcastChannel: a notice carries only ids, the updates themselves are read from storage,
 * so a tab that misses a notice still finds them on its next load or `fetchUpdates()`.
 */
export class DocChannel {
  readonly #channel: BroadcastChannel | undefined;
  #closed = false;

  /**
   * @param name - the channel's name: one per store and key space.
   * @param receive - called with each notice another provider posts.
   */
  constructor(name: string, receive: (notice: StoredNotice) => void) {
    // Where BroadcastChannel is missing (some workers of old browsers), tabs still meet on
    // their next load.
    if (typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isNotice(event.data)) receive(event.data);
    };
  }

  /** Tells the other providers on this channel, in this tab and others, about a commit. */
  post(notice: StoredNotice): void {
    // A commit may finish after its provider was destroyed; posting then would throw.
    if (!this.#closed) this.#channel?.postMessage(notice);
  }

  /** Stops receiving and posting. */
  close(): void {
    this.#closed = true;
    this.#channel?.close();
  }
}

function isNotice(data: unknown): data is StoredNotice {
  if (typeof data !== 'object' || data === null) return false;
  const n = data as Partial<StoredNotice>;
  return (
    typeof n.doc === 'string' && Array.isArray(n.ids) && Array.isArray(n.sizes) && Array.isArray(n.replaces)
  );
}
