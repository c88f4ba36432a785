/**
 * What every contender of the persister suite offers: a place to keep a document's changes and
 * one whole document, opened by database name. Each implementation uses its library the way
 * that library's own documentation shows.
 */

/** One stored change, keyed by `(actor, seq)` as the Persister contract keys it. */
export interface Change {
  actor: string;
  seq: number;
  /** Owns its buffer: a view into a larger buffer would be structured-cloned whole. */
  bytes: Uint8Array;
}

/** An open contender. */
export interface ChangeStore {
  /** Writes the changes in one call: one batch. */
  write(changes: readonly Change[]): Promise<void>;
  /** Resolves once everything written so far is committed durably. */
  commit(): Promise<void>;
  /** Reads every stored change. */
  readAll(): Promise<Uint8Array[]>;
  /** Stores the document durably. */
  putDocument(data: Uint8Array): Promise<void>;
  /** Reads the document back. */
  getDocument(): Promise<Uint8Array | undefined>;
  /** Lets go of every connection, so the database can be deleted. */
  close(): Promise<void>;
}

/** A library (or way of using IndexedDB) under test. */
export interface Contender {
  name: string;
  /** Opens (creating) the store of database `db`; what an app does on start-up. */
  open(db: string): Promise<ChangeStore>;
  /** Deletes database `db`. */
  remove(db: string): Promise<void>;
}
