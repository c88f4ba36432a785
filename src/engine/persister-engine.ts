import type { StoredSizes } from '../contracts/persister.js';
import type { CorruptRecord } from '../contracts/store.js';
import { packBytes, packedBuffers, type PackedBytes } from '../packed-bytes.js';
import {
  changeKey,
  chunkProblem,
  encodeChunk,
  repack,
  type ChangeChunk,
  type ChangeOp,
} from './change-chunks.js';
import { ChangeIndex } from './change-index.js';
import { runIn, type Connection, type Tx } from './connection.js';
import { chunkBytes, resetChangeUsage } from './usage-counters.js';
import { quarantineChunks, sortChunks, type CorruptChunk } from './chunk-quarantine.js';
import { checkDocument, checkSyncState, sealDocument, sealSyncState } from './record-checksums.js';
import { RecordQuarantine, type FoundCorrupt } from './record-quarantine.js';
import { STORES } from './schema.js';
import type { MarkTransfer } from './transfer.js';
import { toHex } from './to-hex.js';
import type { DocBuffer, WriteBuffer } from './write-buffer.js';
import type { WriteBehindQueue } from './write-behind-queue.js';

/**
 * The Persister side of the engine API: every method takes the docId, binary lists travel
 * packed. Arguments arrive validated by the client.
 */
export interface PersisterEngineApi {
  insertChanges(docId: string, actors: string[], seqs: Float64Array, changes: PackedBytes): Promise<number>;
  removeChanges(docId: string, actors: string[], seqs: Float64Array): Promise<number>;
  getChanges(docId: string): Promise<PackedBytes>;
  getDocument(docId: string): Promise<Uint8Array | undefined>;
  setDocument(docId: string, data: Uint8Array): Promise<number>;
  getSyncState(docId: string, peerId: Uint8Array): Promise<Uint8Array | undefined>;
  setSyncState(docId: string, peerId: Uint8Array, syncState: Uint8Array): Promise<number>;
  removeSyncStates(docId: string, peerIds: PackedBytes): Promise<number>;
  getPeerIds(docId: string): Promise<PackedBytes>;
  sizes(docId: string): Promise<StoredSizes>;
}

/** The stores a commit of Persister writes touches. */
export const PERSISTER_STORES = [STORES.changes, STORES.documents, STORES.syncStates];

/** How long the compaction checks of a burst of commits wait, to run together. */
const CHECK_DELAY_MS = 250;

/** How long close() waits for background compaction work before closing anyway. */
const SETTLE_MS = 1000;

/** Compaction rewrites a document's chunks once they are this many... */
const COMPACT_CHUNKS = 64;
/** ...or once this many stored bytes are dead and outnumber the live ones. */
const COMPACT_DEAD_BYTES = 1024 * 1024;

/**
 * Persister storage: changes packed into chunks, documents and sync states, written through a
 * {@link WriteBehindQueue}.
 *
 * @remarks
 * Reads overlay what is buffered or being committed on what they read, which gives
 * read-your-writes without waiting for a flush.
 */
export class PersisterEngine implements PersisterEngineApi {
  readonly #conn: Connection;
  readonly #mark: MarkTransfer;
  readonly #queue: WriteBehindQueue;
  readonly #onCorrupt: (found: CorruptRecord[]) => void;
  /** Moves corrupt documents and sync states out of the way. */
  readonly #records: RecordQuarantine;
  #compacting = new Set<string>();
  /** Background work under way (compaction checks and compactions), which close() waits for. */
  readonly #background = new Set<Promise<unknown>>();
  #settling = false;
  /** Documents whose compaction check is due, and whether their commits removed changes. */
  readonly #due = new Map<string, boolean>();
  #checkTimer: ReturnType<typeof setTimeout> | undefined;
  /** Corrupt chunks being moved to the quarantine, by record key: each is moved once. */
  #quarantining = new Set<number>();

  /**
   * @param conn - the engine's connection.
   * @param mark - how results' buffers are marked for transfer.
   * @param queue - the engine's write-behind queue, shared with the other buffered parts.
   * @param onCorrupt - told of the corrupt records this engine moved to the quarantine.
   */
  constructor(
    conn: Connection,
    mark: MarkTransfer,
    queue: WriteBehindQueue,
    onCorrupt: (found: CorruptRecord[]) => void = () => undefined,
  ) {
    this.#conn = conn;
    this.#mark = mark;
    this.#queue = queue;
    this.#onCorrupt = onCorrupt;
    this.#records = new RecordQuarantine(conn, onCorrupt);
  }

  async insertChanges(
    docId: string,
    actors: string[],
    seqs: Float64Array,
    changes: PackedBytes,
  ): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    let start = 0;
    for (let i = 0; i < seqs.length; i++) {
      const end = changes.ends[i] as number;
      this.#queue.pending.setChange(
        docId,
        actors[i] as string,
        seqs[i] as number,
        changes.bytes.subarray(start, end),
      );
      start = end;
    }
    return this.#queue.changed();
  }

  async removeChanges(docId: string, actors: string[], seqs: Float64Array): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    for (let i = 0; i < seqs.length; i++) {
      this.#queue.pending.setChange(docId, actors[i] as string, seqs[i] as number, undefined);
    }
    return this.#queue.changed();
  }

  async setDocument(docId: string, data: Uint8Array): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    this.#queue.pending.setDocument(docId, data);
    return this.#queue.changed();
  }

  async setSyncState(docId: string, peerId: Uint8Array, syncState: Uint8Array): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    this.#queue.pending.setSyncState(docId, peerId, syncState);
    return this.#queue.changed();
  }

  async removeSyncStates(docId: string, peerIds: PackedBytes): Promise<number> {
    const wait = this.#conn.writable();
    if (wait !== undefined) await wait;
    let start = 0;
    for (const end of peerIds.ends) {
      this.#queue.pending.setSyncState(docId, peerIds.bytes.slice(start, end), undefined);
      start = end;
    }
    return this.#queue.changed();
  }

  async getChanges(docId: string): Promise<PackedBytes> {
    const packed = (await this.#liveChanges(docId)).pack();
    return this.#mark(packed, packedBuffers(packed));
  }

  async getDocument(docId: string): Promise<Uint8Array | undefined> {
    const [doc, buffered] = await this.#document(docId);
    if (doc === undefined) return undefined;
    // A buffered document is still needed by the buffer: hand out a copy, never the original.
    const out = buffered ? doc.slice() : doc;
    return this.#mark(out, [out.buffer as ArrayBuffer]);
  }

  /** Resolves the document and whether it came from the buffer. */
  async #document(docId: string): Promise<[Uint8Array | undefined, boolean]> {
    const [stored, overlay] = await this.#read(docId, [STORES.documents], (tx) =>
      tx.objectStore(STORES.documents).get(docId),
    );
    const buffered = overlay.findLast((d) => d.document !== undefined)?.document;
    if (buffered !== undefined) return [buffered, true];
    if (stored === undefined) return [undefined, false];
    const checked = checkDocument(docId, stored);
    if (checked.problem !== undefined) {
      // A document that fails its check reads as absent, and is moved out of the way.
      this.#records.move([
        {
          store: STORES.documents,
          key: docId,
          id: docId,
          problem: (v) => checkDocument(docId, v).problem,
          report: { kind: 'document', docId, reason: checked.problem },
        },
      ]);
    }
    return [checked.bytes, false];
  }

  async getSyncState(docId: string, peerId: Uint8Array): Promise<Uint8Array | undefined> {
    const states = await this.#syncStates(docId, peerId);
    const state = states.get(toHex(peerId))?.state;
    if (state === undefined) return undefined;
    const out = state.slice();
    return this.#mark(out, [out.buffer as ArrayBuffer]);
  }

  async getPeerIds(docId: string): Promise<PackedBytes> {
    const states = await this.#syncStates(docId);
    const peers: Uint8Array[] = [];
    for (const s of states.values()) if (s.state !== undefined) peers.push(s.peer);
    const packed = packBytes(peers);
    return this.#mark(packed, packedBuffers(packed));
  }

  async sizes(docId: string): Promise<StoredSizes> {
    const [live, doc, states] = await Promise.all([
      this.#liveChanges(docId),
      this.#document(docId),
      this.#syncStates(docId),
    ]);
    let syncStates = 0;
    for (const s of states.values()) syncStates += s.state?.byteLength ?? 0;
    return { changes: live.liveBytes, document: doc[0]?.byteLength ?? 0, syncStates };
  }

  /**
   * Reads in one transaction and returns the result with the buffers to overlay on it: those
   * captured when the transaction was created, so a flush that commits during the read is
   * neither missed nor applied twice out of order.
   */
  async #read<T>(
    docId: string,
    stores: (typeof STORES)[keyof typeof STORES][],
    fn: (tx: Tx<'readonly'>) => Promise<T>,
  ): Promise<[T, DocBuffer[]]> {
    const db = await this.#conn.db();
    const overlay = this.#queue.overlay();
    const stored = await runIn(db, stores, 'readonly', fn);
    const docs: DocBuffer[] = [];
    for (const b of overlay) {
      const d = b.docs.get(docId);
      if (d !== undefined) docs.push(d);
    }
    return [stored, docs];
  }

  async #liveChanges(docId: string): Promise<ChangeIndex> {
    const [chunks, overlay] = await this.#read(docId, [STORES.changes], (tx) =>
      tx.objectStore(STORES.changes).index('doc').getAll(docId),
    );
    // A chunk that fails its check is left out, and moved out of the way: the rest still loads.
    const { sound, corrupt } = sortChunks(docId, chunks);
    if (corrupt.length > 0) this.#quarantine(corrupt);
    const live = replay(sound);
    // No compaction from here: a read never writes (issue 14). Commits start it (afterCommit).
    for (const d of overlay) for (const op of d.changes.values()) live.apply(op);
    return live;
  }

  /** Moves corrupt chunks to the quarantine in the background, and reports those it moved. */
  #quarantine(found: CorruptChunk[]): void {
    const fresh = found.filter((c) => !this.#quarantining.has(c.record));
    if (fresh.length === 0) return;
    for (const c of fresh) this.#quarantining.add(c.record);
    quarantineChunks(this.#conn, fresh)
      .then((moved) => {
        if (moved.length > 0) this.#onCorrupt(moved.map((c) => ({ kind: 'changes', ...c })));
      })
      // Not moved: the next read finds them again and retries.
      .catch(() => undefined)
      .finally(() => {
        for (const c of fresh) this.#quarantining.delete(c.record);
      });
  }

  /**
   * Called after a commit that wrote changes of `docs` (true: it removed some): compacts a
   * document that now has too many chunks, or, after removals, too many dead bytes. This is
   * where compaction starts, on the write path, so that reads never write. The checks of a burst
   * of commits run together, at most once a {@link CHECK_DELAY_MS}, so that a commit every
   * 10 ms does not pay a transaction of its own for them; a chunk count is one small read-only
   * request, and the dead bytes are counted only after commits that removed changes.
   *
   * @param docs - the documents whose changes the commit wrote, and whether it removed any.
   */
  afterCommit(docs: ReadonlyMap<string, boolean>): void {
    if (this.#settling) return;
    for (const [docId, removed] of docs) this.#due.set(docId, removed || (this.#due.get(docId) ?? false));
    if (this.#checkTimer !== undefined || this.#due.size === 0) return;
    this.#checkTimer = setTimeout(() => {
      this.#checkTimer = undefined;
      const due = [...this.#due];
      this.#due.clear();
      for (const [docId, removed] of due) {
        if (this.#compacting.has(docId)) continue;
        this.#inBackground(
          this.#needsCompaction(docId, removed)
            .then((needed) => needed && this.#compact(docId))
            // A check that fails is retried by the next commit to the document.
            .catch(() => undefined),
        );
      }
    }, CHECK_DELAY_MS);
  }

  /**
   * Starts no more background work and waits for what is under way, so that closing the
   * connection leaves no transaction of larder's behind it: in WebKit, a store closed right
   * after a commit, while its compaction check still ran, kept the database from being deleted
   * ('blocked': one contract test in each of two WebKit runs here before this wait).
   */
  async settle(): Promise<void> {
    this.#settling = true;
    // Checks not started yet are dropped: the next session's first commit checks again.
    clearTimeout(this.#checkTimer);
    this.#checkTimer = undefined;
    this.#due.clear();
    // Bounded: a check queued behind another tab's transaction (a frozen tab's) would otherwise
    // keep close() from settling (frozen-tab.spec.ts); the connection then closes once it ends.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(resolve, SETTLE_MS)));
    await Promise.race([Promise.all([...this.#background]), deadline]);
    clearTimeout(timer);
  }

  /** Tracks a background task that never rejects. */
  #inBackground(task: Promise<unknown>): void {
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }

  async #needsCompaction(docId: string, removed: boolean): Promise<boolean> {
    const db = await this.#conn.db();
    return runIn(db, [STORES.changes], 'readonly', async (tx) => {
      const index = tx.objectStore(STORES.changes).index('doc');
      if ((await index.count(docId)) > COMPACT_CHUNKS) return true;
      if (!removed) return false;
      const live = replay(sortChunks(docId, await index.getAll(docId)).sound);
      const dead = live.deadBytes;
      return dead > COMPACT_DEAD_BYTES && dead > live.liveBytes;
    });
  }

  /** Rewrites a document's chunks as few dense ones, in the background. */
  #compact(docId: string): void {
    if (this.#compacting.has(docId)) return;
    this.#compacting.add(docId);
    const run = async () => {
      const db = await this.#conn.db();
      // Read, replay and rewrite in one transaction, so a chunk another tab appends meanwhile
      // is either in the rewrite or ordered after it.
      await runIn(db, [STORES.changes, STORES.usage], 'readwrite', async (tx) => {
        const store = tx.objectStore(STORES.changes);
        const { sound: chunks, corrupt } = sortChunks(docId, await store.index('doc').getAll(docId));
        // The quarantine moves corrupt chunks first; a rewrite now would delete them unread.
        if (corrupt.length > 0) return;
        const writes: Promise<unknown>[] = [];
        for (const c of chunks) writes.push(store.delete(c.id as number));
        const packed = repack(docId, replay(chunks).entries());
        for (const c of packed) writes.push(store.add(c));
        writes.push(...resetChangeUsage(tx, docId, chunkBytes(packed)));
        await Promise.all(writes);
      });
    };
    this.#inBackground(
      run()
        .catch(() => undefined)
        .finally(() => this.#compacting.delete(docId)),
    );
  }

  async #syncStates(
    docId: string,
    only?: Uint8Array,
  ): Promise<Map<string, { peer: Uint8Array; state: Uint8Array | undefined }>> {
    const range = only === undefined ? docRange(docId) : IDBKeyRange.only(syncKey(docId, only));
    const [[keys, values], overlay] = await this.#read(docId, [STORES.syncStates], (tx) => {
      const store = tx.objectStore(STORES.syncStates);
      return Promise.all([store.getAllKeys(range), store.getAll(range)]);
    });
    const out = new Map<string, { peer: Uint8Array; state: Uint8Array | undefined }>();
    const corrupt: FoundCorrupt[] = [];
    keys.forEach((key, i) => {
      const peer = new Uint8Array(key[1]);
      const hex = toHex(peer);
      const checked = checkSyncState(docId, peer, values[i]);
      if (checked.problem === undefined) out.set(hex, { peer, state: checked.bytes });
      else {
        // A sync state that fails its check reads as absent, and is moved out of the way.
        corrupt.push({
          store: STORES.syncStates,
          key,
          id: `${docId}\n${hex}`,
          problem: (v) => checkSyncState(docId, peer, v).problem,
          report: { kind: 'sync-state', docId, peer: hex, reason: checked.problem },
        });
      }
    });
    if (corrupt.length > 0) this.#records.move(corrupt);
    const onlyHex = only === undefined ? undefined : toHex(only);
    for (const d of overlay) {
      for (const [hex, op] of d.syncStates) if (onlyHex === undefined || hex === onlyHex) out.set(hex, op);
    }
    return out;
  }
}

/** Replays a document's chunks, in id order, into its live changes. */
function replay(chunks: readonly ChangeChunk[]): ChangeIndex {
  const live = new ChangeIndex();
  for (const c of chunks) live.addChunk(c);
  return live;
}

/** The key of a sync state: the peer id as its own binary key, so any bytes round-trip. */
function syncKey(docId: string, peer: Uint8Array): [string, ArrayBuffer] {
  return [docId, peer.slice().buffer];
}

/** Every `[docId, <binary>]` key: binary keys sort below array keys (IndexedDB key order). */
function docRange(docId: string): IDBKeyRange {
  return IDBKeyRange.bound([docId], [docId, []]);
}

/**
 * Issues the Persister writes of a buffer in a commit's transaction, without committing it.
 *
 * @returns the writes' requests, to await after the commit was asked for.
 */
export function writePersisterBuffer(tx: Tx<'readwrite'>, buf: WriteBuffer): Promise<unknown>[] {
  const changes = tx.objectStore(STORES.changes);
  const documents = tx.objectStore(STORES.documents);
  const syncStates = tx.objectStore(STORES.syncStates);
  const writes: Promise<unknown>[] = [];
  for (const [docId, d] of buf.docs) {
    if (d.changes.size > 0) writes.push(changes.add(encodeChunk(docId, d.changes.values())));
    if (d.document !== undefined) writes.push(documents.put(sealDocument(docId, d.document), docId));
    for (const s of d.syncStates.values()) {
      const key = syncKey(docId, s.peer);
      writes.push(
        s.state === undefined
          ? syncStates.delete(key)
          : syncStates.put(sealSyncState(docId, s.peer, s.state), key),
      );
    }
  }
  return writes;
}

/**
 * Commits Persister removals so that they free space now: every stored chunk that holds a
 * removed change is rewritten in place (same id, so replay order is kept) without it, or
 * deleted when nothing else is in it; removed sync states are deleted. Only the chunks that
 * hold removed changes are written, so the transaction needs little room. Used on a full
 * disk, where a removal recorded as a new chunk would need space it does not have.
 *
 * @returns the writes' requests, to await after the commit was asked for.
 */
export async function freePersisterSpace(tx: Tx<'readwrite'>, buf: WriteBuffer): Promise<unknown[]> {
  const changes = tx.objectStore(STORES.changes);
  const syncStates = tx.objectStore(STORES.syncStates);
  const writes: Promise<unknown>[] = [];
  for (const [docId, d] of buf.docs) {
    for (const s of d.syncStates.values()) writes.push(syncStates.delete(syncKey(docId, s.peer)));
    if (d.changes.size === 0) continue;
    const removed = new Set(d.changes.keys());
    let left = 0;
    for (const stored of await changes.index('doc').getAll(docId)) {
      // A corrupt chunk is the quarantine's, which the next read of the document starts.
      if (chunkProblem(stored) !== undefined) continue;
      const chunk = stored as ChangeChunk;
      const kept = chunkOps(chunk).filter((op) => !removed.has(changeKey(op.actor, op.seq)));
      if (kept.length === chunk.putSeqs.length + chunk.delSeqs.length) {
        left += chunk.bytes.byteLength;
        continue;
      }
      const rewritten =
        kept.length === 0 ? undefined : { ...encodeChunk(docId, kept), id: chunk.id as number };
      left += rewritten?.bytes.byteLength ?? 0;
      writes.push(rewritten === undefined ? changes.delete(chunk.id as number) : changes.put(rewritten));
    }
    writes.push(...resetChangeUsage(tx, docId, left));
  }
  return writes;
}

/** The puts and removals one chunk holds. */
function chunkOps(chunk: ChangeChunk): ChangeOp[] {
  const ops: ChangeOp[] = [];
  let start = 0;
  for (let i = 0; i < chunk.putSeqs.length; i++) {
    const end = chunk.putEnds[i] as number;
    ops.push({
      actor: chunk.actors[chunk.putActors[i] as number] as string,
      seq: chunk.putSeqs[i] as number,
      bytes: chunk.bytes.subarray(start, end),
    });
    start = end;
  }
  for (let i = 0; i < chunk.delSeqs.length; i++) {
    ops.push({
      actor: chunk.actors[chunk.delActors[i] as number] as string,
      seq: chunk.delSeqs[i] as number,
      bytes: undefined,
    });
  }
  return ops;
}
