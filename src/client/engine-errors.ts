import { toStoreError } from '../store-error.js';

/**
 * Wraps an engine (or one of its parts) so that everything it throws or rejects with is a
 * {@link StoreError}: the boundary at which the client tells the engine's failures from errors
 * that the caller's own values throw while they are read (see client-context.ts).
 *
 * @param target - the inline engine, or a part of it.
 * @returns the same API, its methods called on the original object (private fields intact).
 */
export function withStoreErrors<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          try {
            const out: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args);
            return out instanceof Promise
              ? out.catch((e: unknown) => {
                  throw toStoreError(e);
                })
              : out;
          } catch (e) {
            throw toStoreError(e);
          }
        };
      }
      if (typeof value === 'object' && value !== null && prop !== 'closed') return withStoreErrors(value);
      return value;
    },
  });
}
