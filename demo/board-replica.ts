import * as Automerge from '@automerge/automerge/slim';
import type { Persister } from '../src/index.js';
import { genesisChange, type Board } from './board-doc.js';

/** Why the document changed: typed here, merged from another tab, or read back from storage. */
export type ChangeOrigin = 'local' | 'remote' | 'storage';

/** A stored change with the key larder files it under. */
export interface KeyedChange {
  actor: string;
  seq: number;
  hash: string;
  bytes: Uint8Array;
}

type Listener = (doc: Automerge.Doc<Board>, origin: ChangeOrigin) => void;

/**
 * This tab's copy of the board: an Automerge document kept in step with a larder Persister.
 *
 * @remarks
 * Every local change is handed to `insertChanges` as it is made, under Automerge's own key
 * `(actor, seq)`; so is every change that arrives from another tab (an upsert of the same bytes
 * when that tab saved it too). Each tab edits with a fresh random actor, so two tabs never write
 * different changes under one key.
 */
export class BoardReplica {
  #doc: Automerge.Doc<Board>;
  readonly #persister: Persister;
  readonly #listeners = new Set<Listener>();
  readonly #beforeMerge = new Set<(doc: Automerge.Doc<Board>) => void>();
  /** Local changes not yet accepted by the store, kept to retry (e.g. after a full disk). */
  readonly #unsaved = new Map<string, readonly [string, number, Uint8Array]>();
  readonly #inFlight = new Set<string>();
  #onError: (e: unknown) => void = () => undefined;

  private constructor(doc: Automerge.Doc<Board>, persister: Persister) {
    this.#doc = doc;
    this.#persister = persister;
  }

  /**
   * Rebuilds the board from what the Persister holds: the last snapshot plus every change stored
   * since.
   *
   * @param persister - the board's Persister.
   * @returns the replica, editing with a fresh actor.
   */
  static async open(persister: Persister): Promise<BoardReplica> {
    const actor = randomActor();
    // Changes before the document: a compaction in another tab writes the new snapshot before it
    // removes the changes inside it, so reading in this order never misses both copies.
    const changes = await persister.getChanges();
    const snapshot = await persister.getDocument();
    let doc =
      snapshot !== undefined && snapshot.length > 0
        ? Automerge.load<Board>(snapshot, { actor })
        : Automerge.init<Board>({ actor });
    [doc] = Automerge.applyChanges(doc, [genesisChange(), ...changes]);
    return new BoardReplica(doc, persister);
  }

  /** The current document. */
  get doc(): Automerge.Doc<Board> {
    return this.#doc;
  }

  /** Calls `listener` after every change of the document. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `hook` with the document just before changes from elsewhere are merged into it. */
  beforeMerge(hook: (doc: Automerge.Doc<Board>) => void): void {
    this.#beforeMerge.add(hook);
  }

  /** Where failed writes are reported. */
  onError(handler: (e: unknown) => void): void {
    this.#onError = handler;
  }

  /** Changes the document locally and stores the change. */
  change(fn: (d: Board) => void): void {
    const before = Automerge.getHeads(this.#doc);
    const next = Automerge.change(this.#doc, fn);
    if (sameHeads(before, Automerge.getHeads(next))) return;
    this.#doc = next;
    const bytes = Automerge.getLastLocalChange(next);
    if (bytes !== undefined) this.#keep([bytes]);
    this.#emit('local');
  }

  /**
   * Merges changes from elsewhere: `fn` gets the document and returns the merged one.
   *
   * @returns what `fn` returned besides the document.
   */
  merge<R>(
    origin: Exclude<ChangeOrigin, 'local'>,
    fn: (doc: Automerge.Doc<Board>) => [Automerge.Doc<Board>, R],
  ): R {
    for (const hook of this.#beforeMerge) hook(this.#doc);
    const before = Automerge.getHeads(this.#doc);
    const [next, result] = fn(this.#doc);
    this.#doc = next;
    if (sameHeads(before, Automerge.getHeads(next))) return result;
    // Another tab's changes are stored here too: a change survives if any tab that saw it gets
    // to save it, even when the tab that made it is torn down before its own write commits.
    if (origin === 'remote') this.#keep(Automerge.getChangesSince(next, before));
    this.#emit(origin);
    return result;
  }

  /**
   * Reads the Persister again and merges its snapshot and changes into the document.
   *
   * @returns the stored changes, with their keys and hashes.
   */
  async mergeFromStorage(): Promise<KeyedChange[]> {
    const stored = await this.#persister.getChanges();
    const snapshot = await this.#persister.getDocument();
    const keyed = stored.map((bytes) => {
      const { actor, seq, hash } = Automerge.decodeChange(bytes);
      return { actor, seq, hash, bytes };
    });
    this.merge('storage', (doc) => {
      let next =
        snapshot !== undefined && snapshot.length > 0 ? Automerge.loadIncremental(doc, snapshot) : doc;
      [next] = Automerge.applyChanges(next, stored);
      return [next, undefined];
    });
    return keyed;
  }

  /** How many local changes the store has not accepted yet. */
  get unsaved(): number {
    return this.#unsaved.size;
  }

  /** Retries local changes the store has not accepted yet. */
  retrySave(): void {
    if (this.#unsaved.size > 0) this.#save();
  }

  #keep(changes: Uint8Array[]): void {
    for (const bytes of changes) {
      const { actor, seq } = Automerge.decodeChange(bytes);
      this.#unsaved.set(`${actor}:${seq}`, [actor, seq, bytes]);
    }
    this.#save();
  }

  #save(): void {
    const batch = [...this.#unsaved.entries()].filter(([key]) => !this.#inFlight.has(key));
    if (batch.length === 0) return;
    for (const [key] of batch) this.#inFlight.add(key);
    const done = () => batch.forEach(([key]) => this.#inFlight.delete(key));
    this.#persister.insertChanges(batch.map(([, c]) => c)).then(
      () => {
        done();
        for (const [key] of batch) this.#unsaved.delete(key);
      },
      (e: unknown) => {
        done();
        this.#onError(e);
      },
    );
  }

  #emit(origin: ChangeOrigin): void {
    for (const listener of this.#listeners) listener(this.#doc, origin);
  }
}

function sameHeads(a: Automerge.Heads, b: Automerge.Heads): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i]);
}

function randomActor(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
