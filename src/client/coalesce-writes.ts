import { packBytes, packedBuffers, unpackBytes, type PackedBytes } from '../packed-bytes.js';
import type { BufferedWrite } from '../protocol.js';

/** A queued write and the buffers it owns (transferred to a worker engine). */
export interface QueuedWrite {
  op: BufferedWrite;
  transfers: readonly Transferable[];
}

/** Past this many bytes of changes, a call is sent as it is: merging would copy it again. */
const MERGE_MAX_BYTES = 4096;

type InsertChanges = Extract<BufferedWrite, readonly ['persister', 'insertChanges', unknown]>;

/**
 * Merges each run of small `insertChanges` calls to one document into one call, so that a task
 * of single-change writes (an editor saving each keystroke) crosses to the engine as one op,
 * not one structured-cloned op per change. The engine applies a call's changes in order, the
 * last write of a key winning, so the merged call stores what the calls would have.
 *
 * @returns the writes to send and the buffers to transfer with them.
 */
export function coalesceWrites(queued: readonly QueuedWrite[]): {
  writes: BufferedWrite[];
  transfers: Transferable[];
} {
  const writes: BufferedWrite[] = [];
  const transfers: Transferable[] = [];
  let i = 0;
  while (i < queued.length) {
    const first = queued[i] as QueuedWrite;
    let end = i + 1;
    if (mergeable(first.op)) {
      const docId = first.op[2][0];
      while (end < queued.length) {
        const next = (queued[end] as QueuedWrite).op;
        if (!mergeable(next) || next[2][0] !== docId) break;
        end++;
      }
    }
    if (end - i === 1) {
      writes.push(first.op);
      transfers.push(...first.transfers);
    } else {
      const merged = merge(queued.slice(i, end).map((q) => q.op as InsertChanges));
      writes.push(merged);
      transfers.push(merged[2][2].buffer as ArrayBuffer, ...packedBuffers(merged[2][3]));
    }
    i = end;
  }
  return { writes, transfers };
}

function mergeable(op: BufferedWrite): op is InsertChanges {
  return op[0] === 'persister' && op[1] === 'insertChanges' && op[2][3].bytes.byteLength <= MERGE_MAX_BYTES;
}

function merge(ops: readonly InsertChanges[]): InsertChanges {
  const actors: string[] = [];
  const values: Uint8Array[] = [];
  for (const [, , [, a, , packed]] of ops) {
    actors.push(...a);
    values.push(...unpackBytes(packed as PackedBytes));
  }
  const seqs = new Float64Array(actors.length);
  let at = 0;
  for (const [, , [, , s]] of ops) {
    seqs.set(s, at);
    at += s.length;
  }
  const docId = (ops[0] as InsertChanges)[2][0];
  return ['persister', 'insertChanges', [docId, actors, seqs, packBytes(values)]];
}
