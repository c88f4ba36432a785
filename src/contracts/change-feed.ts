import type { KeyPath } from './key-space.js';

/** Removes a listener; calling it again does nothing. */
export type Unsubscribe = () => void;

/** What a commit did to one Persister document. */
export interface DocumentChange {
  /** Changes were inserted or removed. */
  changes: boolean;
  /** The document (snapshot) was replaced. */
  document: boolean;
  /** Sync states were set or removed. */
  syncStates: boolean;
  /** This store's own engine committed it (false: another tab or worker did). */
  local: boolean;
}

/** A consensus key that advanced. */
export interface ConsensusChange {
  key: string;
  /** The key's new head seqno (the highest one when several commits were coalesced). */
  seqno: bigint;
  /** This store's own engine committed it. */
  local: boolean;
}

/** Key-space keys that changed. */
export interface KeySpaceChange {
  /**
   * Prefixes that together cover every key put or deleted, and every prefix deleted. A commit
   * that touched many keys is reported as their longest common prefix (`[]`: anything).
   */
  prefixes: KeyPath[];
  /** This store's own engine committed it. */
  local: boolean;
}

/** A change that names nothing more than where it happened: a log, table or op space grew. */
export interface GrowthChange {
  /** This store's own engine committed it. */
  local: boolean;
}

/** A log whose checkpoint was set. */
export interface LogStateChange {
  logId: string;
  /** This store's own engine committed it. */
  local: boolean;
}

/**
 * What one or more commits changed in a store, as {@link Store.subscribe} reports it: names and
 * versions only, never data (a listener that wants the data reads it).
 *
 * @remarks
 * Notices are posted by the engine after its transaction committed (never for a write that
 * failed or was rolled back, nor for a compare-and-set that did not match), on a
 * BroadcastChannel named after the database, so every open store of the same name hears them,
 * in this tab and in every other tab and worker of the origin. Commits that finish while others
 * are in flight are coalesced into one notice. A store hears only what is committed after it
 * subscribed.
 */
export interface StoreChange {
  /** Every change in this notice was committed by this store's own engine. */
  local: boolean;
  /** Persister documents, by docId. */
  documents: ReadonlyMap<string, Omit<DocumentChange, 'local'>>;
  /** Consensus keys, with their new head seqno. */
  consensus: ReadonlyMap<string, bigint>;
  /** Log ids whose checkpoint was set (LogStatePersistence). */
  logStates: ReadonlySet<string>;
  /** LogTracker prefixes that gained rows. */
  logs: ReadonlySet<string>;
  /** App tables that a batch wrote to. */
  tables: ReadonlySet<string>;
  /** Op-store spaces that stored new ops (not for ops that were all stored already). */
  opSpaces: ReadonlySet<string>;
  /** Key spaces, with prefixes covering the keys that changed (see {@link KeySpaceChange}). */
  keySpaces: ReadonlyMap<string, readonly KeyPath[]>;
}
