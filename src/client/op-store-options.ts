import type { OpStoreOptions } from '../contracts/op-store.js';
import { StoreError } from '../store-error.js';
import { invalid } from './validate.js';

/**
 * Checks {@link OpStoreOptions} and returns its `decodeOp`. Kept apart from the op store client,
 * which loads on a space's first call: `store.opStore()` checks its arguments at once.
 *
 * @throws {@link StoreError} code 'invalid-argument' when `options` or its `decodeOp` is not what
 * {@link OpStoreOptions} says.
 */
export function checkOpStoreOptions(options: unknown): NonNullable<OpStoreOptions['decodeOp']> | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    invalid('options must be an object');
  }
  let decodeOp: unknown;
  try {
    decodeOp = (options as OpStoreOptions | undefined)?.decodeOp;
  } catch (e) {
    throw new StoreError('invalid-argument', `options could not be read: ${String(e)}`, { cause: e });
  }
  if (decodeOp !== undefined && typeof decodeOp !== 'function') invalid('decodeOp must be a function');
  return decodeOp as NonNullable<OpStoreOptions['decodeOp']> | undefined;
}
