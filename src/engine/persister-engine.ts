import type { IDBPDatabase } from 'idb';
import type { StoredSizes } from '../contracts/persister.js';
import { packBytes, packedBuffers, type PackedBytes } from '../packed-bytes.js';
import { encodeChunk, repack, replayChunks, type ChangeChunk, type ChangeOp } from './change-chunks.js';
import { runIn, type Connection, type Tx } from './connection.js';
import { STORES } from './schema.js';
import type { MarkTransfer } from './transfer.js';
import { toHex, WriteBuffer, type DocBuffer } from './write-buffer.js';

/** Write-behind settings, resolved. */
export interface WriteBehind {
  maxDelayMs: number;
  maxBytes: number;
}

/** The defaults of {@link WriteBehind}, chosen by `npm run bench`. */
export const DEFAULT_WRITE_BEHIND: WriteBehind = { maxDelayMs: 10, maxBytes: 4 * 1024 * 1024 };

/**
 * The Persister side of the engine API: every method takes the docId, binary lists travel
 * packed. Arguments arrive validated by the client.
 */
export interface PersisterEngineApi {
  insertChanges(docId: string, actors: string[], seqs: Float64Array, changes: PackedBytes): Promise<void>;
  removeChanges(docId: string, actors: string[], seqs: Float64Array): Promise<void>;
  getChanges(docId: string): Promise<PackedBytes>;
  getDocument(docId: string): Promise<Uint8Array | undefined>;
  setDocument(docId: string, data: Uint8Array): Promise<void>;
  getSyncState(docId: string, peerId: Uint8Array): Promise<Uint8Array | undefined>;
  setSyncState(docId: string, peerId: Uint8Array, syncState: Uint8Array): Promise<void>;
  removeSyncStates(docId: string, peerIds: PackedBytes): Promise<void>;
  getPeerIds(docId: string): Promise<PackedBytes>;
  sizes(docId: string): Promise<StoredSizes>;
}

const WRITE_STORES = [STORES.changes, STORES.documents, STORES.syncStates];

/** Compaction rewrites a document's chunks once they are this many... */
const COMPACT_CHUNKS = 64;
/** ...or once this many stored bytes are dead and outnumber the live ones. */
const COMPACT_DEAD_BYTES = 1024 * 1024;

/**
 * Persister storage with a write-behind buffer.
 *
 * @remarks
 * Flushes run one at a time, so a failed flush can put its writes back under newer ones
 * without resurrecting overwritten values. Reads overlay what is buffered or being committed
 * on what they read, which gives read-your-writes without waiting for a flush.
 */
export class PersisterEngine implements PersisterEngineApi {
  readonly #conn: Connection;
  readonly #mark: MarkTransfer;
  readonly #options: WriteBehind;
  #pending = new WriteBuffer();
  /** Buffers whose transaction has been created and has not settled yet. */
  #inflight: WriteBuffer[] = [];
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #compacting = new Set<string>();

  constructor(conn: Connection, mark: MarkTransfer, options: WriteBehind) {
    this.#conn = conn;
    this.#mark = mark;
    this.#options = options;
    conn.onBeforeClose((db) => {
      if (!this.#pending.empty) this.#write(db, 'strict').catch(() => undefined);
    });
  }

  /** Bytes written but not committed yet. */
  get pendingBytes(): number {
    let n = this.#pending.bytes;
    for (const b of this.#inflight) n += b.bytes;
    return n;
  }

  /**
   * Commits everything buffered, after any flush under way.
   *
   * @param durability - 'strict' for an explicit flush, 'relaxed' for write-behind.
   * @returns the bytes this flush committed.
   */
  flush(durability: IDBTransactionDurability = 'strict'): Promise<number> {
    const next = this.#chain.then(
      () => this.#flushOnce(durability),
      () => this.#flushOnce(durability),
    );
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #flushOnce(durability: IDBTransactionDurability): Promise<number> {
    if (this.#pending.empty) return 0;
    const db = await this.#conn.db();
    // A versionchange may have written the buffer while the connection was awaited.
    if (this.#pending.empty) return 0;
    return this.#write(db, durability);
  }

  /** Swaps the buffer out and creates its transaction, synchronously. */
  #write(db: IDBPDatabase, durability: IDBTransactionDurability): Promise<number> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const buf = this.#pending;
    this.#pending = new WriteBuffer();
    this.#inflight.push(buf);
    const settle = () => (this.#inflight = this.#inflight.filter((b) => b !== buf));
    return runIn(db, WRITE_STORES, 'readwrite', (tx) => writeBuffer(tx, buf), durability).then(
      () => {
        settle();
        return buf.bytes;
      },
      (e: unknown) => {
        settle();
        this.#pending = this.#pending.mergeOver(buf);
        this.#schedule();
        throw e;
      },
    );
  }

  /** Arms the write-behind timer, or flushes at once past `maxBytes`. */
  #schedule(): void {
    if (this.#pending.empty) return;
    if (this.#pending.bytes >= this.#options.maxBytes) {
      this.flush('relaxed').catch(() => undefined);
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        // A failure keeps the writes buffered; the next flush() retries and reports it.
        this.flush('relaxed').catch(() => undefined);
      }, this.#options.maxDelayMs);
    }
  }

  /** Drops the write-behind timer; the buffer stays for a final flush. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async insertChanges(
    docId: string,
    actors: string[],
    seqs: Float64Array,
    changes: PackedBytes,
  ): Promise<void> {
    let start = 0;
    for (let i = 0; i < seqs.length; i++) {
      const end = changes.ends[i] as number;
      this.#pending.setChange(
        docId,
        actors[i] as string,
        seqs[i] as number,
        changes.bytes.subarray(start, end),
      );
      start = end;
    }
    this.#schedule();
  }

  async removeChanges(docId: string, actors: string[], seqs: Float64Array): Promise<void> {
    for (let i = 0; i < seqs.length; i++) {
      this.#pending.setChange(docId, actors[i] as string, seqs[i] as number, undefined);
    }
    this.#schedule();
  }

  async setDocument(docId: string, data: Uint8Array): Promise<void> {
    this.#pending.setDocument(docId, data);
    this.#schedule();
  }

  async setSyncState(docId: string, peerId: Uint8Array, syncState: Uint8Array): Promise<void> {
    this.#pending.setSyncState(docId, peerId, syncState);
    this.#schedule();
  }

  async removeSyncStates(docId: string, peerIds: PackedBytes): Promise<void> {
    let start = 0;
    for (const end of peerIds.ends) {
      this.#pending.setSyncState(docId, peerIds.bytes.slice(start, end), undefined);
      start = end;
    }
    this.#schedule();
  }

  async getChanges(docId: string): Promise<PackedBytes> {
    const live = await this.#liveChanges(docId);
    const values: Uint8Array[] = [];
    for (const op of live.values()) values.push(op.bytes as Uint8Array);
    const packed = packBytes(values);
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
    const [stored, overlay] = await this.#read(
      docId,
      [STORES.documents],
      (tx) => tx.objectStore(STORES.documents).get(docId) as Promise<Uint8Array | undefined>,
    );
    const buffered = overlay.findLast((d) => d.document !== undefined)?.document;
    return buffered === undefined ? [stored, false] : [buffered, true];
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
    let changes = 0;
    for (const op of live.values()) changes += (op.bytes as Uint8Array).byteLength;
    let syncStates = 0;
    for (const s of states.values()) syncStates += s.state?.byteLength ?? 0;
    return { changes, document: doc[0]?.byteLength ?? 0, syncStates };
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
    const overlay = [...this.#inflight, this.#pending];
    const stored = await runIn(db, stores, 'readonly', fn);
    const docs: DocBuffer[] = [];
    for (const b of overlay) {
      const d = b.docs.get(docId);
      if (d !== undefined) docs.push(d);
    }
    return [stored, docs];
  }

  async #liveChanges(docId: string): Promise<Map<string, ChangeOp>> {
    const [chunks, overlay] = await this.#read(
      docId,
      [STORES.changes],
      (tx) => tx.objectStore(STORES.changes).index('doc').getAll(docId) as Promise<ChangeChunk[]>,
    );
    const { live, liveBytes, deadBytes } = replayChunks(chunks);
    if (chunks.length > COMPACT_CHUNKS || (deadBytes > COMPACT_DEAD_BYTES && deadBytes > liveBytes)) {
      this.#compact(docId);
    }
    for (const d of overlay) {
      for (const [key, op] of d.changes) {
        if (op.bytes === undefined) live.delete(key);
        else live.set(key, op);
      }
    }
    return live;
  }

  /** Rewrites a document's chunks as few dense ones, in the background. */
  #compact(docId: string): void {
    if (this.#compacting.has(docId)) return;
    this.#compacting.add(docId);
    const run = async () => {
      const db = await this.#conn.db();
      // Read, replay and rewrite in one transaction, so a chunk another tab appends meanwhile
      // is either in the rewrite or ordered after it.
      await runIn(db, [STORES.changes], 'readwrite', async (tx) => {
        const store = tx.objectStore(STORES.changes);
        const chunks = (await store.index('doc').getAll(docId)) as ChangeChunk[];
        const { live } = replayChunks(chunks);
        const writes: Promise<unknown>[] = [];
        for (const c of chunks) writes.push(store.delete(c.id as number));
        for (const c of repack(docId, live.values())) writes.push(store.add(c));
        await Promise.all(writes);
      });
    };
    run()
      .catch(() => undefined)
      .finally(() => this.#compacting.delete(docId));
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
    keys.forEach((key, i) => {
      const peer = new Uint8Array((key as [string, ArrayBuffer])[1]);
      out.set(toHex(peer), { peer, state: values[i] as Uint8Array });
    });
    const onlyHex = only === undefined ? undefined : toHex(only);
    for (const d of overlay) {
      for (const [hex, op] of d.syncStates) if (onlyHex === undefined || hex === onlyHex) out.set(hex, op);
    }
    return out;
  }
}

/** The key of a sync state: the peer id as its own binary key, so any bytes round-trip. */
function syncKey(docId: string, peer: Uint8Array): [string, ArrayBuffer] {
  return [docId, peer.slice().buffer];
}

/** Every `[docId, <binary>]` key: binary keys sort below array keys (IndexedDB key order). */
function docRange(docId: string): IDBKeyRange {
  return IDBKeyRange.bound([docId], [docId, []]);
}

/** Issues every write of a buffer in one transaction. */
async function writeBuffer(tx: Tx<'readwrite'>, buf: WriteBuffer): Promise<void> {
  const changes = tx.objectStore(STORES.changes);
  const documents = tx.objectStore(STORES.documents);
  const syncStates = tx.objectStore(STORES.syncStates);
  const writes: Promise<unknown>[] = [];
  for (const [docId, d] of buf.docs) {
    if (d.changes.size > 0) writes.push(changes.add(encodeChunk(docId, d.changes.values())));
    if (d.document !== undefined) writes.push(documents.put(d.document, docId));
    for (const s of d.syncStates.values()) {
      const key = syncKey(docId, s.peer);
      writes.push(s.state === undefined ? syncStates.delete(key) : syncStates.put(s.state, key));
    }
  }
  await Promise.all(writes);
}
