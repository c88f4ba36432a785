/**
 * larder's wire protocol: every message between a store's client and its engine, whichever
 * side of a worker boundary each runs on. Types only; both sides import it.
 *
 * @remarks
 * Calls go client → engine as Comlink calls on {@link EngineHost} and the {@link EngineApi} it
 * returns. Events go engine → client as {@link EngineEvent} messages on the port passed to
 * `open`, one way: nothing answers them (an inline engine calls an {@link EngineListener}).
 * Errors cross as {@link WireError}: Comlink's own "throw" handler would drop `code` and `cause`.
 */
import type { CorruptRecord } from './contracts/store.js';
import type { WireError } from './store-error.js';
import type { EngineApi, EngineOptions } from './engine/engine-api.js';
import type { KeySpaceEngineApi } from './engine/key-space-engine.js';
import type { PersisterEngineApi } from './engine/persister-engine.js';

export type { EngineApi, EngineOptions, WireError };

type PersisterWrite = 'insertChanges' | 'removeChanges' | 'setDocument' | 'setSyncState' | 'removeSyncStates';
type KeySpaceWrite = 'put' | 'delete' | 'deleteRange';

/**
 * One buffered write as the client's write pipe sends it in {@link EngineApi.write}: a
 * Persister or key-space write method of the engine and its arguments. A client sends the
 * writes of one task together, in call order.
 */
export type BufferedWrite =
  | { [M in PersisterWrite]: readonly ['persister', M, Parameters<PersisterEngineApi[M]>] }[PersisterWrite]
  | { [M in KeySpaceWrite]: readonly ['keySpace', M, Parameters<KeySpaceEngineApi[M]>] }[KeySpaceWrite];

/** What an engine tells its client, unasked. */
export type EngineEvent =
  /** Every buffered write up to id `through` is committed with `durability`. */
  | { type: 'committed'; through: number; durability: 'strict' | 'relaxed'; pendingBytes: number }
  /** A commit failed; its writes are buffered again. `background` when no caller awaited it. */
  | { type: 'commit-error'; error: WireError; background: boolean; pendingBytes: number }
  /** The database was deleted or cleared under the engine; it will not recreate it. */
  | { type: 'storage-lost'; error: WireError }
  /** A stored record failed its check on read and was moved to the quarantine. */
  | { type: 'corruption'; record: CorruptRecord };

/** Receives an engine's events: the client's function inline; across a worker, see {@link EngineHost.open}. */
export type EngineListener = (event: EngineEvent) => void;

/** What opening a store's engine needs besides its name. */
export interface OpenRequest {
  options: EngineOptions;
  /** The storage id the database must have, when the client knows one (see StoreOptions). */
  expectStorageId?: string;
  /** Start over on a lost database rather than reject 'storage-lost'. */
  acceptStorageLoss?: boolean;
  /**
   * A Web Locks name the engine holds for as long as it lives, so that the client, asking for
   * the same lock, learns of the engine's death when it is granted.
   */
  lifeLock?: string;
}

/** What an opened engine reports. */
export interface OpenResult {
  /** The random id of the database, made when it was created. */
  storageId: string;
  /** The engine's {@link FeedNotice.source}, so a client can tell its own commits. */
  feedSource: string;
}

/**
 * What commits changed, as an engine posts it on its store's feed channel (a BroadcastChannel
 * every client of the store's name listens on, in every tab): names and versions, never data.
 */
export interface FeedNotice {
  /** The notice format; a client ignores a version it does not know. */
  v: 1;
  /** The random id of the engine that committed. */
  source: string;
  /** Persister documents by docId, and which of their parts changed. */
  docs: Map<string, Array<'changes' | 'document' | 'syncStates'>>;
  /** Consensus keys and their new head seqno. */
  consensus: Map<string, bigint>;
  /** LogStatePersistence log ids whose checkpoint was set. */
  logStates: Set<string>;
  /** LogTracker prefixes that gained rows. */
  logs: Set<string>;
  /** App tables a batch wrote. */
  tables: Set<string>;
  /** Op-store spaces that stored new ops. */
  opSpaces: Set<string>;
  /** Key spaces, and prefixes covering their changed keys. */
  keySpaces: Map<string, string[][]>;
}

/** What the kit's worker entry exposes: a factory of engines, one per opened store. */
export interface EngineHost {
  /**
   * Creates the engine of the store `name` (its `open()` then opens the database), once the
   * engine holds `request.lifeLock`.
   *
   * @param events - the port the engine posts each {@link EngineEvent} on, transferred. One
   *   way, not a Comlink proxy of a listener: a proxy call posts an answer back for every
   *   event (a commit's, ~100 per second under steady writes), each waking the worker, and
   *   once the client has gone its calls wait for an answer forever.
   */
  open(name: string, request: OpenRequest, events: MessagePort): Promise<EngineApi>;
}
