import { toHex } from './to-hex.js';
import { changeKey, type ChangeOp } from './change-chunks.js';
import { KeySpaceBuffer, type KeyOp } from './key-space-buffer.js';

/** A buffered sync-state write: `state` undefined means removed. */
export interface SyncStateOp {
  peer: Uint8Array;
  state: Uint8Array | undefined;
}

/** What one document has buffered. */
export class DocBuffer {
  /** Change puts and removals by {@link changeKey}: the last write of a key wins. */
  readonly changes = new Map<string, ChangeOp>();
  /** The document to store, when one was set. */
  document: Uint8Array | undefined;
  /** Sync-state puts and removals by peer id in hex. */
  readonly syncStates = new Map<string, SyncStateOp>();
}

/**
 * Writes not yet committed, of the Persister and of key spaces: coalesced per key, so many small
 * calls become one transaction and a key written twice is written once.
 */
export class WriteBuffer {
  readonly docs = new Map<string, DocBuffer>();
  /** Key-space writes by space name. */
  readonly spaces = new Map<string, KeySpaceBuffer>();
  /** Bytes of values held, counting each key's latest value once. */
  bytes = 0;
  /** Id of the first write in this buffer (0 when empty); ids come from the queue. */
  firstWrite = 0;
  /** Id of the latest write in this buffer (0 when empty). */
  lastWrite = 0;

  /** True when nothing is buffered. */
  get empty(): boolean {
    return this.docs.size === 0 && this.spaces.size === 0;
  }

  /** Returns the buffer of `docId`, creating it. */
  doc(docId: string): DocBuffer {
    let d = this.docs.get(docId);
    if (d === undefined) {
      d = new DocBuffer();
      this.docs.set(docId, d);
    }
    return d;
  }

  /** Buffers a change put (`bytes`) or removal (`undefined`). */
  setChange(docId: string, actor: string, seq: number, bytes: Uint8Array | undefined): void {
    const changes = this.doc(docId).changes;
    const key = changeKey(actor, seq);
    this.bytes -= changes.get(key)?.bytes?.byteLength ?? 0;
    changes.set(key, { actor, seq, bytes });
    this.bytes += bytes?.byteLength ?? 0;
  }

  /** Buffers the document of `docId`. */
  setDocument(docId: string, data: Uint8Array): void {
    const d = this.doc(docId);
    this.bytes += data.byteLength - (d.document?.byteLength ?? 0);
    d.document = data;
  }

  /** Buffers a sync-state put (`state`) or removal (`undefined`). */
  setSyncState(docId: string, peer: Uint8Array, state: Uint8Array | undefined): void {
    const states = this.doc(docId).syncStates;
    const key = toHex(peer);
    this.bytes -= states.get(key)?.state?.byteLength ?? 0;
    states.set(key, { peer, state });
    this.bytes += state?.byteLength ?? 0;
  }

  /** Buffers a put (`op.data`) or delete (`undefined`) of one key in the key space `space`. */
  setKey(space: string, op: KeyOp): void {
    this.bytes += this.#space(space).set(op);
  }

  /** Buffers the delete of every key under `prefix` in the key space `space`. */
  deleteKeyRange(space: string, prefix: readonly string[]): void {
    this.bytes += this.#space(space).deleteRange(prefix);
  }

  #space(name: string): KeySpaceBuffer {
    let s = this.spaces.get(name);
    if (s === undefined) {
      s = new KeySpaceBuffer();
      this.spaces.set(name, s);
    }
    return s;
  }

  /**
   * Moves the writes that only free space (change and sync-state removals, key deletes and
   * prefix deletes) into a buffer of their own, which a full disk can still commit.
   *
   * @returns that buffer, or `undefined` when there are none.
   */
  takeFreeing(): WriteBuffer | undefined {
    const out = new WriteBuffer();
    out.firstWrite = this.firstWrite;
    out.lastWrite = this.lastWrite;
    for (const [docId, d] of this.docs) {
      for (const [key, op] of d.changes) {
        if (op.bytes !== undefined) continue;
        out.setChange(docId, op.actor, op.seq, undefined);
        d.changes.delete(key);
      }
      for (const [key, s] of d.syncStates) {
        if (s.state !== undefined) continue;
        out.setSyncState(docId, s.peer, undefined);
        d.syncStates.delete(key);
      }
      if (d.changes.size === 0 && d.syncStates.size === 0 && d.document === undefined)
        this.docs.delete(docId);
    }
    for (const [name, sp] of this.spaces) {
      for (const prefix of sp.ranges) out.deleteKeyRange(name, prefix);
      sp.ranges.length = 0;
      for (const [id, op] of sp.entries) {
        if (op.data !== undefined) continue;
        out.setKey(name, op);
        sp.entries.delete(id);
      }
      if (sp.entries.size === 0) this.spaces.delete(name);
    }
    return out.empty ? undefined : out;
  }

  /**
   * Returns a buffer holding `older`'s writes overlaid with this buffer's: used to put back the
   * writes of a failed flush underneath everything written since.
   */
  mergeOver(older: WriteBuffer): WriteBuffer {
    const out = new WriteBuffer();
    out.firstWrite = Math.min(...[older.firstWrite, this.firstWrite].filter((id) => id > 0), Infinity);
    if (out.firstWrite === Infinity) out.firstWrite = 0;
    out.lastWrite = Math.max(older.lastWrite, this.lastWrite);
    for (const buf of [older, this as WriteBuffer]) {
      for (const [docId, d] of buf.docs) {
        for (const op of d.changes.values()) out.setChange(docId, op.actor, op.seq, op.bytes);
        if (d.document !== undefined) out.setDocument(docId, d.document);
        for (const s of d.syncStates.values()) out.setSyncState(docId, s.peer, s.state);
      }
      // Each space's prefix deletes come before its key writes (see KeySpaceBuffer), so
      // replaying them in that order reproduces the calls' effect.
      for (const [name, s] of buf.spaces) {
        for (const prefix of s.ranges) out.deleteKeyRange(name, prefix);
        for (const op of s.entries.values()) out.setKey(name, op);
      }
    }
    return out;
  }
}
