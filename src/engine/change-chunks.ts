import { crc32Of } from '../crc32.js';

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
  /**
   * CRC-32 of everything above (see {@link chunkChecksum}), checked on every read. Chunks
   * written before larder kept checksums have none; their shape is still checked.
   */
  crc?: number;
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
  chunk.crc = chunkChecksum(chunk);
  return chunk;
}

/** The CRC-32 of a chunk's content: its docId, actors and every list, as bytes. */
export function chunkChecksum(c: ChangeChunk): number {
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return crc32Of([
    JSON.stringify([c.doc, c.actors]),
    bytes(c.putActors),
    bytes(c.putSeqs),
    bytes(c.putEnds),
    bytes(c.bytes),
    bytes(c.delActors),
    bytes(c.delSeqs),
  ]);
}

/**
 * What is wrong with a stored `changes` record, or `undefined` when it is a sound chunk: the
 * shape a replay relies on, and the checksum when it has one.
 */
export function chunkProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not a chunk of changes';
  const v = value as Record<string, unknown>;
  const typed =
    typeof v['doc'] === 'string' &&
    Array.isArray(v['actors']) &&
    (v['actors'] as unknown[]).every((a) => typeof a === 'string') &&
    v['putActors'] instanceof Uint32Array &&
    v['putSeqs'] instanceof Float64Array &&
    v['putEnds'] instanceof Uint32Array &&
    v['bytes'] instanceof Uint8Array &&
    v['delActors'] instanceof Uint32Array &&
    v['delSeqs'] instanceof Float64Array &&
    (v['crc'] === undefined || typeof v['crc'] === 'number');
  if (!typed) return 'fields are missing or of the wrong type';
  const c = value as ChangeChunk;
  const n = c.putSeqs.length;
  if (c.putActors.length !== n || c.putEnds.length !== n || c.delActors.length !== c.delSeqs.length) {
    return 'its lists have different lengths';
  }
  let last = 0;
  for (const end of c.putEnds) {
    if (end < last) return 'its change bounds are out of order';
    last = end;
  }
  if (last !== c.bytes.byteLength) return 'its change bounds do not match its bytes';
  for (const list of [c.putActors, c.delActors]) {
    for (const a of list) if (a >= c.actors.length) return 'an actor index is out of range';
  }
  if (c.crc !== undefined && c.crc !== chunkChecksum(c)) return 'its checksum does not match its content';
  return undefined;
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
