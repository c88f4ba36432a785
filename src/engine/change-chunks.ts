/**
 * One stored record of the `changes` store: the changes of one document written by one flush,
 * packed into a single buffer.
 *
 * @remarks
 * One record per flush instead of one per change is what takes larder past IndexedDB's
 * per-record cost. Chunks replay in id order; a later chunk's put or removal of a key wins.
 */
export interface ChangeChunk {
  /** Assigned by the store's key generator, so chunks order across every connection. */
  id?: number;
  doc: string;
  actors: string[];
  /** Per put: index into `actors`, seq, and the end of its bytes in `bytes`. */
  putActors: Uint32Array;
  putSeqs: Float64Array;
  putEnds: Uint32Array;
  bytes: Uint8Array;
  /** Per removal: index into `actors` and seq. */
  delActors: Uint32Array;
  delSeqs: Float64Array;
}

/** A buffered change: `bytes` undefined means removed. */
export interface ChangeOp {
  actor: string;
  seq: number;
  bytes: Uint8Array | undefined;
}

/** The key under which a change is coalesced and replayed. */
export function changeKey(actor: string, seq: number): string {
  // seq is digits only, so the first ':' splits the key unambiguously whatever the actor holds.
  return `${seq}:${actor}`;
}

/**
 * Packs buffered operations of one document into a chunk, copying their bytes once.
 *
 * @param doc - the docId.
 * @param ops - the coalesced operations, at most one per key.
 */
export function encodeChunk(doc: string, ops: Iterable<ChangeOp>): ChangeChunk {
  const actors: string[] = [];
  const actorIndex = new Map<string, number>();
  const puts: ChangeOp[] = [];
  const dels: ChangeOp[] = [];
  let total = 0;
  for (const op of ops) {
    if (!actorIndex.has(op.actor)) {
      actorIndex.set(op.actor, actors.length);
      actors.push(op.actor);
    }
    if (op.bytes === undefined) dels.push(op);
    else {
      puts.push(op);
      total += op.bytes.byteLength;
    }
  }
  const chunk: ChangeChunk = {
    doc,
    actors,
    putActors: new Uint32Array(puts.length),
    putSeqs: new Float64Array(puts.length),
    putEnds: new Uint32Array(puts.length),
    bytes: new Uint8Array(total),
    delActors: new Uint32Array(dels.length),
    delSeqs: new Float64Array(dels.length),
  };
  let at = 0;
  puts.forEach((op, i) => {
    const bytes = op.bytes as Uint8Array;
    chunk.putActors[i] = actorIndex.get(op.actor) as number;
    chunk.putSeqs[i] = op.seq;
    chunk.bytes.set(bytes, at);
    at += bytes.byteLength;
    chunk.putEnds[i] = at;
  });
  dels.forEach((op, i) => {
    chunk.delActors[i] = actorIndex.get(op.actor) as number;
    chunk.delSeqs[i] = op.seq;
  });
  return chunk;
}

/** The largest chunk compaction writes; bigger documents are rewritten as several chunks. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Repacks live changes into as few chunks as {@link MAX_CHUNK_BYTES} allows.
 *
 * @param doc - the docId.
 * @param live - the live changes.
 */
export function repack(doc: string, live: Iterable<ChangeOp>): ChangeChunk[] {
  const out: ChangeChunk[] = [];
  let group: ChangeOp[] = [];
  let bytes = 0;
  for (const op of live) {
    const size = (op.bytes as Uint8Array).byteLength;
    if (group.length > 0 && bytes + size > MAX_CHUNK_BYTES) {
      out.push(encodeChunk(doc, group));
      group = [];
      bytes = 0;
    }
    group.push(op);
    bytes += size;
  }
  if (group.length > 0) out.push(encodeChunk(doc, group));
  return out;
}
