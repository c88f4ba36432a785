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
  const { call, mark, write } = ctx;
  return {
    subscribe,
    getChanges: () => call(async () => unpackBytes(await api.getChanges(docId))),

    insertChanges: (changes) =>
      call(async () => {
        checkArray(changes, 'changes');
        if (changes.length === 0) return;
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
        const bytes = packed.bytes.byteLength;
        await write(
          'insertChanges',
          docId,
          () =>
            api.insertChanges(docId, actors, mark(seqs, [seqs.buffer]), mark(packed, packedBuffers(packed))),
          bytes,
        );
      }),

    removeChanges: (changes) =>
      call(async () => {
        checkArray(changes, 'changes');
        if (changes.length === 0) return;
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
        await write('removeChanges', docId, () =>
          api.removeChanges(docId, actors, mark(seqs, [seqs.buffer])),
        );
      }),

    getDocument: () => call(() => api.getDocument(docId)),

    setDocument: (data) =>
      call(async () => {
        checkBytes(data, 'data');
        const copy = ownCopy(data);
        const bytes = copy.byteLength;
        await write('setDocument', docId, () => api.setDocument(docId, mark(copy, [copy.buffer])), bytes);
      }),

    getSyncState: (peerId) =>
      call(async () => {
        checkBytes(peerId, 'peerId');
        return api.getSyncState(docId, ownCopy(peerId));
      }),

    setSyncState: (peerId, syncState) =>
      call(async () => {
        checkBytes(peerId, 'peerId');
        checkBytes(syncState, 'syncState');
        const peer = ownCopy(peerId);
        const state = ownCopy(syncState);
        await write('setSyncState', docId, () =>
          api.setSyncState(docId, mark(peer, [peer.buffer]), mark(state, [state.buffer])),
        );
      }),

    removeSyncStates: (peerIds) =>
      call(async () => {
        checkArray(peerIds, 'peerIds');
        checkEach(peerIds, (p, i) => checkBytes(p, `peerIds[${i}]`));
        if (peerIds.length === 0) return;
        const packed = packBytes(peerIds);
        await write('removeSyncStates', docId, () =>
          api.removeSyncStates(docId, mark(packed, packedBuffers(packed))),
        );
      }),

    getPeerIds: () => call(async () => unpackBytes(await api.getPeerIds(docId))),

    sizes: (): Promise<StoredSizes> => call(() => api.sizes(docId)),

    flush,
  };
}
