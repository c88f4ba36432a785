import type { Persister, StoredSizes } from '../contracts/persister.js';
import type { PersisterEngineApi } from '../engine/persister-engine.js';
import { ownCopy, packBytes, packedBuffers, unpackBytes } from '../packed-bytes.js';
import type { ClientContext } from './client-context.js';
import { checkArray, checkBytes, checkEach, checkIndex, checkString, invalid } from './validate.js';

/**
 * Creates the {@link Persister} of one document over an engine, inline or remote.
 *
 * @param api - the engine's persister side.
 * @param docId - the document's namespace.
 * @param ctx - the store's client context.
 * @param flush - the store's flush.
 * @param subscribe - the store's change feed, for this document.
 */
export function createPersisterClient(
  api: PersisterEngineApi,
  docId: string,
  ctx: ClientContext,
  flush: () => Promise<number>,
  subscribe: Persister['subscribe'],
): Persister {
  const { call, write } = ctx;
  return {
    subscribe,
    getChanges: () => call(async () => unpackBytes(await api.getChanges(docId))),

    insertChanges: (changes) =>
      write('insertChanges', docId, () => {
        const values: Uint8Array[] = [];
        const keys = changeKeys(changes, '[actorId, seq, change]', (c, i) => {
          const change = c[2]; // read once: a getter could answer differently the second time
          checkBytes(change, `changes[${i}] change`);
          values.push(change);
        });
        if (keys === undefined) return undefined;
        // Packing copies the caller's bytes once, so later edits of their arrays change nothing.
        const packed = packBytes(values);
        return {
          op: ['persister', 'insertChanges', [docId, keys.actors, keys.seqs, packed]],
          transfers: [keys.seqs.buffer, ...packedBuffers(packed)],
          bytes: packed.bytes.byteLength,
        };
      }),

    removeChanges: (changes) =>
      write('removeChanges', docId, () => {
        const keys = changeKeys(changes, '[actorId, seq]');
        if (keys === undefined) return undefined;
        return {
          op: ['persister', 'removeChanges', [docId, keys.actors, keys.seqs]],
          transfers: [keys.seqs.buffer],
        };
      }),

    getDocument: () => call(() => api.getDocument(docId)),

    setDocument: (data) =>
      write('setDocument', docId, () => {
        checkBytes(data, 'data');
        const copy = ownCopy(data);
        return {
          op: ['persister', 'setDocument', [docId, copy]],
          transfers: [copy.buffer],
          bytes: copy.byteLength,
        };
      }),

    getSyncState: (peerId) =>
      call(async () => {
        checkBytes(peerId, 'peerId');
        return api.getSyncState(docId, ownCopy(peerId));
      }),

    setSyncState: (peerId, syncState) =>
      write('setSyncState', docId, () => {
        checkBytes(peerId, 'peerId');
        checkBytes(syncState, 'syncState');
        const peer = ownCopy(peerId);
        const state = ownCopy(syncState);
        return {
          op: ['persister', 'setSyncState', [docId, peer, state]],
          transfers: [peer.buffer, state.buffer],
        };
      }),

    removeSyncStates: (peerIds) =>
      write('removeSyncStates', docId, () => {
        checkArray(peerIds, 'peerIds');
        checkEach(peerIds, (p, i) => checkBytes(p, `peerIds[${i}]`));
        if (peerIds.length === 0) return undefined;
        const packed = packBytes(peerIds);
        return { op: ['persister', 'removeSyncStates', [docId, packed]], transfers: packedBuffers(packed) };
      }),

    getPeerIds: () => call(async () => unpackBytes(await api.getPeerIds(docId))),

    sizes: (): Promise<StoredSizes> => call(() => api.sizes(docId)),

    flush,
  };
}

/**
 * Checks `changes` as tuples `[actorId, seq, ...]` and collects their keys: undefined for an
 * empty array. `more` checks the rest of each tuple, after its key.
 *
 * @param shape - the tuple's shape, for the message.
 */
function changeKeys(
  changes: unknown,
  shape: string,
  more?: (tuple: unknown[], i: number) => void,
): { actors: string[]; seqs: Float64Array } | undefined {
  checkArray(changes, 'changes');
  if (changes.length === 0) return undefined;
  const actors = new Array<string>(changes.length);
  const seqs = new Float64Array(changes.length);
  checkEach(changes, (c, i) => {
    if (!Array.isArray(c)) invalid(`changes[${i}] must be ${shape}`);
    const [actor, seq] = c as [unknown, unknown];
    checkString(actor, `changes[${i}] actorId`, true);
    checkIndex(seq, `changes[${i}] seq`);
    more?.(c, i);
    actors[i] = actor;
    seqs[i] = seq;
  });
  return { actors, seqs };
}
