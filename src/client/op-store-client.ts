import type { DhtArc, MetaOp, OpStore, OpStoreOptions } from '../contracts/op-store.js';
import type { DecodedOp } from '../engine/default-op-format.js';
import type { IncomingOps, OpStoreEngineApi } from '../engine/op-store-engine.js';
import { MAX_LOC } from '../op-location.js';
import { ownCopy, packBytes, packedBuffers, unpackBytes } from '../packed-bytes.js';
import { StoreError } from '../store-error.js';
import type { ClientContext } from './client-context.js';
import { checkArray, checkBytes, checkEach, checkIndex, describeValue, invalid } from './validate.js';

/** A caller's op decoder, checked to be a function (see op-store-options.ts). */
type DecodeOp = NonNullable<OpStoreOptions['decodeOp']>;

/**
 * Creates the {@link OpStore} of one space over an engine, inline or remote.
 *
 * @remarks
 * Ops of the default format are decoded by the engine, where it runs. A caller's `decodeOp` is a
 * function, which cannot cross to a worker: those ops are decoded here, and the engine receives
 * ids, times and sizes next to the bytes.
 *
 * @param api - the engine's op store side.
 * @param space - the space's namespace.
 * @param decodeOp - the space's `decodeOp`, checked by {@link checkOpStoreOptions}.
 * @param ctx - the store's client context.
 * @param subscribe - the store's change feed, for this space.
 */
export function createOpStoreClient(
  api: OpStoreEngineApi,
  space: string,
  decodeOp: DecodeOp | undefined,
  ctx: ClientContext,
  subscribe: OpStore['subscribe'],
): OpStore {
  const { call, mark } = ctx;
  const decode = decodeOp === undefined ? undefined : customDecoder(decodeOp);
  return {
    subscribe,
    processIncomingOps: (ops) =>
      call(async () => {
        checkArray(ops, 'ops');
        checkEach(ops, (op, i) => checkBytes(op, `ops[${i}]`));
        if (ops.length === 0) return [];
        // Everything is decoded before anything is stored, so one bad op stores nothing: here
        // with a caller's decodeOp, by the engine for the default format (off the main thread).
        const decoded = decode === undefined ? undefined : ops.map((op) => decode(op as Uint8Array));
        const data = packBytes(ops as Uint8Array[]);
        const incoming: IncomingOps = { data };
        const transfers = packedBuffers(data);
        if (decoded !== undefined) {
          const createdAt = Float64Array.from(decoded, (d) => d.createdAt);
          const sizes = Float64Array.from(decoded, (d) => d.size);
          incoming.decoded = { ids: packBytes(decoded.map((d) => d.opId)), createdAt, sizes };
          transfers.push(createdAt.buffer, sizes.buffer);
        }
        return unpackBytes(await api.processIncomingOps(space, mark(incoming, transfers)));
      }),

    retrieveOpHashesInTimeSlice: (arc, start, end) =>
      call(async (): Promise<[Uint8Array[], number]> => {
        const a = checkArc(arc);
        checkTime(start, 'start');
        checkTime(end, 'end');
        const { ids, total } = await api.retrieveOpHashesInTimeSlice(space, a, start, end);
        return [unpackBytes(ids), total];
      }),

    retrieveOps: (opIds) =>
      call(async () => {
        const ids = packIds(opIds);
        const views = unpackBytes(ids);
        if (views.length === 0) return [];
        const { found, data } = await api.retrieveOps(space, ids);
        const bytes = unpackBytes(data);
        return Array.from(found, (i, k): MetaOp => ({
          opId: views[i] as Uint8Array,
          opData: bytes[k] as Uint8Array,
        }));
      }),

    filterOutExistingOps: (opIds) =>
      call(async () => {
        const ids = packIds(opIds);
        const views = unpackBytes(ids);
        if (views.length === 0) return [];
        const missing = await api.filterOutExistingOps(space, ids);
        return Array.from(missing, (i) => views[i] as Uint8Array);
      }),

    retrieveOpIdsBounded: (arc, start, limitBytes) =>
      call(async (): Promise<[Uint8Array[], number, number]> => {
        const a = checkArc(arc);
        checkTime(start, 'start');
        if (typeof limitBytes !== 'number' || !(limitBytes >= 0)) {
          invalid(`limitBytes must be a non-negative number, got ${describeValue(limitBytes)}`);
        }
        const { ids, total, next } = await api.retrieveOpIdsBounded(space, a, start, limitBytes);
        return [unpackBytes(ids), total, next];
      }),

    earliestTimestampInArc: (arc) => call(() => api.earliestTimestampInArc(space, checkArc(arc))),

    storeSliceHash: (arc, sliceIndex, hash) =>
      call(async () => {
        const a = checkArc(arc);
        checkIndex(sliceIndex, 'sliceIndex');
        checkBytes(hash, 'hash');
        if (hash.byteLength === 0) invalid('hash must not be empty');
        const copy = ownCopy(hash);
        await api.storeSliceHash(space, a, sliceIndex, mark(copy, [copy.buffer]));
      }),

    sliceHashCount: (arc) => call(() => api.sliceHashCount(space, checkArc(arc))),

    retrieveSliceHash: (arc, sliceIndex) =>
      call(async () => {
        const a = checkArc(arc);
        checkIndex(sliceIndex, 'sliceIndex');
        return api.retrieveSliceHash(space, a, sliceIndex);
      }),

    retrieveSliceHashes: (arc) =>
      call(async () => {
        const { indexes, hashes } = await api.retrieveSliceHashes(space, checkArc(arc));
        const views = unpackBytes(hashes);
        return Array.from(indexes, (index, k): [number, Uint8Array] => [index, views[k] as Uint8Array]);
      }),
  };
}

/** Wraps a caller's `decodeOp`: whatever it throws or returns amiss is 'invalid-argument'. */
function customDecoder(decodeOp: DecodeOp): (op: Uint8Array) => DecodedOp {
  return (op) => {
    let out: unknown;
    try {
      out = decodeOp(op);
    } catch (e) {
      throw new StoreError('invalid-argument', 'decodeOp could not decode an op', { cause: e });
    }
    if (typeof out !== 'object' || out === null) invalid('decodeOp must return { opId, createdAt }');
    const { opId, createdAt } = out as { opId?: unknown; createdAt?: unknown };
    checkBytes(opId, 'decodeOp(...).opId');
    checkTime(createdAt, 'decodeOp(...).createdAt');
    return { opId, createdAt, size: op.byteLength };
  };
}

/**
 * Checks an arc and returns a plain copy of it.
 *
 * @throws {@link StoreError} code 'invalid-argument' unless `arc` is `null` or `[start, end]`
 * with both bounds u32 integers.
 */
function checkArc(arc: unknown): DhtArc {
  if (arc === null) return null;
  if (!Array.isArray(arc) || arc.length !== 2) invalid('arc must be null or [start, end]');
  const [start, end] = arc as [unknown, unknown];
  for (const bound of [start, end]) {
    if (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 0 || bound > MAX_LOC) {
      invalid(`arc bounds must be integers in 0 ..= 2 ** 32 - 1, got ${describeValue(bound)}`);
    }
  }
  return [start as number, end as number];
}

/** Checks a timestamp in microseconds: any finite number. */
function checkTime(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(`${what} must be a finite number of microseconds, got ${describeValue(value)}`);
  }
}

/** Checks a list of op ids and packs a copy of them. */
function packIds(opIds: unknown): ReturnType<typeof packBytes> {
  checkArray(opIds, 'opIds');
  checkEach(opIds, (id, i) => checkBytes(id, `opIds[${i}]`));
  return packBytes(opIds as Uint8Array[]);
}
