import type { ChangeFeed } from './change-feed.js';
import type { Connection } from './connection.js';
import type { MarkTransfer } from './transfer.js';

/**
 * What the engine's strict parts (consensus, log state, log tracker, op store) are made of: the
 * store's connection, how results' buffers are marked for transfer, and the change feed their
 * commits are recorded in. The buffered parts (Persister, key space) take the write-behind
 * queue instead of the feed.
 */
export abstract class EnginePart {
  protected readonly conn: Connection;
  protected readonly mark: MarkTransfer;
  protected readonly feed: ChangeFeed;

  /**
   * @param conn - the store's connection.
   * @param mark - how results' buffers are marked for transfer.
   * @param feed - the store's change feed.
   */
  constructor(conn: Connection, mark: MarkTransfer, feed: ChangeFeed) {
    this.conn = conn;
    this.mark = mark;
    this.feed = feed;
  }
}
