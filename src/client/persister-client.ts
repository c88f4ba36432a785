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
        checkArray(changes, 'changes');
        if (changes.length === 0) return undefined;
        const actors = new Array<string>(changes.length);
        const seqs = new Float64Array(changes.length);
        const values = new Array<Uint8Array>(changes.length);
        checkEach(changes, (c, i) => {
          if (!Array.isArray(c)) invalid(`changes[${i}] must be [actorId, seq, change]`);
          const [actor, seq, change] = c as [unknown, unknown, unknown];
          checkString(actor, `changes[${i}] actorId`, true);
          checkIndex(seq, `changes[${i}] seq`);
          checkBytes(change, `changes[${i}] change`);
          actors[i] = actor;
          seqs[i] = seq;
          values[i] = change;
        });
        // Packing copies the caller's bytes once, so later edits of their arrays change nothing.
        const packed = packBytes(values);
        return {
          op: ['persister', 'insertChanges', [docId, actors, seqs, packed]],
          transfers: [seqs.buffer, ...packedBuffers(packed)],
          bytes: packed.bytes.byteLength,
        };
      }),

    removeChanges: (changes) =>
      write('removeChanges', docId, () => {
        checkArray(changes, 'changes');
        if (changes.length === 0) return undefined;
        const actors = new Array<string>(changes.length);
        const seqs = new Float64Array(changes.length);
        checkEach(changes, (c, i) => {
          if (!Array.isArray(c)) invalid(`changes[${i}] must be [actorId, seq]`);
          const [actor, seq] = c as [unknown, unknown];
          checkString(actor, `changes[${i}] actorId`, true);
          checkIndex(seq, `changes[${i}] seq`);
          actors[i] = actor;
          seqs[i] = seq;
        });
        return { op: ['persister', 'removeChanges', [docId, actors, seqs]], transfers: [seqs.buffer] };
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
