import type {
  ConsensusChange,
  DocumentChange,
  GrowthChange,
  KeySpaceChange,
  LogStateChange,
  StoreChange,
  Unsubscribe,
} from '../contracts/change-feed.js';
import { databaseName, feedChannelName } from '../engine/database-name.js';
import type { FeedNotice } from '../protocol.js';
import { StoreError } from '../store-error.js';
import { invalid } from './validate.js';

/**
 * A store's side of the change feed: it listens on the store's feed channel while anyone
 * subscribes, and hands each notice to the listeners, whole or filtered for one contract.
 *
 * @remarks
 * The channel is opened by the first subscription and closed when the last one goes, or when
 * the store closes, so an idle or closed store holds nothing open.
 */
export class ChangeFeedClient {
  readonly #channelName: string;
  readonly #source: string;
  readonly #listeners = new Set<(change: StoreChange) => void>();
  #channel: BroadcastChannel | undefined;
  #closed = false;

  /**
   * @param storeName - the store's name, which names its channel.
   * @param source - the store's own engine's id in notices.
   */
  constructor(storeName: string, source: string) {
    this.#channelName = feedChannelName(databaseName(storeName));
    this.#source = source;
  }

  /**
   * Calls `listener` with every change committed from now on.
   *
   * @throws {@link StoreError} code 'invalid-argument' when `listener` is not a function;
   * 'closed' once the store is closed.
   */
  subscribe(listener: (change: StoreChange) => void): Unsubscribe {
    if (typeof listener !== 'function') invalid('listener must be a function');
    if (this.#closed) throw new StoreError('closed', 'The store is closed');
    // A wrapper, so that the same function subscribed twice is two subscriptions.
    const entry = (change: StoreChange) => listener(change);
    this.#listeners.add(entry);
    this.#open();
    return () => {
      this.#listeners.delete(entry);
      if (this.#listeners.size === 0) this.#shut();
    };
  }

  /** Subscribes to one Persister document. */
  document(docId: string): (listener: (change: DocumentChange) => void) => Unsubscribe {
    return this.#filtered((c, emit) => {
      const d = c.documents.get(docId);
      if (d !== undefined) emit({ ...d, local: c.local });
    });
  }

  /** Subscribes to the consensus keys: one call per key that advanced. */
  consensus(): (listener: (change: ConsensusChange) => void) => Unsubscribe {
    return this.#filtered((c, emit) => {
      for (const [key, seqno] of c.consensus) emit({ key, seqno, local: c.local });
    });
  }

  /** Subscribes to the checkpoints: one call per log whose checkpoint was set. */
  logStates(): (listener: (change: LogStateChange) => void) => Unsubscribe {
    return this.#filtered((c, emit) => {
      for (const logId of c.logStates) emit({ logId, local: c.local });
    });
  }

  /** Subscribes to one of the notice's sets of names: a log prefix, a table, an op space. */
  growth(
    kind: 'logs' | 'tables' | 'opSpaces',
    name: string,
  ): (listener: (change: GrowthChange) => void) => Unsubscribe {
    return this.#filtered((c, emit) => {
      if (c[kind].has(name)) emit({ local: c.local });
    });
  }

  /** Subscribes to one key space. */
  keySpace(name: string): (listener: (change: KeySpaceChange) => void) => Unsubscribe {
    return this.#filtered((c, emit) => {
      const prefixes = c.keySpaces.get(name);
      if (prefixes !== undefined) emit({ prefixes: prefixes.map((p) => [...p]), local: c.local });
    });
  }

  /** Stops listening for good; later subscriptions throw 'closed'. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#shut();
  }

  #filtered<C>(
    pick: (change: StoreChange, emit: (c: C) => void) => void,
  ): (listener: (change: C) => void) => Unsubscribe {
    return (listener) => {
      if (typeof listener !== 'function') invalid('listener must be a function');
      return this.subscribe((change) => pick(change, listener));
    };
  }

  #open(): void {
    // Where BroadcastChannel is missing (some workers of older browsers) there is no feed.
    if (this.#channel !== undefined || typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(this.#channelName);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => this.#receive(event.data);
  }

  #shut(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }

  #receive(data: unknown): void {
    const notice = data as Partial<FeedNotice> | null;
    // A notice of another format (another larder version in another tab) is not ours to read.
    if (typeof notice !== 'object' || notice === null || notice.v !== 1) return;
    const change = toChange(notice as FeedNotice, notice.source === this.#source);
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (e) {
        // A listener's bug is the app's to see, not a reason to skip the other listeners.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
}

function toChange(n: FeedNotice, local: boolean): StoreChange {
  const documents = new Map<string, Omit<DocumentChange, 'local'>>();
  for (const [docId, parts] of n.docs) {
    documents.set(docId, {
      changes: parts.includes('changes'),
      document: parts.includes('document'),
      syncStates: parts.includes('syncStates'),
    });
  }
  return {
    local,
    documents,
    consensus: n.consensus,
    logStates: n.logStates,
    logs: n.logs,
    tables: n.tables,
    opSpaces: n.opSpaces,
    keySpaces: n.keySpaces,
  };
}
