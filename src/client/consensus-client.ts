import type { Consensus, VersionedData } from '../contracts/consensus.js';
import type { ConsensusEngineApi } from '../engine/consensus-engine.js';
import { ownCopy, unpackBytes } from '../packed-bytes.js';
import type { ClientContext } from './client-context.js';
import { checkBytes, checkIndex, checkString, checkU63, invalid } from './validate.js';

/**
 * Creates the {@link Consensus} of a store over an engine, inline or remote.
 *
 * @param api - the engine's consensus side.
 * @param ctx - the store's client context.
 * @param subscribe - the store's change feed of consensus keys.
 */
export function createConsensusClient(
  api: ConsensusEngineApi,
  ctx: ClientContext,
  subscribe: Consensus['subscribe'],
): Consensus {
  const { call, mark } = ctx;
  return {
    subscribe,
    listKeys: () => call(() => api.listKeys()),

    head: (key) =>
      call(async () => {
        checkString(key, 'key');
        return api.head(key);
      }),

    compareAndSet: (key, expected, next) =>
      call(async () => {
        checkString(key, 'key');
        if (expected !== undefined) checkU63(expected, 'expected');
        if (typeof next !== 'object' || next === null) invalid('next must be { seqno, data }');
        const { seqno, data } = next;
        checkU63(seqno, 'next.seqno');
        if (expected !== undefined && seqno <= expected) {
          invalid(`next.seqno ${seqno} must be greater than expected ${expected}`);
        }
        checkBytes(data, 'next.data');
        const copy = ownCopy(data);
        return api.compareAndSet(key, expected, seqno, mark(copy, [copy.buffer]));
      }),

    scan: (key, from, limit) =>
      call(async () => {
        checkString(key, 'key');
        checkU63(from, 'from');
        checkIndex(limit, 'limit');
        const run = await api.scan(key, from, limit);
        const data = unpackBytes(run.data);
        return data.map((d, i): VersionedData => ({ seqno: run.seqnos[i] as bigint, data: d }));
      }),

    truncate: (key, seqno) =>
      call(async () => {
        checkString(key, 'key');
        checkU63(seqno, 'seqno');
        return api.truncate(key, seqno);
      }),
  };
}
