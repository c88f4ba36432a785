import type { KeyEntry, KeyRangeOptions, KeySpace } from '../contracts/key-space.js';
import type { KeySpaceEngineApi } from '../engine/key-space-engine.js';
import { ownCopy, unpackBytes } from '../packed-bytes.js';
import type { ClientContext } from './client-context.js';
import { checkArray, checkBytes, checkString, invalid } from './validate.js';

/**
 * Checks a key path and copies it, so the engine never holds the caller's array.
 *
 * @param value - the caller's key or prefix.
 * @param what - its name in the error message.
 * @param prefix - whether `[]` is allowed (a prefix of every key).
 */
function keyPath(value: unknown, what: string, prefix: boolean): string[] {
  checkArray(value, what);
  if (!prefix && value.length === 0) invalid(`${what} must not be empty`);
  const out = new Array<string>(value.length);
  // Indexed, not iterated: a sparse array's hole reads as undefined and is refused.
  for (let i = 0; i < value.length; i++) {
    const part: unknown = value[i];
    checkString(part, `${what}[${i}]`);
    out[i] = part;
  }
  return out;
}

/** Checks a value and copies it once, so the caller's array is neither kept nor detached. */
function value(data: unknown): Uint8Array {
  checkBytes(data, 'data');
  // A detached array reads as empty: storing it would lose the bytes the caller meant.
  if ((data.buffer as { detached?: boolean }).detached === true) invalid('data is detached');
  return ownCopy(data);
}

function rangeOrder(options: unknown): 'key' | 'written' {
  if (options === undefined) return 'key';
  if (typeof options !== 'object' || options === null) invalid('options must be an object');
  const { order } = options as KeyRangeOptions;
  if (order === undefined || order === 'key' || order === 'written') return order ?? 'key';
  invalid("options.order must be 'key' or 'written'");
}

/**
 * Creates the {@link KeySpace} `space` over an engine, inline or remote.
 *
 * @param api - the engine's key-space side.
 * @param space - the key space's name.
 * @param ctx - the store's client context.
 * @param flush - the store's flush.
 * @param subscribe - the store's change feed, for this key space.
 */
export function createKeySpaceClient(
  api: KeySpaceEngineApi,
  space: string,
  ctx: ClientContext,
  flush: () => Promise<number>,
  subscribe: KeySpace['subscribe'],
): KeySpace {
  const { call, write } = ctx;
  return {
    subscribe,
    get: (key) => call(() => api.get(space, keyPath(key, 'key', false))),

    put: (key, data) =>
      write('put', space, () => {
        const path = keyPath(key, 'key', false);
        const copy = value(data);
        return {
          op: ['keySpace', 'put', [space, path, copy]],
          transfers: [copy.buffer as ArrayBuffer],
          bytes: copy.byteLength,
        };
      }),

    delete: (key) =>
      write('delete', space, () => ({
        op: ['keySpace', 'delete', [space, keyPath(key, 'key', false)]],
        transfers: [],
      })),

    getRange: (prefix, options) =>
      call(async () => {
        const path = keyPath(prefix, 'prefix', true);
        const { keys, values } = await api.getRange(space, path, rangeOrder(options));
        const data = unpackBytes(values);
        return keys.map((key, i): KeyEntry => ({ key, data: data[i] as Uint8Array }));
      }),

    deleteRange: (prefix) =>
      // It commits at once, and resolves after: a key written in another tab after it resolved
      // is never deleted by it.
      write(
        'deleteRange',
        space,
        () => ({ op: ['keySpace', 'deleteRange', [space, keyPath(prefix, 'prefix', true)]], transfers: [] }),
        { applied: true },
      ),

    flush,
  };
}
