import type { FeedNotice } from '../protocol.js';
import { feedChannelName } from './database-name.js';
import type { WriteBuffer } from './write-buffer.js';

/**
 * How long a notice may wait for writes in flight to finish before it is posted anyway: under a
 * steady stream of overlapping commits, listeners still hear at this pace.
 */
const MAX_HOLD_MS = 50;

/** Past this many changed keys in one key space, a notice names their common prefix instead. */
const MAX_KEY_PATHS = 32;

/**
 * The engine's side of the change feed: it learns of every write transaction as it starts and
 * ends, and posts one {@link FeedNotice} for the commits that ended since the last one.
 *
 * @remarks
 * A notice is posted once no write of this engine is in flight (at the end of the microtask in
 * which the last one settled), or {@link MAX_HOLD_MS} after its first change at the latest, so a
 * burst of concurrent commits makes one notice. Only committed writes are recorded: a write
 * that failed, or a compare-and-set that did not match, adds nothing.
 */
export class ChangeFeed {
  /** This engine's id in its notices. */
  readonly source = crypto.randomUUID();
  readonly #channelName: string;
  #channel: BroadcastChannel | undefined;
  #pending: FeedNotice | undefined;
  #inflight = 0;
  #holdTimer: ReturnType<typeof setTimeout> | undefined;
  #postQueued = false;
  /** Notices ended and not yet sent, oldest first. */
  #outbox: FeedNotice[] = [];
  /** Sends them in the next task (see {@link ChangeFeed.#send}). */
  #tick: MessageChannel | undefined;
  /** The buffer of the write-behind commit in flight, recorded once it commits. */
  #staged: WriteBuffer | undefined;
  #closed = false;

  /** @param dbName - the database's name, which names the channel. */
  constructor(dbName: string) {
    this.#channelName = feedChannelName(dbName);
  }

  /**
   * Tracks one write transaction: `record` adds what it changed to the next notice once it has
   * committed; nothing is recorded when it rejects.
   *
   * @param write - the write, started.
   * @param record - records the committed write's changes, given its result.
   * @returns `write`, unchanged.
   */
  track<T>(write: Promise<T>, record: (notice: FeedNotice, result: T) => void): Promise<T> {
    this.#inflight += 1;
    write.then(
      (result) => this.#end((n) => record(n, result)),
      () => this.#end(undefined),
    );
    return write;
  }

  /** A write-behind commit of `buf` starts; {@link ChangeFeed.settle} ends it. */
  stage(buf: WriteBuffer): void {
    // A commit runs one transaction at a time, and the queue reports it once, at its end: one
    // staged before this one, in the same commit, is its space-freeing part, committed first.
    const earlier = this.#staged;
    if (earlier !== undefined) this.#end((n) => recordBuffer(n, earlier));
    this.#staged = buf;
    this.#inflight += 1;
  }

  /** The staged write-behind commit ended; its writes are recorded if it `committed`. */
  settle(committed: boolean): void {
    const buf = this.#staged;
    if (buf === undefined) return;
    this.#staged = undefined;
    this.#end(committed ? (n) => recordBuffer(n, buf) : undefined);
  }

  /** Posts what is pending and closes the channel; later commits post nothing. */
  close(): void {
    this.#post();
    this.#send();
    this.#closed = true;
    this.#channel?.close();
    this.#channel = undefined;
    this.#tick?.port1.close();
    this.#tick = undefined;
  }

  #end(record: ((notice: FeedNotice) => void) | undefined): void {
    this.#inflight = Math.max(0, this.#inflight - 1);
    if (record !== undefined && !this.#closed) {
      if (this.#pending === undefined) {
        this.#pending = emptyNotice(this.source);
        this.#holdTimer = setTimeout(() => this.#post(), MAX_HOLD_MS);
      }
      record(this.#pending);
    }
    if (this.#inflight === 0 && this.#pending !== undefined && !this.#postQueued) {
      this.#postQueued = true;
      // At the end of the microtask, so that writes settling together make one notice.
      queueMicrotask(() => {
        this.#postQueued = false;
        if (this.#inflight === 0) this.#post();
      });
    }
  }

  /** Ends the pending notice: it is sent in the next task (see {@link ChangeFeed.#send}). */
  #post(): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    const notice = this.#pending;
    this.#pending = undefined;
    if (notice === undefined || this.#closed || isEmpty(notice)) return;
    this.#outbox.push(notice);
    if (this.#outbox.length > 1) return;
    if (typeof MessageChannel === 'undefined') {
      queueMicrotask(() => this.#send());
      return;
    }
    if (this.#tick === undefined) {
      this.#tick = new MessageChannel();
      this.#tick.port1.onmessage = () => this.#send();
    }
    this.#tick.port2.postMessage(null);
  }

  /**
   * Posts the ended notices, in a task of their own: after the answer to the write they
   * announce has gone out. Posted in the microtask that ended them, a compare-and-set's notice
   * went ahead of its answer, and posting to the BroadcastChannel took 56 µs of each call in
   * a worker profile. Through a MessageChannel, as a timer waits a second or more in a
   * hidden tab.
   */
  #send(): void {
    const notices = this.#outbox;
    this.#outbox = [];
    if (notices.length === 0 || this.#closed) return;
    // Some workers of older browsers have no BroadcastChannel: then there is no feed.
    if (typeof BroadcastChannel === 'undefined') return;
    this.#channel ??= new BroadcastChannel(this.#channelName);
    for (const notice of notices) this.#channel.postMessage(notice);
  }
}

function emptyNotice(source: string): FeedNotice {
  return {
    v: 1,
    source,
    docs: new Map(),
    consensus: new Map(),
    logStates: new Set(),
    logs: new Set(),
    tables: new Set(),
    opSpaces: new Set(),
    keySpaces: new Map(),
  };
}

function isEmpty(n: FeedNotice): boolean {
  return (
    n.docs.size + n.consensus.size + n.logStates.size + n.logs.size + n.tables.size + n.opSpaces.size === 0 &&
    n.keySpaces.size === 0
  );
}

/** Records that a document's `part` changed. */
export function recordDoc(n: FeedNotice, docId: string, part: 'changes' | 'document' | 'syncStates'): void {
  const parts = n.docs.get(docId);
  if (parts === undefined) n.docs.set(docId, [part]);
  else if (!parts.includes(part)) parts.push(part);
}

/** Records that a consensus key's head is now at least `seqno`. */
export function recordConsensus(n: FeedNotice, key: string, seqno: bigint): void {
  const known = n.consensus.get(key);
  if (known === undefined || seqno > known) n.consensus.set(key, seqno);
}

/** Records changed key paths of a key space, collapsing many into their common prefix. */
export function recordKeys(n: FeedNotice, space: string, paths: Iterable<readonly string[]>): void {
  const all = n.keySpaces.get(space) ?? [];
  const seen = new Set(all.map((p) => JSON.stringify(p)));
  for (const p of paths) {
    const id = JSON.stringify(p);
    if (!seen.has(id)) {
      seen.add(id);
      all.push([...p]);
    }
  }
  n.keySpaces.set(space, all.length > MAX_KEY_PATHS ? [commonPrefix(all)] : all);
}

/** Records the writes of a committed write-behind buffer. */
function recordBuffer(n: FeedNotice, buf: WriteBuffer): void {
  for (const [docId, d] of buf.docs) {
    if (d.changes.size > 0) recordDoc(n, docId, 'changes');
    if (d.document !== undefined) recordDoc(n, docId, 'document');
    if (d.syncStates.size > 0) recordDoc(n, docId, 'syncStates');
  }
  for (const [space, s] of buf.spaces) {
    recordKeys(n, space, [...s.ranges, ...[...s.entries.values()].map((op) => op.key)]);
  }
}

function commonPrefix(paths: readonly string[][]): string[] {
  const first = paths[0] ?? [];
  let n = first.length;
  for (const p of paths) {
    let i = 0;
    while (i < n && i < p.length && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}
